"""Pseudonyms: the public name of a member, unique whatever its case or Unicode form."""

import unicodedata

MIN_LENGTH = 3
MAX_LENGTH = 30
ALLOWED_PUNCTUATION = frozenset(" -_.'")

# Letters that draw nothing on screen although Unicode files them as letters or symbols.
INVISIBLE_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")


class InvalidPseudonym(ValueError):
    """reason: "length", "invisible" or "characters"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalize_pseudonym(raw: str) -> str:
    """NFKC-normalise a pseudonym, fold inner spaces, and refuse what could impersonate."""
    text = unicodedata.normalize("NFKC", raw)
    for char in text:
        category = unicodedata.category(char)
        # Cf holds zero-width and bidi controls; Cc, Cs, Co, Cn, Zl, Zp are never legitimate here.
        if char in INVISIBLE_CHARACTERS or category in ("Cf", "Cc", "Cs", "Co", "Cn", "Zl", "Zp"):
            raise InvalidPseudonym("invisible")
        if category == "Zs" and char != " ":
            raise InvalidPseudonym("invisible")
    text = " ".join(text.split())
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        raise InvalidPseudonym("length")
    for char in text:
        category = unicodedata.category(char)
        if not (category.startswith("L") or category == "Nd" or char in ALLOWED_PUNCTUATION):
            raise InvalidPseudonym("characters")
    if not any(unicodedata.category(c).startswith("L") for c in text):
        raise InvalidPseudonym("characters")
    return text


def pseudonym_key(pseudonym: str) -> str:
    """The form two pseudonyms are compared in: same key, same pseudonym."""
    return unicodedata.normalize("NFKC", pseudonym.casefold())
