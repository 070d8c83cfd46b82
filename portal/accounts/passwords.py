"""Password hashing (Argon2id) and the policy for new passwords.

The policy follows the NCSC's advice: length over complexity rules, and a block list of passwords that
attackers try first. There are no rules about character classes and no forced expiry.
"""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 256
BLOCK_LIST_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _cost() -> tuple[int, int, int]:
    config = current_app.config
    return config["PASSWORD_HASH_TIME_COST"], config["PASSWORD_HASH_MEMORY_KIB"], config["PASSWORD_HASH_PARALLELISM"]


def _current_hasher() -> PasswordHasher:
    return _hasher(*_cost())


def hash_password(password: str) -> str:
    return _current_hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; compares against a dummy hash when there is none, to take similar time."""
    try:
        return _current_hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made at another cost than the one set now."""
    try:
        return _current_hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def _dummy_hash() -> str:
    return _dummy_hash_for(*_cost())


@cache
def _dummy_hash_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("no account has this password")


@cache
def blocked_passwords() -> frozenset[str]:
    lines = BLOCK_LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` may not be used, in words for the person choosing it; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in blocked_passwords() or len(set(lowered)) < 4:
        return "Password is too common or easy to guess; try three random words"
    personal = [email.lower().split("@")[0], *name.lower().split()]
    if any(part and len(part) >= 4 and part in lowered for part in personal):
        return "Password must not contain your name or email address"
    return None
