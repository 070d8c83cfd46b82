"""The champions pages: reading them, appointing, editing, photos and removal, as each role sees them."""

import io

from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.champions import services
from portal.champions.models import ChampionProfile
from portal.extensions import db
from tests.champions.photos import png
from tests.pages import banner, field_error, heading, page, text, title


def profile_form(**overrides) -> dict:
    fields = {
        "title": "Councillor Safety Champion",
        "remit": "Advice on staying safe at surgeries and online.",
        "how_to_contact": "Email priya@council.example",
        "when_to_contact": "Weekdays, 9am to 5pm",
        "photo_alt_text": "",
        "position": "10",
    }
    return fields | overrides


def appointed(user, admin, **overrides) -> ChampionProfile:
    profile = services.appoint(user, services.ProfileInput(**(profile_form(position=10) | overrides)), by=admin)
    db.session.commit()
    return profile


def champions_listed(response) -> list[str]:
    return [text(name) for name in page(response).select("main h2.govuk-heading-m")]


def profile_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ChampionProfile))


def upload(data: bytes = b"", name: str = "priya.png", mimetype: str = "image/png"):
    return (io.BytesIO(data or png()), name, mimetype)


# ---- reading ------------------------------------------------------------------------------------------


def test_a_councillor_reads_the_champions(client_as, make_user):
    appointed(make_user(name="Priya Shah", ward="Riverside"), make_user(Role.ADMIN))
    response = client_as(Role.COUNCILLOR).get("/champions")
    assert response.status_code == 200
    assert heading(response) == "Safety champions"
    assert champions_listed(response) == ["Priya Shah"]
    words = text(page(response).find("main"))
    assert "Riverside ward" in words
    assert "How to reach them: Email priya@council.example" in words
    assert "When: Weekdays, 9am to 5pm" in words


def test_a_councillor_sees_no_appoint_edit_or_remove(client_as, make_user):
    appointed(make_user(name="Priya Shah"), make_user(Role.ADMIN))
    response = client_as(Role.COUNCILLOR).get("/champions")
    main = page(response).find("main")
    assert not main.find("a", string="Appoint a champion")
    assert not main.find("form")
    assert "Edit" not in text(main)


def test_inactive_accounts_are_not_listed(client_as, make_user):
    admin = make_user(Role.ADMIN)
    appointed(make_user(name="Priya Shah"), admin)
    gone = appointed(make_user(name="Leaver Lee"), admin)
    gone.user.active = False
    db.session.commit()
    assert champions_listed(client_as(Role.COUNCILLOR).get("/champions")) == ["Priya Shah"]


def test_with_no_champions_the_page_says_so(client_as):
    response = client_as(Role.COUNCILLOR).get("/champions")
    assert "No champions have been appointed yet." in text(page(response).find("main"))


def test_champions_are_shown_in_the_order_set(client_as, make_user):
    admin = make_user(Role.ADMIN)
    appointed(make_user(name="Zara"), admin, position=1)
    appointed(make_user(name="Adam"), admin, position=2)
    assert champions_listed(client_as(Role.COUNCILLOR).get("/champions")) == ["Zara", "Adam"]


# ---- appointing ---------------------------------------------------------------------------------------


def test_an_admin_appoints_a_champion(client_as, make_user):
    priya = make_user(name="Priya Shah")
    admin = client_as(Role.ADMIN)
    response = admin.post("/champions/appoint", data=profile_form(user_id=str(priya.id)), follow_redirects=True)
    assert banner(response) == "Success Priya Shah is now a champion"
    assert champions_listed(response) == ["Priya Shah"]
    db.session.expire_all()
    assert Role.CHAMPION in priya.roles
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "champions.appointed"))
    assert (event.actor_id, event.target_id) == (admin.user.id, str(priya.id))


