"""The RPPS directory import: parsing by header name, replacement, matching, re-checks, CLI."""

import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEvent, DirectoryEntry, DirectoryImport, Verification
from forum.moderation import directory
from forum.moderation.commands import import_directory_command
from forum.moderation.directory import (
    DirectoryFormatError,
    ExtractReader,
    directory_match,
    find_columns,
    header_key,
    import_directory,
    parse_line,
    recheck_verified_members,
)

# The activity file's header as published in 2021-2022 (shared with bench/directory_import.py).
HEADER_2021 = (Path(__file__).parents[1] / "data" / "rpps-header-2021.txt").read_text(encoding="utf-8").strip()
# A later release: reordered, new columns, other apostrophes, case and spacing.
HEADER_VARIANT = (
    "Code fonction|Libellé Profession|IDENTIFIANT PP|Nom d’exercice|Libelle savoir faire|"
    "Prénom  exercice|Type d’identifiant PP|Libellé civilité exercice|"
    "Identification Nationale PP|Téléphone (coord. Structure)|Libellé fonction|"
)
OURS = [
    "Type d'identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Libellé profession",
    "Libellé savoir-faire",
]
SMALL_HEADER = "|".join(OURS) + "|"
RPPS, RPPS_2, RPPS_3 = "10001045367", "10000000008", "10000000016"
ADELI = "012600631"


def person(identifier, last="DUPONT", first="Hélène", profession="Médecin", specialty=""):
    """The columns we read of one activity line, by published header name."""
    kind = "8" if len(identifier) == 11 else "0"
    values = [kind, identifier, kind + identifier, last, first, profession, specialty]
    return dict(zip(OURS, values, strict=True))


def line_for(header, values):
    """One '|' line for header, our values placed by name, filler elsewhere."""
    wanted = {header_key(name): value for name, value in values.items()}
    names = header.rstrip("|").split("|")
    return "|".join(wanted.get(header_key(name), f"x{i}") for i, name in enumerate(names)) + "|"


def write_extract(path, rows, header=HEADER_2021, extra=(), bom=False):
    """Write an extract: header, one line per row (a dict or raw bytes), then extra raw lines."""
    chunks = [("\ufeff" if bom else "").encode() + header.encode() + b"\n"]
    chunks += [row if isinstance(row, bytes) else raw(row, header) for row in [*rows, *extra]]
    path.write_bytes(b"".join(chunks))
    return path


@pytest.fixture
def extract(tmp_path):
    """Factory writing an extract file in tmp_path."""
    names = iter(range(1000))

    def make(rows, **kwargs):
        name = f"PS_LibreAcces_Personne_activite_{next(names)}.txt"
        return write_extract(tmp_path / name, rows, **kwargs)

    make.folder = tmp_path
    return make


def counts(record):
    """Lines read, entries kept and lines rejected by an import."""
    return record.lines, record.entries, record.rejected_lines


def raw(values, header=HEADER_2021, end=b"\n"):
    """One encoded line of values under header."""
    return line_for(header, values).encode() + end


def entries():
    """The directory as {identifier: entry}."""
    return {e.identifier: e for e in db.session.scalars(select(DirectoryEntry))}


def reopened(user):
    """The directory_missing verifications of a user."""
    query = select(Verification).filter_by(user_id=user.id, trigger="directory_missing")
    return list(db.session.scalars(query))


@pytest.mark.parametrize("header", [HEADER_2021, HEADER_VARIANT], ids=["2021", "variant"])
def test_columns_are_found_by_name(app, extract, header):
    rows = [person(RPPS, specialty="Médecine générale"), person(ADELI, "MARTIN", "L", "Infirmier")]
    path = extract(rows, header=header)
    record = import_directory(path)
    found = entries()
    assert (found[RPPS].last_name, found[RPPS].first_name) == ("DUPONT", "Hélène")
    assert (found[RPPS].id_type, found[RPPS].profession) == ("rpps", "Médecin")
    assert found[RPPS].specialty == "Médecine générale"
    assert (found[ADELI].id_type, found[ADELI].profession) == ("adeli", "Infirmier")
    assert (record.source_name, *counts(record)) == (path.name, 2, 2, 0)


