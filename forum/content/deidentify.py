"""De-identification guard: likely patient identifiers in a case, reply or edit before it is published.

The author sees each finding highlighted and must edit the text or confirm it explicitly, so
the guard looks for what identifies a patient (NIR, name after a civility, date of birth, phone,
e-mail, street address, hospital record number) while staying quiet on ordinary clinical prose:
doses, lab values, scores, ages, consultation dates, TNM staging, a colleague's name after "Dr".
"""

import re
from dataclasses import asdict, dataclass

from forum.content import deidentify_patterns as patterns

KINDS: tuple[str, ...] = ("nir", "name", "birth_date", "phone", "email", "address", "record_number")

# When two candidates overlap, the more specific kind wins: a checksummed NIR over anything,
# a labelled record number over the phone it may look like; within a kind, the leftmost one.
_PRIORITY = {
    kind: rank for rank, kind in enumerate(("nir", "email", "record_number", "birth_date", "phone", "address", "name"))
}
# Month values INSEE uses: real months, 20-42 (month unknown on the civil record), 50+ (provisional).
_NIR_MONTHS = frozenset(range(1, 13)) | frozenset(range(20, 43)) | frozenset(range(50, 100))
_NIR_SEPARATORS = re.compile(patterns.NIR_SEPARATOR)
_NON_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class Finding:
    """One likely identifier: its kind, the matched text and its offsets in the checked text."""

    kind: str
    text: str
    start: int
    end: int

    def as_dict(self) -> dict:
        """Return the finding as JSON-ready data, as the API's 422 answer lists it."""
        return asdict(self)


def nir_key(body: str) -> int:
    """Return the NIR key of a 13-character body: 97 - (body mod 97), Corsica's 2A/2B read as 19/18."""
    body = body.upper()
    if body[5:7] == "2A":
        body = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        body = body[:5] + "18" + body[7:]
    return 97 - int(body) % 97


def _is_nir(match: re.Match) -> bool:
    """Return True if a NIR-shaped number has a real month, a real département and the right key."""
    body = _NIR_SEPARATORS.sub("", match["sex"] + match["year"] + match["month"] + match["place"] + match["order"])
    department = body[5:7].upper()
    if int(match["month"]) not in _NIR_MONTHS or department in ("00", "96"):
        return False
    return nir_key(body) == int(match["key"])


def _is_phone(match: re.Match) -> bool:
    """Return True unless an international form has too few or too many digits to be a number."""
    international = match["intl"]
    if international is None:
        return True
    digits = _NON_DIGITS.sub("", international.replace("(0)", ""))
    digits = digits[2:] if international.startswith("00") else digits
    return 8 <= len(digits) <= 15


def _candidates(text: str):
    """Yield every candidate finding, overlapping ones included."""
    for match in patterns.NIR.finditer(text):
        if _is_nir(match):
            yield Finding("nir", match[0], match.start(), match.end())
    for match in patterns.NAME.finditer(text):
        if not patterns.NAME_PLACEHOLDER.fullmatch(match["name"]):
            yield Finding("name", match[0], match.start(), match.end())
    for match in patterns.BIRTH_DATE.finditer(text):
        yield Finding("birth_date", match["date"], match.start("date"), match.end("date"))
    for match in patterns.PHONE.finditer(text):
        if _is_phone(match):
            yield Finding("phone", match[0], match.start(), match.end())
    for match in patterns.EMAIL.finditer(text):
        yield Finding("email", match[0], match.start(), match.end())
    for pattern in patterns.ADDRESSES:
        for match in pattern.finditer(text):
            yield Finding("address", match[0], match.start(), match.end())
    for match in patterns.RECORD_NUMBER.finditer(text):
        if any(char.isdigit() for char in match["id"]):
            yield Finding("record_number", match["id"], match.start("id"), match.end("id"))


def find_identifiers(text: str) -> list[Finding]:
    """Likely patient identifiers in text, in order of position, not overlapping."""
    kept: list[Finding] = []
    taken = bytearray(len(text))
    for finding in sorted(_candidates(text), key=lambda f: (_PRIORITY[f.kind], f.start, f.start - f.end)):
        if not any(taken[finding.start : finding.end]):
            kept.append(finding)
            taken[finding.start : finding.end] = b"\x01" * (finding.end - finding.start)
    return sorted(kept, key=lambda f: f.start)