def test_the_appoint_form_offers_only_people_not_yet_appointed(client_as, make_user):
    admin = make_user(Role.ADMIN)
    appointed(make_user(name="Priya Shah"), admin)
    make_user(name="Sam Jones", email="sam@council.example")
    make_user(name="Leaver Lee", active=False)
    response = client_as(Role.ADMIN).get("/champions/appoint")
    offered = [text(option) for option in page(response).find(id="user_id").find_all("option")]
    assert "Sam Jones (sam@council.example)" in offered
    assert not [name for name in offered if "Priya Shah" in name or "Leaver Lee" in name]


def test_appointing_without_the_required_details_explains_and_saves_nothing(client_as, make_user):
    make_user(name="Priya Shah")
    response = client_as(Role.ADMIN).post("/champions/appoint", data=profile_form(user_id="0", remit="", position="x"))
    assert response.status_code == 422
    assert title(response).startswith("Error: Appoint a champion")
    assert field_error(response, "user_id") == "Error: Choose who to appoint"
    assert field_error(response, "remit") == "Error: Say what the champion does for members"
    assert page(response).find(id="how_to_contact")["value"] == "Email priya@council.example"
    assert profile_count() == 0


def test_an_admin_appoints_with_a_photo_and_its_description(client_as, make_user):
    priya = make_user(name="Priya Shah")
    admin = client_as(Role.ADMIN)
    form = profile_form(user_id=str(priya.id), photo=upload(), photo_alt_text="Priya outside the town hall")
    response = admin.post("/champions/appoint", data=form, follow_redirects=True)
    image = page(response).find("main").find("img")
    assert image["alt"] == "Priya outside the town hall"
    photo = admin.get(image["src"])
    assert (photo.status_code, photo.mimetype, photo.data) == (200, "image/png", png())


def test_a_photo_without_a_description_is_refused_and_nothing_is_saved(client_as, make_user):
    priya = make_user(name="Priya Shah")
    admin = client_as(Role.ADMIN)
    response = admin.post("/champions/appoint", data=profile_form(user_id=str(priya.id), photo=upload()))
    assert response.status_code == 422
    assert field_error(response, "photo_alt_text") == "Error: Describe the photo for people who cannot see it"
    assert profile_count() == 0
    db.session.expire_all()
    assert Role.CHAMPION not in priya.roles


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client_as, make_user):
    priya = make_user(name="Priya Shah")
    fake = upload(b"<html><script>alert(1)</script></html>", "priya.png", "image/png")
    form = profile_form(user_id=str(priya.id), photo=fake, photo_alt_text="Priya")
    response = client_as(Role.ADMIN).post("/champions/appoint", data=form)
    assert response.status_code == 422
    assert field_error(response, "photo") == "Error: The photo must be a PNG or JPEG image"
    assert profile_count() == 0


# ---- editing ------------------------------------------------------------------------------------------


def test_an_admin_edits_a_profile(client_as, make_user):
    profile = appointed(make_user(name="Priya Shah"), make_user(Role.ADMIN))
    admin = client_as(Role.ADMIN)
    form = profile_form(title="Wellbeing champion", remit="Someone to talk to after a hard meeting.")
    response = admin.post(f"/champions/{profile.id}/edit", data=form, follow_redirects=True)
    assert banner(response) == "Success Profile saved"
    assert "Wellbeing champion" in text(page(response).find("main"))
    assert "Someone to talk to after a hard meeting." in text(page(response).find("main"))


def test_the_edit_form_shows_the_profile_as_it_stands(client_as, make_user):
    profile = appointed(make_user(name="Priya Shah"), make_user(Role.ADMIN))
    response = client_as(Role.ADMIN).get(f"/champions/{profile.id}/edit")
    assert heading(response) == "Edit the profile of Priya Shah"
    assert page(response).find(id="how_to_contact")["value"] == "Email priya@council.example"
    assert text(page(response).find(id="remit")) == "Advice on staying safe at surgeries and online."


