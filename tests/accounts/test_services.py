import pytest
from argon2 import PasswordHasher, extract_parameters
from flask import current_app
from sqlalchemy import select

from portal.accounts import services
from portal.accounts.models import AuditEvent, Role, User
from portal.accounts.tokens import Purpose, TokenProblem, make_token, user_for_token
from portal.extensions import db
from tests.factories import PASSWORD
from tests.pages import emailed_link, outbox, path_of

NEW_PASSWORD = "lantern orchard gravel tugboat"


def _invite(by: User, email: str = "new.member@council.example", *roles: Role) -> User:
    invitation = services.Invitation(email=email, name="Nia Member", roles=set(roles or {Role.COUNCILLOR}))
    return services.invite_user(invitation, by=by)


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_authenticate_finds_the_account_whatever_the_case_of_the_email(make_user):
    user = make_user(email="kim@council.example")

    assert services.authenticate("  KIM@Council.Example ", PASSWORD) is user


def test_authenticate_refuses_a_wrong_password_an_unknown_email_and_a_deactivated_account(make_user):
    make_user(email="kim@council.example")
    make_user(email="gone@council.example", active=False)

    assert services.authenticate("kim@council.example", "not the password at all") is None
    assert services.authenticate("nobody@council.example", PASSWORD) is None
    assert services.authenticate("gone@council.example", PASSWORD) is None


def test_a_hash_made_at_another_cost_is_made_again_at_todays_when_its_owner_signs_in(make_user):
    user = make_user(email="kim@council.example")
    stamp = user.security_stamp
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=2).hash(PASSWORD)

    assert services.authenticate("kim@council.example", "not the password at all") is None
    assert extract_parameters(user.password_hash).time_cost == 2  # a wrong password changes nothing
    assert services.authenticate("kim@council.example", PASSWORD) is user

    parameters = extract_parameters(user.password_hash)
    config = current_app.config
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
        config["PASSWORD_HASH_TIME_COST"],
        config["PASSWORD_HASH_MEMORY_KIB"],
        config["PASSWORD_HASH_PARALLELISM"],
    )
    assert user.security_stamp == stamp  # the same password: the member's other sessions go on
    assert services.authenticate("kim@council.example", PASSWORD) is user


def test_invite_creates_an_account_without_a_password_and_emails_a_link(make_user):
    admin = make_user(Role.ADMIN)

    user = _invite(admin, "New.Member@Council.Example", Role.COUNCILLOR, Role.CHAMPION)

    assert (user.email, user.has_password, user.roles) == (
        "new.member@council.example",
        False,
        {Role.COUNCILLOR, Role.CHAMPION},
    )
    [message] = outbox()
    assert message.to_address == "new.member@council.example"
    assert path_of(emailed_link(user.email)).startswith("/invitation/")
    [event] = _events("account.invited")
    assert (event.actor, event.target_id, event.detail) == (admin, str(user.id), {"roles": ["champion", "councillor"]})


def test_invite_works_outside_a_request_with_links_to_the_public_address(app_context, make_user, monkeypatch):
    monkeypatch.setitem(app_context.config, "PUBLIC_BASE_URL", "https://hub.council.example/members")

    user = _invite(make_user(Role.ADMIN))

    assert emailed_link(user.email).startswith("https://hub.council.example/members/invitation/")


def test_invite_refuses_an_email_that_already_has_an_account_whatever_its_case(make_user):
    admin = make_user(Role.ADMIN)
    make_user(email="taken@council.example")

    with pytest.raises(services.AccountError, match="already exists") as refused:
        _invite(admin, "TAKEN@council.example")

    assert refused.value.field == "email"
    assert outbox() == []


def test_invite_refuses_no_roles(make_user):
    with pytest.raises(services.AccountError, match="Select at least one role"):
        services.invite_user(services.Invitation("x@council.example", "X Person", set()), by=make_user(Role.ADMIN))


def test_accepting_an_invitation_sets_the_password_and_makes_the_link_single_use(make_user):
    user = _invite(make_user(Role.ADMIN))
    token = make_token(user, Purpose.INVITATION)
    assert user_for_token(token, Purpose.INVITATION) is user

    services.accept_invitation(user, NEW_PASSWORD)

    assert services.authenticate(user.email, NEW_PASSWORD) is user
    assert user_for_token(token, Purpose.INVITATION) is TokenProblem.USED_OR_INVALID
    assert [event.actor for event in _events("account.activated")] == [user]


def test_a_link_made_for_one_purpose_does_not_work_for_another(make_user):
    user = make_user()

    assert user_for_token(make_token(user, Purpose.RESET), Purpose.INVITATION) is TokenProblem.USED_OR_INVALID
    assert user_for_token("not-a-token", Purpose.RESET) is TokenProblem.USED_OR_INVALID


def test_links_for_a_deactivated_account_do_not_work(make_user):
    user = make_user(active=False)

    assert user_for_token(make_token(user, Purpose.RESET), Purpose.RESET) is TokenProblem.USED_OR_INVALID


