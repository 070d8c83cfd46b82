"""Who an issue goes to: the audience chosen, less those who opted out of ordinary newsletters."""

from dataclasses import dataclass

from sqlalchemy import Select, select

from portal.accounts.models import Role, User, UserRole
from portal.extensions import db
from portal.newsletters.models import Audience, Channel

AUDIENCE_LABELS = {
    Audience.ALL_COUNCILLORS: "All councillors",
    Audience.ALL_USERS: "Everyone with an account",
    Audience.CHAMPIONS: "Safety champions",
    Audience.WARDS: "Councillors in chosen wards",
    Audience.GROUPS: "Councillors in chosen political groups",
}


@dataclass(frozen=True)
class Person:
    user_id: int
    email: str
    name: str


def _with_role(role: Role) -> Select:
    return select(User).where(User.role_rows.any(UserRole.role == role.value))


def audience_query(audience: str, values: list[str], channel: str) -> Select:
    """Active accounts in the audience; ordinary newsletters skip those who opted out, safety notices do not."""
    kind = Audience(audience)
    if kind is Audience.ALL_USERS:
        query = select(User)
    elif kind is Audience.CHAMPIONS:
        query = _with_role(Role.CHAMPION)
    else:
        query = _with_role(Role.COUNCILLOR)
        if kind is Audience.WARDS:
            query = query.where(User.ward.in_(values))
        elif kind is Audience.GROUPS:
            query = query.where(User.political_group.in_(values))
    query = query.where(User.active.is_(True))
    if Channel(channel) is Channel.NEWSLETTER:
        query = query.where(User.wants_newsletters.is_(True))
    return query.order_by(User.email)


def recipients(audience: str, values: list[str], channel: str) -> list[Person]:
    """The people an issue would reach if sent now, read in one query."""
    query = audience_query(audience, values, channel).with_only_columns(User.id, User.email, User.name)
    return [Person(user_id, email, name) for user_id, email, name in db.session.execute(query)]


def ward_and_group_choices() -> tuple[list[str], list[str]]:
    """The wards and political groups current councillors belong to, for the audience form."""
    rows = db.session.execute(
        _with_role(Role.COUNCILLOR).where(User.active.is_(True)).with_only_columns(User.ward, User.political_group)
    ).all()
    return sorted({ward for ward, _ in rows if ward}), sorted({group for _, group in rows if group})
