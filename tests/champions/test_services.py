"""Appointing champions and keeping their profiles, called directly."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.champions import services
from portal.champions.models import ChampionProfile
from portal.extensions import db
from tests.champions.photos import JPEG_START, png


def details(**overrides) -> services.ProfileInput:
    fields = {
        "title": "Councillor Safety Champion",
        "remit": "Advice on staying safe at surgeries and online.",
        "how_to_contact": "Email or phone 01632 960555",
        "when_to_contact": "Weekdays",
    }
    return services.ProfileInput(**(fields | overrides))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_appointing_gives_the_champion_role_and_is_audited(make_user):
    admin, priya = make_user(Role.ADMIN), make_user(Role.COUNCILLOR, name="Priya Shah")
    profile = services.appoint(priya, details(), by=admin)
    assert priya.roles == {Role.COUNCILLOR, Role.CHAMPION}
    assert profile.user == priya
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "champions.appointed"))
    assert (event.actor_id, event.target_id) == (admin.id, str(priya.id))
    assert event.summary == "Appointed Priya Shah as Councillor Safety Champion"


def test_appointing_trims_what_was_typed(make_user):
    profile = services.appoint(make_user(), details(title="  Wellbeing champion  "), by=make_user(Role.ADMIN))
    assert profile.title == "Wellbeing champion"


def test_someone_already_a_champion_is_not_appointed_twice(make_user):
    admin, priya = make_user(Role.ADMIN), make_user(name="Priya Shah")
    services.appoint(priya, details(), by=admin)
    with pytest.raises(services.ChampionError, match="Priya Shah is already a champion") as refused:
        services.appoint(priya, details(), by=admin)
    assert refused.value.field == "user_id"
    assert db.session.scalar(select(func.count()).select_from(ChampionProfile)) == 1


def test_an_inactive_account_cannot_be_appointed(make_user):
    with pytest.raises(services.ChampionError, match="active account"):
        services.appoint(make_user(active=False), details(), by=make_user(Role.ADMIN))


def test_updating_a_profile_is_audited(make_user):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    services.update_profile(profile, details(remit="Online abuse"), by=admin)
    assert profile.remit == "Online abuse"
    assert actions()[-1] == "champions.profile-updated"


def test_removing_takes_away_the_profile_and_the_role(make_user):
    admin, priya = make_user(Role.ADMIN), make_user(name="Priya Shah")
    profile = services.appoint(priya, details(), by=admin)
    db.session.commit()
    services.remove(profile, by=admin)
    db.session.commit()
    db.session.expire_all()
    assert priya.roles == {Role.COUNCILLOR}
    assert services.profile_for(priya) is None
    assert actions()[-1] == "champions.removed"


def test_removing_keeps_the_persons_other_roles(make_user):
    admin, officer = make_user(Role.ADMIN), make_user(Role.OFFICER, Role.CHAMPION)
    profile = services.appoint(officer, details(), by=admin)
    services.remove(profile, by=admin)
    assert officer.roles == {Role.OFFICER}


def test_only_active_accounts_are_listed_in_their_set_order(make_user):
    admin = make_user(Role.ADMIN)
    second, first, gone = make_user(name="Bea"), make_user(name="Cal"), make_user(name="Abe")
    services.appoint(second, details(position=20), by=admin)
    services.appoint(first, details(position=10), by=admin)
    services.appoint(gone, details(position=5), by=admin)
    gone.active = False
    db.session.commit()
    assert [profile.user.name for profile in services.champions()] == ["Cal", "Bea"]


def test_candidates_are_active_people_not_yet_appointed(make_user):
    admin = make_user(Role.ADMIN, name="Ada")
    appointed, inactive = make_user(name="Ben"), make_user(name="Cy", active=False)
    services.appoint(appointed, details(), by=admin)
    names = [user.name for user in services.candidates()]
    assert "Ada" in names
    assert "Ben" not in names
    assert inactive.name not in names


# ---- photos -------------------------------------------------------------------------------------------


def test_a_png_photo_with_a_description_is_kept(make_user):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    services.set_photo(profile, png(), "Priya smiling outside the town hall ", by=admin)
    assert (profile.photo, profile.photo_mimetype) == (png(), "image/png")
    assert profile.photo_alt_text == "Priya smiling outside the town hall"
    assert actions()[-1] == "champions.photo-changed"


def test_a_jpeg_is_recognised_by_its_contents(make_user):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    services.set_photo(profile, JPEG_START + b"\x00" * 100, "A portrait", by=admin)
    assert profile.photo_mimetype == "image/jpeg"


def test_a_photo_needs_a_description(make_user, subtests):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    for alt_text in [None, "", "   "]:
        with subtests.test(alt_text=alt_text), pytest.raises(services.ChampionError, match="Describe") as refused:
            services.set_photo(profile, png(), alt_text, by=admin)
        assert refused.value.field == "photo_alt_text"
    assert profile.photo is None


def test_anything_but_a_png_or_jpeg_is_refused(make_user, subtests):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    for data in [svg, b"GIF89a....", b"", b"\x89PNG"]:
        with subtests.test(data=data[:12]), pytest.raises(services.ChampionError, match="PNG or JPEG") as refused:
            services.set_photo(profile, data, "A photo", by=admin)
        assert refused.value.field == "photo"
    assert profile.photo is None


def test_a_photo_over_the_size_limit_is_refused(make_user):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    too_big = png() + b"\x00" * services.MAX_PHOTO_BYTES
    with pytest.raises(services.ChampionError, match="smaller than 500 KB"):
        services.set_photo(profile, too_big, "A photo", by=admin)
    assert profile.photo is None


def test_the_description_of_a_kept_photo_can_be_changed(make_user):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    services.set_photo(profile, png(), "Old words", by=admin)
    services.update_profile(profile, details(photo_alt_text="Priya at a ward surgery"), by=admin)
    assert profile.photo_alt_text == "Priya at a ward surgery"
    assert profile.photo == png()


def test_a_kept_photo_cannot_lose_its_description(make_user):
    admin = make_user(Role.ADMIN)
    profile = services.appoint(make_user(), details(), by=admin)
    services.set_photo(profile, png(), "Old words", by=admin)
    with pytest.raises(services.ChampionError, match="Describe the photo"):
        services.update_profile(profile, details(photo_alt_text=""), by=admin)
