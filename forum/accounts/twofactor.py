"""TOTP two-factor authentication with a replay guard, and one-time recovery codes."""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno

from forum.extensions import db
from forum.models import RecoveryCode, User
from forum.models.columns import utcnow

ISSUER = "Confrères"
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    """A fresh base32 TOTP secret."""
    return pyotp.random_base32()


def provisioning_qr(secret: str, account_name: str) -> str:
    """An SVG data URI of the otpauth:// link, for the authenticator app to scan."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=5)


def matching_counter(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step a code belongs to (allowing one step of clock drift), or None."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = totp.timecode(now)
    for counter in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def check_totp(user: User, code: str) -> bool:
    """Accept a code once: a code already used, or older than the last one used, fails."""
    if not user.totp_secret:
        return False
    counter = matching_counter(user.totp_secret, code)
    if counter is None or (user.totp_last_counter is not None and counter <= user.totp_last_counter):
        return False
    user.totp_last_counter = counter
    return True


def check_second_factor(user: User, code: str) -> bool:
    """A TOTP code or, failing that, an unused recovery code."""
    return check_totp(user, code) or use_recovery_code(user, code)


def hash_recovery_code(code: str) -> str:
    """Recovery codes are random enough that a plain SHA-256 protects them."""
    canonical = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(canonical.encode()).hexdigest()


def issue_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes; the plain codes are shown once, never stored."""
    user.recovery_codes.clear()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(6)
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        user.recovery_codes.append(RecoveryCode(code_hash=hash_recovery_code(code)))
        codes.append(code)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend a recovery code if it is one of the account's unused ones."""
    if not code or len(code) > 40:
        return False
    digest = hash_recovery_code(code)
    for stored in user.recovery_codes:
        if stored.used_at is None and hmac.compare_digest(stored.code_hash, digest):
            stored.used_at = utcnow()
            return True
    return False


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Turn on two-factor authentication once the user proved their app has the secret."""
    counter = matching_counter(secret, code)
    if counter is None:
        return None
    user.totp_secret = secret
    user.totp_last_counter = counter
    codes = issue_recovery_codes(user)
    db.session.flush()
    return codes
