"""Tests for forum.content.deidentify: the annotated corpus, the NIR key, properties on any text."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forum.content.deidentify import KINDS, Finding, find_identifiers

CORPUS = Path(__file__).parent / "corpus"
# An expected identifier inside a corpus line: [[kind:text]].
MARKER = re.compile(r"\[\[(\w+):(.*?)\]\]")


def parse_annotated(line: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Return the line without its markers and the (kind, start, end) spans they marked."""
    parts, expected, position, last = [], [], 0, 0
    for marker in MARKER.finditer(line):
        parts.append(line[last : marker.start()])
        position += marker.start() - last
        expected.append((marker[1], position, position + len(marker[2])))
        parts.append(marker[2])
        position += len(marker[2])
        last = marker.end()
    parts.append(line[last:])
    return "".join(parts), expected


def read_corpus(name: str) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Return the annotated sentences of a corpus file, skipping blank lines and "#" comments."""
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [parse_annotated(line) for line in lines if line.strip() and not line.startswith("#")]


CLEAN = read_corpus("clean.txt")
IDENTIFIERS = read_corpus("identifiers.txt")


@pytest.mark.parametrize("name, minimum", [("clean.txt", 120), ("identifiers.txt", 80), ("heldout.txt", 35)])
def test_corpus_files_parse(name, minimum):
    sentences = read_corpus(name)
    assert len(sentences) >= minimum
    for text, expected in sentences:
        assert "[[" not in text and "]]" not in text, text
        assert all(kind in KINDS for kind, _, _ in expected), text
    if name == "clean.txt":
        assert not any(expected for _, expected in sentences)
    elif name == "identifiers.txt":
        assert all(expected for _, expected in sentences)


@pytest.mark.parametrize("text", [text for text, _ in CLEAN])
def test_clean_sentence_has_no_finding(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize("text, expected", IDENTIFIERS)
def test_identifier_sentence_yields_exactly_its_spans(text, expected):
    found = [(finding.kind, finding.start, finding.end) for finding in find_identifiers(text)]
    assert found == expected, [(kind, text[start:end]) for kind, start, end in found]


def test_every_kind_and_civility_is_in_the_corpus():
    kinds = {kind for _, expected in IDENTIFIERS for kind, _, _ in expected}
    assert kinds == set(KINDS)
    names = [text[start:end] for text, expected in IDENTIFIERS for kind, start, end in expected if kind == "name"]
    civilities = {name.split()[0].lower() for name in names}
    assert civilities >= {"m.", "mr", "mr.", "mme", "mme.", "mlle", "mrs", "mrs.", "ms", "ms."}
    assert civilities >= {"monsieur", "madame", "mademoiselle"}


def test_finding_as_dict():
    finding = find_identifiers("Joindre M. Dupont au 06 12 34 56 78.")[1]
    assert finding.as_dict() == {"kind": "phone", "text": "06 12 34 56 78", "start": 21, "end": 35}


# --- NIR key --------------------------------------------------------------------------------


def expected_key(body: str) -> int:
    """Return the NIR key by the CNAM recipe: Corsica as 20, minus 1,000,000 (2A) or 2,000,000 (2B)."""
    corsica = {"2A": 1_000_000, "2B": 2_000_000}.get(body[5:7].upper(), 0)
    number = int(body[:5] + ("20" if corsica else body[5:7]) + body[7:]) - corsica
    return 97 - number % 97


def two_digits(low: int, high: int):
    return st.integers(low, high).map(lambda n: f"{n:02d}")


def three_digits(low: int = 1, high: int = 999):
    return st.integers(low, high).map(lambda n: f"{n:03d}")


@st.composite
def nir_groups(draw) -> list[str]:
    """Draw a valid NIR as its groups: sex, year, month, département, commune, order, key."""
    sex = draw(st.sampled_from("1234 78".replace(" ", "")))
    year = draw(two_digits(0, 99))
    month = draw(st.one_of(two_digits(1, 12), two_digits(20, 42), two_digits(50, 99)))
    department, commune = draw(
        st.one_of(
            st.tuples(two_digits(1, 95), three_digits()),
            st.tuples(st.sampled_from(["2A", "2B"]), three_digits()),
            st.tuples(st.sampled_from(["971", "972", "973", "974", "976", "987", "988"]), two_digits(1, 99)),
            st.tuples(st.just("99"), three_digits(100, 500)),
        )
    )
    order = draw(three_digits())
    body = sex + year + month + department + commune + order
    return [sex, year, month, department, commune, order, f"{expected_key(body):02d}"]


@pytest.mark.parametrize(
    "nir",
    ["1 84 12 76 451 089 46", "2 69 05 49 350 012 90", "1 85 12 2A 004 017 80", "2 78 03 2B 033 002 80"],
)
def test_known_nirs_are_found(nir):
    assert [(f.kind, f.text) for f in find_identifiers(f"NIR {nir}.")] == [("nir", nir)]


@given(nir_groups(), st.sampled_from(["", " ", "\u00a0", "."]))
def test_valid_nir_is_found(groups, separator):
    nir = separator.join(groups)
    text = f"Assuré {nir} ce jour"
    assert [(f.kind, f.start, f.text) for f in find_identifiers(text)] == [("nir", 7, nir)]


@given(nir_groups(), st.sampled_from(["", " "]), st.data())
def test_nir_with_one_digit_changed_is_not_a_nir(groups, separator, data):
    nir = separator.join(groups)
    position = data.draw(st.sampled_from([i for i, char in enumerate(nir) if char.isdigit()]))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != nir[position]]))
    changed = nir[:position] + digit + nir[position + 1 :]
    assert "nir" not in {finding.kind for finding in find_identifiers(f"Assuré {changed} ce jour")}


# --- Properties on any text ------------------------------------------------------------------

# Fragments that start or nearly complete every pattern, so random joins probe the edges.
FRAGMENTS = (
    " |, |. |\n|M. |Mme |Dr |Dupont|de |Le |D.|né le |DDN : |12/03/1954|3 mars 1954|06| 12|.34|+33|+32 |(0)|0475|/"
    "|IPP |n° |1 84 12 76 451 089 46|2A|rue |des Lilas|12|bis|Street|@|a.b|.fr|J+3"
).split("|")


@given(st.one_of(st.text(max_size=300), st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)))
def test_findings_are_ordered_disjoint_and_exact(text):
    findings = find_identifiers(text)
    assert all(isinstance(finding, Finding) and finding.kind in KINDS for finding in findings)
    assert all(text[finding.start : finding.end] == finding.text != "" for finding in findings)
    assert all(before.end <= after.start for before, after in zip(findings, findings[1:], strict=False))