def test_a_reset_is_emailed_only_to_an_active_account(make_user):
    make_user(email="kim@council.example")
    make_user(email="gone@council.example", active=False)

    for email in ("nobody@council.example", "gone@council.example", "KIM@council.example"):
        services.request_password_reset(email)

    assert [message.to_address for message in outbox()] == ["kim@council.example"]


def test_a_new_password_ends_earlier_sessions_and_links(make_user):
    user = make_user()
    session_id, token = user.get_id(), make_token(user, Purpose.RESET)

    services.complete_password_reset(user, NEW_PASSWORD)

    assert user.get_id() != session_id
    assert user_for_token(token, Purpose.RESET) is TokenProblem.USED_OR_INVALID
    assert services.authenticate(user.email, PASSWORD) is None
    assert [event.summary for event in _events("account.password-reset")] == [f"{user.email} reset their password"]


def test_update_roles_records_the_roles_before_and_after(make_user):
    admin, person = make_user(Role.ADMIN), make_user(Role.COUNCILLOR)

    services.update_roles(person, {Role.CHAMPION, Role.OFFICER}, by=admin)
    db.session.commit()

    assert db.session.get(User, person.id).roles == {Role.CHAMPION, Role.OFFICER}
    [event] = _events("account.roles-changed")
    assert (event.actor, event.detail) == (admin, {"before": ["councillor"], "after": ["champion", "officer"]})


def test_an_admin_cannot_remove_their_own_admin_role(make_user):
    admin = make_user(Role.ADMIN)
    make_user(Role.ADMIN)  # another admin, so this is not the last-admin rule

    with pytest.raises(services.AccountError, match="You cannot remove your own admin role"):
        services.update_roles(admin, {Role.OFFICER}, by=admin)

    assert admin.roles == {Role.ADMIN}


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(make_user):
    last_admin = make_user(Role.ADMIN)
    former_admin = make_user(Role.ADMIN, active=False)  # an admin who no longer counts

    with pytest.raises(services.AccountError, match="at least one active admin"):
        services.update_roles(last_admin, {Role.OFFICER}, by=former_admin)
    with pytest.raises(services.AccountError, match="at least one active admin"):
        services.set_active(last_admin, False, by=former_admin)

    assert (last_admin.roles, last_admin.active) == ({Role.ADMIN}, True)


def test_an_admin_may_be_demoted_while_another_active_admin_remains(make_user):
    admin, other_admin = make_user(Role.ADMIN), make_user(Role.ADMIN)

    services.update_roles(other_admin, {Role.OFFICER}, by=admin)

    assert other_admin.roles == {Role.OFFICER}


def test_deactivating_ends_sessions_and_reactivating_restores_sign_in(make_user):
    admin, person = make_user(Role.ADMIN), make_user()
    session_id = person.get_id()

    services.set_active(person, False, by=admin)
    assert person.get_id() != session_id
    assert services.authenticate(person.email, PASSWORD) is None

    services.set_active(person, True, by=admin)
    assert services.authenticate(person.email, PASSWORD) is person
    assert [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "account.deactivated",
        "account.reactivated",
    ]


def test_nobody_can_deactivate_their_own_account(make_user):
    admin = make_user(Role.ADMIN)
    make_user(Role.ADMIN)

    with pytest.raises(services.AccountError, match="You cannot deactivate your own account"):
        services.set_active(admin, False, by=admin)


def test_resending_an_invitation_makes_the_earlier_link_stop_working(make_user):
    admin = make_user(Role.ADMIN)
    user = _invite(admin)
    first_token = make_token(user, Purpose.INVITATION)

    services.resend_invitation(user, by=admin)

    assert user_for_token(first_token, Purpose.INVITATION) is TokenProblem.USED_OR_INVALID
    assert len(outbox()) == 2
    assert user_for_token(path_of(emailed_link(user.email)).rsplit("/", 1)[1], Purpose.INVITATION) is user


def test_an_invitation_is_not_resent_to_someone_with_a_password_or_a_deactivated_account(make_user):
    admin = make_user(Role.ADMIN)
    invited_then_deactivated = _invite(admin)
    services.set_active(invited_then_deactivated, False, by=admin)

    with pytest.raises(services.AccountError, match="already set a password"):
        services.resend_invitation(make_user(), by=admin)
    with pytest.raises(services.AccountError, match="Reactivate the account"):
        services.resend_invitation(invited_then_deactivated, by=admin)

    assert len(outbox()) == 1  # only the first invitation


def test_list_users_searches_names_and_emails_and_filters_by_role(make_user):
    make_user(Role.COUNCILLOR, name="Priya Patel", email="priya@council.example")
    make_user(Role.OFFICER, name="Olu Officer", email="olu@council.example")
    make_user(Role.COUNCILLOR, name="Sam Okafor", email="sam@council.example", active=False)

    assert [user.name for user in services.list_users("PATEL")] == ["Priya Patel"]
    assert [user.name for user in services.list_users("olu@")] == ["Olu Officer"]
    assert [user.name for user in services.list_users(role=Role.COUNCILLOR)] == ["Priya Patel", "Sam Okafor"]
    assert [user.name for user in services.members()] == ["Priya Patel"]
