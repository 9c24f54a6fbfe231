"""Pseudonyms: one person, one name, whatever the case, width or hidden characters."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forum.accounts.pseudonyms import InvalidPseudonym, normalize_pseudonym, pseudonym_key

INVISIBLES = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u00ad",
    "\u3164",
    "\u115f",
    "\u2800",
    "\u0000",
    "\u001b",
    "\u2028",
    "\u2029",
    "\u180e",
]

names = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Nd"]) | st.sampled_from(" -_.'"), min_size=3, max_size=30
).filter(lambda s: any(unicodedata.category(c).startswith("L") for c in s) and len(" ".join(s.split())) >= 3)


@given(names)
def test_normalising_twice_changes_nothing(raw):
    try:
        once = normalize_pseudonym(raw)
    except InvalidPseudonym:
        return
    assert normalize_pseudonym(once) == once


@given(names, st.sampled_from(INVISIBLES), st.integers(min_value=0, max_value=30))
def test_any_invisible_character_is_refused(raw, invisible, position):
    position = min(position, len(raw))
    with pytest.raises(InvalidPseudonym):
        normalize_pseudonym(raw[:position] + invisible + raw[position:])


@given(names)
def test_case_and_width_variants_share_one_key(raw):
    try:
        name = normalize_pseudonym(raw)
    except InvalidPseudonym:
        return
    assert pseudonym_key(name.upper()) == pseudonym_key(name.lower()) or name.upper().lower() != name.lower()
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    assert pseudonym_key(normalize_pseudonym(wide)) == pseudonym_key(name)


@given(st.text(max_size=60))
def test_arbitrary_text_is_either_refused_or_a_clean_pseudonym(raw):
    try:
        name = normalize_pseudonym(raw)
    except InvalidPseudonym as error:
        assert error.reason in ("length", "invisible", "characters")
        return
    assert 3 <= len(name) <= 30 and name == name.strip() and "  " not in name
    assert all(unicodedata.category(c)[0] in "LN" or c in " -_.'" for c in name)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("  Dr  House ", "Dr House"),
        ("Ｄｏｃ", "Doc"),
        ("ﬁlou", "filou"),
        ("Dr\u00a0House", "Dr House"),
        ("Dr\u3000House", "Dr House"),
    ],
)
def test_examples(raw, expected):
    assert normalize_pseudonym(raw) == expected


def test_keys_fold_case():
    assert pseudonym_key("StraßeDoc") == pseudonym_key("STRASSEDOC")