def test_every_published_header_has_its_own_key():
    names = HEADER_2021.rstrip("|").split("|")
    assert len({header_key(name) for name in names}) == len(names)


@pytest.mark.parametrize("batch_size", [5000, 1], ids=["one-batch", "across-batches"])
def test_activities_of_one_person_collapse_to_the_first(app, extract, monkeypatch, batch_size):
    monkeypatch.setattr(directory, "BATCH_SIZE", batch_size)
    path = extract(
        [
            person(RPPS, "DUPONT", "Hélène"),
            person(RPPS_2, "DURAND", "Paul", specialty="Cardiologie"),
            person(RPPS, "AUTRE", "Nom", specialty="Médecine générale"),
            person(RPPS, "DUPONT", "Hélène", specialty="Pédiatrie"),
            person(RPPS_2, "DURAND", "Paul", specialty="Médecine générale"),
        ]
    )
    record = import_directory(path)
    found = entries()
    assert counts(record) == (5, 2, 0)
    assert (found[RPPS].last_name, found[RPPS].specialty) == ("DUPONT", "Médecine générale")
    assert found[RPPS_2].specialty == "Cardiologie"


def test_malformed_lines_are_counted_not_fatal(app, extract):
    bad_lines = [
        b"too|few|fields|\n",
        raw(person("1000104536")),  # 10 digits
        raw({**person(RPPS_2), "Type d'identifiant PP": "5"}),
        raw({**person(RPPS_2), "Identifiant PP": "1000000000A"}),
        raw({**person(RPPS_2), "Identification nationale PP": "8" + RPPS_3}),
        raw(person(RPPS_3), end=b"extra|\n"),
        b"\n",
    ]
    national_only = {**person(ADELI), "Identifiant PP": ""}  # read from the national id
    record = import_directory(extract([person(RPPS), national_only], extra=bad_lines))
    assert counts(record) == (9, 2, 7)
    assert set(entries()) == {RPPS, ADELI}


def test_bom_crlf_missing_trailing_bar_and_latin1_lines_are_read(app, extract):
    rows = [raw(person(RPPS, "DUPONT", "Zoé"))[:-2] + b"\n", raw(person(RPPS_2), end=b"\r\n")]
    latin1 = line_for(HEADER_2021, person(RPPS_3, "LEFÈVRE", "Hélène")).encode("latin-1") + b"\n"
    record = import_directory(extract(rows, extra=[latin1], bom=True))
    assert counts(record) == (3, 3, 0)  # the BOM did not hide "Type d'identifiant PP"
    found = entries()
    assert (found[RPPS_3].last_name, found[RPPS_3].first_name) == ("LEFÈVRE", "Hélène")
    assert found[RPPS].first_name == "Zoé"


def test_a_missing_column_is_named_and_changes_nothing(app, extract):
    import_directory(extract([person(RPPS)]))
    header = HEADER_2021.replace("Nom d'exercice|", "").replace("Libellé profession|", "")
    with pytest.raises(DirectoryFormatError) as caught:
        import_directory(extract([person(RPPS_2)], header=header))
    assert "'Nom d'exercice'" in str(caught.value) and "'Libellé profession'" in str(caught.value)
    assert set(entries()) == {RPPS}
    assert db.session.scalar(select(func.count()).select_from(DirectoryImport)) == 1


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04zipped", b"hello|world|\n"])
def test_a_file_that_is_no_extract_is_refused(app, tmp_path, content):
    path = tmp_path / "wrong.txt"
    path.write_bytes(content)
    with pytest.raises(DirectoryFormatError):
        import_directory(path)


