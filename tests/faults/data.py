"""What the fault tests put in the database before they start breaking things."""

from sqlalchemy import func, insert, select

from portal.accounts.models import Role, User, UserRole
from portal.extensions import db
from portal.outbox.models import OutboxMessage

INSERT_CHUNK = 1000


def add_councillors(count: int, prefix: str = "member") -> list[int]:
    """`count` councillors in bulk (Core inserts, a thousand rows a statement); their ids, in order. Commits."""
    for start in range(0, count, INSERT_CHUNK):
        rows = [
            {"email": f"{prefix}{n:05d}@council.example", "name": f"Councillor {n:05d}"}
            for n in range(start, min(start + INSERT_CHUNK, count))
        ]
        db.session.execute(insert(User), rows)
    ids = list(db.session.scalars(select(User.id).where(User.email.like(f"{prefix}%")).order_by(User.id)))
    db.session.execute(insert(UserRole), [{"user_id": user_id, "role": Role.COUNCILLOR.value} for user_id in ids])
    db.session.commit()
    return ids


def emails_of(user_ids: list[int]) -> set[str]:
    return set(db.session.scalars(select(User.email).where(User.id.in_(user_ids))))


def outbox_statuses(group_key: str | None = None) -> dict[str, int]:
    """How many outbox rows are in each status now (read afresh, not from this session's cache)."""
    db.session.expire_all()
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if group_key is not None:
        query = query.where(OutboxMessage.group_key == group_key)
    counts = dict(db.session.execute(query).all())
    db.session.commit()  # end the read, so the test holds no snapshot or lock while the processes work
    return counts


def all_sent(group_key: str | None = None) -> bool:
    statuses = outbox_statuses(group_key)
    return bool(statuses) and set(statuses) == {"sent"}
