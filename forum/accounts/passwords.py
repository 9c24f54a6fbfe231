"""Password hashing (Argon2id) and the rules a new password must meet."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MAX_PASSWORD_LENGTH = 1024


def hasher() -> PasswordHasher:
    """An Argon2id hasher with the configured cost."""
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """Check a password; also return a fresh hash when the stored one used older parameters."""
    ph = hasher()
    try:
        ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, ph.hash(password) if ph.check_needs_rehash(stored_hash) else None


def burn_verification_time() -> None:
    """Spend the time of a real check, so an unknown e-mail answers as slowly as a known one."""
    verify_password(dummy_hash(), "not the password")


@cache
def dummy_hash() -> str:
    """A hash of nothing in particular, made once."""
    return PasswordHasher().hash("confreres dummy password")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of public leaks, as shipped with zxcvbn."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """True for a password found in leaks, ignoring case and surrounding spaces."""
    return password.strip().casefold() in common_passwords()
