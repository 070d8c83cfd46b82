"""The support directory: services and contacts members can turn to, in the shape Open Referral UK expects."""

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db


def new_uuid() -> str:
    return str(uuid.uuid4())


class ServiceStatus(enum.StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class PhoneKind(enum.StrEnum):
    VOICE = "voice"
    TEXT = "text"
    TEXTPHONE = "textphone"
    MOBILE = "mobile"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Category(db.Model):
    """A directory category; published to other directories as a taxonomy term."""

    __tablename__ = "directory_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=100)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Provider(db.Model):
    """The organisation that runs a service; an Open Referral organisation."""

    __tablename__ = "directory_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))


class Service(db.Model):
    __tablename__ = "directory_services"
    __table_args__ = (Index("ix_directory_services_published", "shareable", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("directory_categories.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("directory_providers.id"), index=True)
    is_internal: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(500))
    opening_notes: Mapped[str] = mapped_column(String(500), default="")
    out_of_hours: Mapped[bool] = mapped_column(default=False)
    audience: Mapped[str] = mapped_column(String(500), default="")
    shareable: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=ServiceStatus.ACTIVE, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    last_checked_on: Mapped[date | None]
    # What the "Need help now?" box shows: a special role the service plays, if any.
    help_now_role: Mapped[str | None] = mapped_column(String(30), index=True)
    view_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Lower-cased, singular words for search (see search.py), kept up to date by services.refresh_search_text.
    search_name: Mapped[str] = mapped_column(Text, default="")
    search_meta: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")

    category: Mapped[Category] = relationship(lazy="joined")
    provider: Mapped[Provider | None] = relationship(lazy="joined")
    owner: Mapped[User | None] = relationship()
    contacts: Mapped[list["ServiceContact"]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceContact.position", lazy="selectin"
    )
    phones: Mapped[list["ServicePhone"]] = relationship(
        cascade="all, delete-orphan", order_by="ServicePhone.position", lazy="selectin"
    )
    opening_hours: Mapped[list["OpeningHours"]] = relationship(
        cascade="all, delete-orphan", order_by="(OpeningHours.weekday, OpeningHours.opens_at)", lazy="selectin"
    )


# The directory's A to Z: a page of the listing reads the first entries of this index instead of sorting them all.
Index("ix_directory_services_name_lower", func.lower(Service.name))


class ServiceContact(db.Model):
    __tablename__ = "directory_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)


class ServicePhone(db.Model):
    __tablename__ = "directory_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12), default=PhoneKind.VOICE)
    description: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)


class OpeningHours(db.Model):
    """One opening period on one weekday, in the council's time zone; closes_at <= opens_at runs past midnight."""

    __tablename__ = "directory_opening_hours"
    __table_args__ = (
        UniqueConstraint("service_id", "weekday", "opens_at"),
        # "Open now" reads one or two weekdays of this index, never the opening hours of every service.
        Index("ix_directory_opening_hours_weekday", "weekday", "opens_at", "closes_at", "service_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # 0 Monday … 6 Sunday
    opens_at: Mapped[time]
    closes_at: Mapped[time]


class ReviewReminder(db.Model):
    """When an owner was last emailed their entries due a check: at most once a month each."""

    __tablename__ = "directory_review_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    last_sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchTerm(db.Model):
    """One word of a service and where it appears: the index that search.py reads instead of every entry.

    Made from the search_* columns by services.index_for_search whenever a service is saved. Sorted
    byte by byte (collation "C" on PostgreSQL, SQLite's default), so a prefix is a range of this index.
    """

    __tablename__ = "directory_search_terms"
    __table_args__ = (Index("ix_directory_search_terms_term", "term", "service_id", "in_name", "in_meta", "in_body"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(
        String(40).with_variant(String(40, collation="C"), "postgresql"), primary_key=True
    )
    in_name: Mapped[int] = mapped_column(SmallInteger, default=0)
    in_meta: Mapped[int] = mapped_column(SmallInteger, default=0)
    in_body: Mapped[int] = mapped_column(SmallInteger, default=0)


class DirectoryVersion(db.Model):
    """One row whose token changes with every change to the directory (see version.py)."""

    __tablename__ = "directory_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
