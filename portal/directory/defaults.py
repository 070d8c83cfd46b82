"""The categories every council starts with; officers can add their own.

Their ids are fixed, so other directories see the same taxonomy term ids from every installation. The
migration that creates the directory seeds them, and `ensure_default_categories` can be run again at any
time: it adds only those missing.
"""

from sqlalchemy import Connection, select

from portal.common.time import utcnow
from portal.directory.models import Category

DEFAULT_CATEGORIES = [
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c01", "Wellbeing", "Looking after yourself in public life"),
    (
        "6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c02",
        "Counselling and employee assistance",
        "Confidential counselling and assistance lines",
    ),
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c03", "Mental health", "Support for your mental health, now or ongoing"),
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c04", "Peer support", "Other councillors who have been there"),
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c05", "Police", "Reporting crime and the police single point of contact"),
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c06", "Emergency", "When you or someone else is in danger"),
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c07", "Legal", "Legal advice and the monitoring officer"),
    (
        "6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c08",
        "Digital and social media safety",
        "Online abuse, account security and taking content down",
    ),
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c09", "Health and safety", "Personal safety, lone working and surgeries"),
    ("6f1d3a52-0c57-4a8e-9a61-2f1a7d0b7c10", "Member services", "The council team that supports councillors"),
]


def ensure_default_categories(connection: Connection) -> int:
    """Insert the default categories that are missing; returns how many were added."""
    table = Category.__table__
    present = set(connection.scalars(select(table.c.uuid)))
    names = {name.lower() for name in connection.scalars(select(table.c.name))}
    now = utcnow()
    missing = [
        {
            "uuid": uid,
            "name": name,
            "description": description,
            "position": (index + 1) * 10,
            "created_at": now,
            "updated_at": now,
        }
        for index, (uid, name, description) in enumerate(DEFAULT_CATEGORIES)
        if uid not in present and name.lower() not in names
    ]
    if missing:
        connection.execute(table.insert(), missing)
    return len(missing)
