"""Normalise and validate health-professional identifiers (RPPS, ADELI, INAMI, NPI)."""

from collections.abc import Callable

ID_TYPES: tuple[str, ...] = ("rpps", "adeli", "inami", "npi")

# Separators people type or paste from cards and letters. French typography puts
# non-breaking (U+00A0) and narrow no-break (U+202F) spaces between digit groups.
_STRIP_SEPARATORS = str.maketrans("", "", " \u00a0\u202f.-/")
# Explicit set: str.isdigit() would let Arabic-Indic, superscript and fullwidth digits through.
_ASCII_DIGITS = frozenset("0123456789")


class InvalidIdentifier(ValueError):
    """Raised when an identifier is rejected; ``reason`` is "format", "length" or "checksum"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _luhn_ok(digits: str) -> bool:
    """Return True if the digit string, check digit included, passes the Luhn test."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _npi_ok(digits: str) -> bool:
    """Return True if the NPI passes Luhn with the "80840" card-issuer prefix (ISO 7812)."""
    return _luhn_ok("80840" + digits)


def _inami_ok(digits: str) -> bool:
    """Return True if the INAMI check digits match the 6-digit base under mod 97 or mod 89."""
    base, check = int(digits[:6]), int(digits[6:8])
    # Older numbers use 97 - n % 97, those issued since 2019 use 89 - n % 89, and nothing
    # in the number says which, so either is accepted. Digits 9-11 (qualification) are unchecked.
    return check in (97 - base % 97, 89 - base % 89)


_RULES: dict[str, tuple[int, Callable[[str], bool]]] = {
    "rpps": (11, _luhn_ok),
    "adeli": (9, _luhn_ok),
    "inami": (11, _inami_ok),
    "npi": (10, _npi_ok),
}


def normalize_identifier(id_type: str, raw: str) -> str:
    """Return the canonical digit string for raw, or raise InvalidIdentifier."""
    if id_type not in _RULES:
        raise InvalidIdentifier("format")
    digits = raw.translate(_STRIP_SEPARATORS)
    if not _ASCII_DIGITS.issuperset(digits):
        raise InvalidIdentifier("format")
    if id_type == "rpps" and len(digits) == 12 and digits[0] == "8":
        # CPS cards print the national form "8" + RPPS; we store the RPPS itself.
        digits = digits[1:]
    length, is_valid = _RULES[id_type]
    if len(digits) != length:
        raise InvalidIdentifier("length")
    if not is_valid(digits):
        raise InvalidIdentifier("checksum")
    return digits