def test_an_import_failing_midway_keeps_the_previous_directory(app, extract, monkeypatch):
    import_directory(extract([person(RPPS)]))
    monkeypatch.setattr(directory, "BATCH_SIZE", 1)
    monkeypatch.setattr(directory, "PROGRESS_EVERY_BYTES", 1)

    def interrupted(done, total):
        if done > 2000:  # after the delete and the first batches
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_directory(extract([person(RPPS_2), person(RPPS_3), person(ADELI)]), interrupted)
    assert set(entries()) == {RPPS}


def test_reimport_replaces_the_directory(app, extract):
    import_directory(extract([person(RPPS), person(RPPS_2)]))
    import_directory(extract([person(RPPS_2, "DURAND"), person(ADELI)]))
    found = entries()
    assert set(found) == {RPPS_2, ADELI}
    assert found[RPPS_2].last_name == "DURAND"
    assert db.session.scalar(select(func.count()).select_from(DirectoryImport)) == 2


def test_progress_is_reported_in_bytes(app, extract, monkeypatch):
    monkeypatch.setattr(directory, "PROGRESS_EVERY_BYTES", 100)
    path = extract([person(RPPS), person(RPPS_2), person(RPPS_3)])
    calls = []
    import_directory(path, lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert len(calls) > 2
    assert calls[-1] == (size, size)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_no_directory_match_before_any_import_or_outside_france(app, extract, make_user):
    french = make_user(id_type="rpps", id_number=RPPS)
    assert directory_match(french) is None
    import_directory(extract([person(RPPS)]))
    belgian = make_user(country="BE", id_type="inami", id_number="10001045367")
    assert directory_match(belgian) is None
    assert directory_match(french) is not None


NAMES = [
    ("Hélène", "DUPONT", True),
    ("HELENE", "Dupont", True),
    ("hélène", "dupont ", True),
    ("Helene", "Du-Pont", True),
    ("Hélène", "Durand", False),
    ("Marie", "DUPONT", False),
]


@pytest.mark.parametrize(("first", "last", "matches"), NAMES)
def test_names_match_whatever_the_case_accents_and_separators(app, extract, make_user, first, last, matches):
    import_directory(extract([person(RPPS, "DUPONT", "Hélène", "Médecin", "Médecine générale")]))
    user = make_user(id_type="rpps", id_number=RPPS, first_name=first, last_name=last)
    match = directory_match(user)
    assert match["known"] is True
    assert match["name_matches"] is matches
    assert match["profession_matches"] is True
    assert match["directory_name"] == "Hélène DUPONT"
    assert match["directory_profession"] == "Médecin"
    assert match["directory_specialty"] == "Médecine générale"


def test_apostrophes_and_hyphens_do_not_break_a_name(app, extract, make_user):
    import_directory(extract([person(ADELI, "D'ARTAGNAN", "JEAN-PIERRE", "Infirmier")]))
    names = {"first_name": "Jean Pierre", "last_name": "d’Artagnan"}
    user = make_user(id_type="adeli", id_number=ADELI, profession="nurse", **names)
    assert directory_match(user)["name_matches"] is True
    assert directory_match(user)["profession_matches"] is True


PROFESSIONS = [
    ("physician", "Médecin", True),
    ("nurse", "Infirmier", True),
    ("midwife", "Sage-Femme", True),
    ("physiotherapist", "Masseur-Kinésithérapeute", True),
    ("pharmacist", "Pharmacien", True),
    ("dentist", "Chirurgien-Dentiste", True),
    ("psychologist", "Psychologue", True),
    ("other", "Audioprothésiste", True),
    ("other", "Médecin", False),
    ("physician", "Infirmier", False),
    ("nurse", "Médecin", False),
]


@pytest.mark.parametrize(("slug", "label", "matches"), PROFESSIONS)
def test_professions_are_compared_with_french_labels(slug, label, matches):
    assert directory.profession_matches(slug, label) is matches


def test_wrong_profession_and_unknown_id(app, extract, make_user):
    import_directory(extract([person(RPPS, profession="Infirmier")]))
    doctor = make_user(id_type="rpps", id_number=RPPS, first_name="Hélène", last_name="Dupont")
    match = directory_match(doctor)
    assert (match["known"], match["name_matches"], match["profession_matches"]) == (1, 1, 0)
    stranger = directory_match(make_user(id_type="rpps", id_number=RPPS_2))
    assert stranger.pop("imported_at") == directory.latest_import().imported_at.isoformat()
    assert stranger == {
        "known": False,
        "name_matches": None,
        "profession_matches": None,
        "directory_name": "",
        "directory_profession": "",
        "directory_specialty": "",
    }


def test_a_member_whose_id_left_the_directory_is_requeued_once(app, extract, make_user):
    import_directory(extract([person(RPPS), person(RPPS_2), person(ADELI)]))
    leaving = make_user(id_type="rpps", id_number=RPPS)
    staying = make_user(id_type="rpps", id_number=RPPS_2)
    applicant = make_user(status="applicant", id_type="adeli", id_number="759124159")
    belgian = make_user(country="BE", id_type="inami", id_number="12345678901")

    import_directory(extract([person(RPPS_2)]))
    import_directory(extract([person(RPPS_2)]))

    [verification] = reopened(leaving)
    assert (verification.state, verification.trigger) == ("pending", "directory_missing")
    assert verification.reason.startswith(f"RPPS {RPPS} — ")
    assert leaving.status == "verified"
    assert reopened(staying) == reopened(applicant) == reopened(belgian) == []
    events = db.session.scalars(select(AuditEvent).filter_by(action="verification.reopened"))
    assert [(e.actor_id, e.target_type, e.target_id, e.details) for e in events] == [
        (None, "user", leaving.id, {"reason": "directory_missing"})
    ]


def test_recheck_reopens_again_once_the_previous_review_is_closed(app, extract, make_user):
    import_directory(extract([person(RPPS_2)]))
    member = make_user(id_type="rpps", id_number=RPPS)
    assert recheck_verified_members() == [member.id]
    reopened(member)[0].state = "info_requested"
    db.session.commit()
    assert recheck_verified_members() == []
    reopened(member)[0].state = "rejected"
    db.session.commit()
    assert recheck_verified_members() == [member.id]


def test_an_empty_directory_requeues_nobody(app, extract, make_user):
    member = make_user(id_type="rpps", id_number=RPPS)
    assert recheck_verified_members() == []
    record = import_directory(extract([], extra=[b"garbage\n"]))
    assert counts(record) == (1, 0, 1)
    assert reopened(member) == []


def test_cli_imports_and_prints_a_summary(app, runner, extract, make_user):
    member = make_user(id_type="rpps", id_number=RPPS)
    path = extract([person(RPPS_2), person(RPPS_2, specialty="Cardiologie")], extra=[b"bad\n"])
    result = runner.invoke(import_directory_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert "3 lines read, 1 entries, 1 rejected lines" in result.output
    assert "1 verified member put back in the verification queue" in result.output
    assert len(reopened(member)) == 1


def test_cli_is_wired_in_the_forum_group(app, runner, extract):
    result = runner.invoke(args=["forum", "import-directory", str(extract([person(RPPS)]))])
    assert result.exit_code == 0, result.output
    assert "1 entries" in result.output


def test_cli_refuses_a_bad_file_cleanly(app, runner, extract):
    import_directory(extract([person(RPPS)]))
    header = HEADER_2021.replace("Identifiant PP|", "")
    result = runner.invoke(import_directory_command, [str(extract([person(RPPS)], header=header))])
    assert result.exit_code == 1
    assert "Error: Not an RPPS activity extract" in result.output
    assert "'Identifiant PP'" in result.output and "Traceback" not in result.output
    assert set(entries()) == {RPPS}
    assert runner.invoke(import_directory_command, [str(extract.folder / "no.txt")]).exit_code == 2


KNOWN_HEADERS = [
    "Type d'identifiant PP",
    "Prénom d'exercice",
    "Libellé savoir-faire",
    "Libellé civilité d'exercice",
    "Téléphone (coord. structure)",
]
APOSTROPHES = ["'", "’", "‘", "ʼ", "`", "´", " "]


@st.composite
def respelled(draw):
    """A known header in random case, accents dropped or decomposed, other apostrophes, spaces."""
    name = draw(st.sampled_from(KNOWN_HEADERS))
    out = []
    for char in name:
        if char == "'":
            out.append(draw(st.sampled_from(APOSTROPHES)))
        elif char == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\u00a0", " \t"])))
        else:
            char = draw(st.sampled_from([char, char.upper(), char.lower()]))
            form = draw(st.sampled_from(["NFC", "NFD", "bare"]))
            decomposed = unicodedata.normalize("NFD", char)
            out.append(decomposed[0] if form == "bare" else unicodedata.normalize(form, char))
    return name, draw(st.sampled_from(["", " "])) + "".join(out) + draw(st.sampled_from(["", " "]))


@given(respelled())
def test_header_key_ignores_case_accents_apostrophes_and_spaces(pair):
    original, variant = pair
    assert header_key(variant) == header_key(original)


def reader_over(lines):
    """An ExtractReader over the small header followed by the given raw lines."""
    data = SMALL_HEADER.encode() + b"\n" + b"".join(line + b"\n" for line in lines)
    return ExtractReader(io.BytesIO(data), len(data))


@given(st.lists(st.binary().map(lambda b: b.replace(b"\n", b"")), max_size=20))
def test_arbitrary_bytes_are_parsed_or_rejected(lines):
    reader = reader_over(lines)
    parsed = list(reader)
    assert reader.lines == len(lines)
    assert len(parsed) + reader.rejected == len(lines)


FIELD = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n|"), max_size=12),
    st.sampled_from(["8", "0", RPPS, ADELI, "8" + RPPS, "0" + ADELI, "", " 8 "]),
)


@given(st.lists(FIELD, min_size=5, max_size=9), st.booleans())
def test_line_parser_accepts_only_well_formed_ids(fields, trailing_bar):
    layout = find_columns(SMALL_HEADER)
    line = "|".join(fields) + ("|" if trailing_bar else "")
    entry = parse_line(line, layout)
    if entry is not None:
        assert (entry.id_type, len(entry.identifier)) in {("rpps", 11), ("adeli", 9)}
        assert entry.identifier.isdigit()
    reader = reader_over([line.encode()])
    assert len(list(reader)) + reader.rejected == 1


def test_a_file_far_smaller_than_the_previous_import_is_refused_unless_forced(app, extract):
    from forum.models import DirectoryImport

    import_directory(extract([person(RPPS), person(RPPS_2)]))
    db.session.add(DirectoryImport(source_name="full.txt", entries=200_000))
    db.session.commit()
    with pytest.raises(DirectoryFormatError, match="il semble tronqué"):
        import_directory(extract([person(RPPS)]))
    assert db.session.get(DirectoryEntry, RPPS_2) is not None
    import_directory(extract([person(RPPS)]), force=True)
    assert db.session.get(DirectoryEntry, RPPS_2) is None


def test_a_member_kept_by_a_moderator_despite_the_absence_is_not_queued_again(app, extract, make_user):
    member = make_user(id_type="rpps", id_number=RPPS_3)
    import_directory(extract([person(RPPS)]))
    review = db.session.scalar(select(Verification).where(Verification.user_id == member.id))
    review.state = "approved"
    db.session.commit()
    import_directory(extract([person(RPPS)]))
    assert db.session.scalar(select(func.count()).select_from(Verification)) == 1
