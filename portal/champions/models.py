"""Safety champions: the people members can go to, with how and when to reach them."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db


class ChampionProfile(db.Model):
    __tablename__ = "champion_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="Councillor Safety Champion")
    remit: Mapped[str] = mapped_column(Text, default="")
    how_to_contact: Mapped[str] = mapped_column(String(500), default="")
    when_to_contact: Mapped[str] = mapped_column(String(500), default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # read only when served
    photo_mimetype: Mapped[str | None] = mapped_column(String(40))
    photo_alt_text: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=100)
    appointed_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
