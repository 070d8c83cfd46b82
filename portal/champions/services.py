"""Appointing safety champions and keeping their profiles."""

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts import audit
from portal.accounts.models import Role, User, UserRole
from portal.champions.models import ChampionProfile
from portal.common.images import raster_type
from portal.extensions import db

MAX_PHOTO_BYTES = 500 * 1024


class ChampionError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def champions() -> list[ChampionProfile]:
    """Appointed champions whose accounts are active, in the order admins set."""
    return list(
        db.session.scalars(
            select(ChampionProfile)
            .join(User)
            .where(User.active.is_(True))
            .order_by(ChampionProfile.position, User.name)
        )
    )


def get_profile_or_404(profile_id: int) -> ChampionProfile:
    return db.get_or_404(ChampionProfile, profile_id)


def profile_for(user: User) -> ChampionProfile | None:
    return db.session.scalar(select(ChampionProfile).where(ChampionProfile.user_id == user.id))


@dataclass
class ProfileInput:
    title: str
    remit: str
    how_to_contact: str
    when_to_contact: str
    photo_alt_text: str | None = None
    position: int = 100


def appoint(user: User, details: ProfileInput, *, by: User) -> ChampionProfile:
    """Make `user` a champion: a public profile, and the champion role so they can write newsletters."""
    if not user.active:
        raise ChampionError("Only an active account can be appointed", "user_id")
    if profile_for(user) is not None:
        raise ChampionError(f"{user.name} is already a champion", "user_id")
    profile = ChampionProfile(user=user)
    _apply(profile, details)
    db.session.add(profile)
    if Role.CHAMPION not in user.roles:
        user.role_rows.append(UserRole(role=Role.CHAMPION.value))
    db.session.flush()
    audit.record(by, "champions.appointed", f"Appointed {user.name} as {profile.title}", target=user)
    return profile


def update_profile(profile: ChampionProfile, details: ProfileInput, *, by: User) -> None:
    """Save changed details; `photo_alt_text`, when given, re-describes the photo the profile already has."""
    if profile.photo and details.photo_alt_text is not None:
        profile.photo_alt_text = _required_alt_text(details.photo_alt_text)
    _apply(profile, details)
    audit.record(
        by, "champions.profile-updated", f"Updated the champion profile of {profile.user.name}", target=profile.user
    )


def set_photo(profile: ChampionProfile, data: bytes, alt_text: str | None, *, by: User) -> None:
    """A new photo: a PNG or JPEG under 500 KB, with words that describe it for people who cannot see it."""
    # Typed by its first bytes, never by what the upload claims, so only an image is served back from the photo address.
    mimetype = raster_type(data)
    if mimetype is None:
        raise ChampionError("The photo must be a PNG or JPEG image", "photo")
    if len(data) > MAX_PHOTO_BYTES:
        raise ChampionError("The photo must be smaller than 500 KB", "photo")
    profile.photo_alt_text = _required_alt_text(alt_text)
    profile.photo, profile.photo_mimetype = data, mimetype
    audit.record(by, "champions.photo-changed", f"Changed the photo of {profile.user.name}", target=profile.user)


def _required_alt_text(alt_text: str | None) -> str:
    if not (alt_text or "").strip():
        raise ChampionError("Describe the photo for people who cannot see it", "photo_alt_text")
    return alt_text.strip()


def remove(profile: ChampionProfile, *, by: User) -> None:
    """End an appointment: the profile goes, and so does the champion role."""
    user = profile.user
    user.role_rows = [row for row in user.role_rows if row.role != Role.CHAMPION.value]
    db.session.delete(profile)
    audit.record(by, "champions.removed", f"Removed {user.name} as a champion", target=user)


def _apply(profile: ChampionProfile, details: ProfileInput) -> None:
    profile.title = details.title.strip()
    profile.remit = details.remit.strip()
    profile.how_to_contact = details.how_to_contact.strip()
    profile.when_to_contact = details.when_to_contact.strip()
    profile.position = details.position


def candidates() -> list[User]:
    """Active accounts without a champion profile, who could be appointed."""
    appointed = select(ChampionProfile.user_id)
    return list(
        db.session.scalars(select(User).where(User.active.is_(True), User.id.not_in(appointed)).order_by(User.name))
    )