def test_saving_without_a_new_photo_keeps_the_old_one(client_as, make_user):
    admin_user = make_user(Role.ADMIN)
    profile = appointed(make_user(name="Priya Shah"), admin_user)
    services.set_photo(profile, png(), "Priya smiling", by=admin_user)
    db.session.commit()
    admin = client_as(Role.ADMIN)
    assert admin.get(f"/champions/{profile.id}/edit").status_code == 200
    form = profile_form(title="Wellbeing champion", photo_alt_text="Priya at a ward surgery")
    response = admin.post(f"/champions/{profile.id}/edit", data=form, follow_redirects=True)
    assert response.status_code == 200
    image = page(response).find("main").find("img")
    assert image["alt"] == "Priya at a ward surgery"
    assert admin.get(image["src"]).data == png()


def test_a_champion_edits_their_own_profile(client_as, make_user):
    champion = client_as(Role.COUNCILLOR, name="Priya Shah")
    profile = appointed(champion.user, make_user(Role.ADMIN))
    listing = page(champion.get("/champions"))
    assert listing.find("a", href=f"/champions/{profile.id}/edit")
    assert not listing.select("form[action$='/remove']")
    response = champion.post(f"/champions/{profile.id}/edit", data=profile_form(when_to_contact="Evenings"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ChampionProfile, profile.id).when_to_contact == "Evenings"


def test_a_champion_may_not_edit_another_champions_profile(client_as, make_user):
    admin = make_user(Role.ADMIN)
    other = appointed(make_user(name="Sam Jones"), admin)
    champion = client_as(Role.COUNCILLOR, name="Priya Shah")
    appointed(champion.user, admin)
    assert champion.get(f"/champions/{other.id}/edit").status_code == 403
    response = champion.post(f"/champions/{other.id}/edit", data=profile_form(remit="Hijacked"))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(ChampionProfile, other.id).remit == "Advice on staying safe at surgeries and online."
    assert not page(champion.get("/champions")).find("a", href=f"/champions/{other.id}/edit")


def test_editing_a_missing_profile_is_not_found(client_as):
    assert client_as(Role.ADMIN).get("/champions/999/edit").status_code == 404


# ---- removing -----------------------------------------------------------------------------------------


def test_an_admin_removes_a_champion(client_as, make_user):
    priya = make_user(name="Priya Shah")
    profile = appointed(priya, make_user(Role.ADMIN))
    response = client_as(Role.ADMIN).post(f"/champions/{profile.id}/remove", follow_redirects=True)
    assert banner(response) == "Success Priya Shah is no longer a champion"
    assert champions_listed(response) == []
    db.session.expire_all()
    assert Role.CHAMPION not in priya.roles
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == "champions.removed"


def test_a_removed_champion_can_no_longer_edit(client_as, make_user):
    admin = make_user(Role.ADMIN)
    champion = client_as(Role.COUNCILLOR, name="Priya Shah")
    profile = appointed(champion.user, admin)
    assert champion.get(f"/champions/{profile.id}/edit").status_code == 200
    services.remove(profile, by=admin)
    db.session.commit()
    assert champion.get(f"/champions/{profile.id}/edit").status_code == 403


# ---- who may do what -----------------------------------------------------------------------------------


ADMIN_ONLY = [
    ("get", "/champions/appoint"),
    ("post", "/champions/appoint"),
    ("post", "/champions/{id}/remove"),
    ("get", "/champions/{id}/edit"),
    ("post", "/champions/{id}/edit"),
]


def test_only_admins_appoint_and_remove(client_as, make_user, subtests):
    priya = make_user(name="Priya Shah")
    profile = appointed(make_user(name="Sam Jones"), make_user(Role.ADMIN))
    data = profile_form(user_id=str(priya.id), remit="Hijacked")
    for role in [Role.COUNCILLOR, Role.OFFICER]:
        client = client_as(role)
        for method, url in ADMIN_ONLY:
            with subtests.test(role=role.value, method=method, url=url):
                assert getattr(client, method)(url.format(id=profile.id), data=data).status_code == 403
    db.session.expire_all()
    assert profile_count() == 1
    assert db.session.get(ChampionProfile, profile.id).remit != "Hijacked"
    assert Role.CHAMPION not in priya.roles


def test_someone_signed_out_is_sent_to_sign_in(client):
    response = client.get("/champions")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
