"""The RPPS/ADELI public directory: stream the extract in, match members, re-check them."""

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Insert, Table, delete, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite

from forum.extensions import db
from forum.models import DirectoryEntry, DirectoryImport, User, Verification
from forum.moderation.audit import record_event

Progress = Callable[[int, int], None]

BATCH_SIZE = 5_000
# Below this size a directory is a test or a demo: shrinking it is no sign of a broken file.
TRUNCATION_GUARD_MIN = 1_000
# Real lines are under 2 KB; a longer one is garbage and must not be held in memory whole.
MAX_LINE_BYTES = 64 * 1024
PROGRESS_EVERY_BYTES = 1024 * 1024
DIRECTORY_ID_TYPES = ("rpps", "adeli")
OPEN_STATES = ("pending", "info_requested")
_REOPENED = {"trigger": "directory_missing", "state": "pending"}
ID_KINDS = {"8": ("rpps", 11), "0": ("adeli", 9)}

# Column key -> header as published; matched by header_key(), never by position.
REQUIRED_COLUMNS = {
    "id_kind": "Type d'identifiant PP",
    "identifier": "Identifiant PP",
    "last_name": "Nom d'exercice",
    "first_name": "Prénom d'exercice",
    "profession": "Libellé profession",
}
OPTIONAL_COLUMNS = {"national": "Identification nationale PP", "specialty": "Libellé savoir-faire"}

# Profession slug -> folded prefixes of French labels ("Infirmier psychiatrique" is a nurse).
PROFESSION_LABELS = {
    "physician": ("medecin",),
    "nurse": ("infirmier", "infirmiere"),
    "physiotherapist": ("masseurkinesitherapeute", "kinesitherapeute", "physiotherapeute"),
    "midwife": ("sagefemme", "maieuticien"),
    "pharmacist": ("pharmacien",),
    "dentist": ("chirurgiendentiste", "dentiste"),
    "psychologist": ("psychologue",),
}
_KNOWN_PROFESSIONS = tuple(prefix for labels in PROFESSION_LABELS.values() for prefix in labels)

# NFKD leaves these letters whole ("Lœtitia"); U+02BC is an apostrophe that regexes see as a letter.
_FOLDS = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ʼ": " "})
# Releases differ in elided articles ("civilité d'exercice" / "civilité exercice").
_HEADER_STOPWORDS = frozenset({"d", "l", "de", "du", "des", "la", "le", "les"})
_WORD = re.compile(r"[^\W_]+")
_TEXT_COLUMNS = ("last_name", "first_name", "profession", "specialty")
_LENGTHS = {name: DirectoryEntry.__table__.c[name].type.length for name in _TEXT_COLUMNS}


class DirectoryFormatError(ValueError):
    """The file is not an RPPS activity extract we can read; nothing was changed."""


def fold(text: str) -> str:
    """Lower-case text without accents or ligatures, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def header_key(name: str) -> str:
    """The key a header is matched by: case, accents, apostrophes, spaces, punctuation ignored."""
    return "_".join(word for word in _WORD.findall(fold(name)) if word not in _HEADER_STOPWORDS)


def name_key(name: str) -> str:
    """The key a person's name is compared by: letters and digits only, folded."""
    return "".join(char for char in fold(name) if char.isalnum())


class ParsedEntry(NamedTuple):
    """One usable line of the extract, reduced to what membership checks need."""

    identifier: str
    id_type: str
    last_name: str
    first_name: str
    profession: str
    specialty: str


class Layout(NamedTuple):
    """Where our columns sit in this release's header, and how many fields a line has."""

    positions: dict[str, int | None]
    width: int


def split_fields(line: str) -> list[str]:
    """Split a line on '|', dropping the empty field after the trailing '|' of every line."""
    fields = line.split("|")
    return fields[:-1] if len(fields) > 1 and fields[-1] == "" else fields


def find_columns(header: str) -> Layout:
    """Locate our columns in a header line by name, or raise DirectoryFormatError."""
    names = split_fields(header)
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        found.setdefault(header_key(name), index)
    wanted = {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS}
    positions = {key: found.get(header_key(label)) for key, label in wanted.items()}
    missing = [f"'{label}'" for key, label in REQUIRED_COLUMNS.items() if positions[key] is None]
    if missing:
        raise DirectoryFormatError(
            _("Not an RPPS activity extract: missing required column(s) %(columns)s.", columns=", ".join(missing))
        )
    return Layout(positions, len(names))


def parse_line(line: str, layout: Layout) -> ParsedEntry | None:
    """The entry of one data line, or None when it is malformed (wrong field count, bad id)."""
    fields = split_fields(line)
    if len(fields) != layout.width:
        return None

    def value(key: str) -> str:
        position = layout.positions[key]
        return "" if position is None else fields[position].strip()

    kind, identifier, national = value("id_kind"), value("identifier"), value("national")
    if kind not in ID_KINDS:
        return None
    id_type, length = ID_KINDS[kind]
    if not identifier and national.startswith(kind):
        identifier = national[1:]
    if len(identifier) != length or not (identifier.isascii() and identifier.isdigit()):
        return None
    if national and national != kind + identifier:
        return None  # the two id columns disagree: trust neither
    # Cut to the column length: PostgreSQL would abort the whole import on one long value.
    return ParsedEntry(identifier, id_type, **{k: value(k)[:n] for k, n in _LENGTHS.items()})


def _decode(raw: bytes) -> str:
    """A line as text: UTF-8, or latin-1 for the odd line older tooling wrote."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.rstrip("\r\n").replace("\x00", "")  # PostgreSQL refuses NUL in text


class ExtractReader:
    """Iterate the entries of an extract line by line, counting lines read and rejected."""

    def __init__(self, handle: BinaryIO, total: int = 0, progress: Progress | None = None) -> None:
        """Read and check the header now, so a wrong file fails before anything is changed."""
        self.handle, self.total_bytes, self.progress = handle, total, progress
        self.bytes_read = self._reported = self.lines = self.rejected = 0
        first = next(self._raw_lines(), b"")
        if not first or first.startswith(b"PK\x03\x04"):
            raise DirectoryFormatError(_("Empty or not a text file: import the .txt of the archive."))
        self.layout = find_columns(_decode(first.removeprefix(b"\xef\xbb\xbf")))

    def __iter__(self) -> Iterator[ParsedEntry]:
        """Yield each well-formed entry; malformed lines only increase the rejected count."""
        for raw in self._raw_lines():
            self.lines += 1
            entry = None if raw is None else parse_line(_decode(raw), self.layout)
            if entry is None:
                self.rejected += 1
            else:
                yield entry
        if self.progress:
            self.progress(self.bytes_read, max(self.total_bytes, self.bytes_read))

    def _raw_lines(self) -> Iterator[bytes | None]:
        """Raw lines, None for one too long to be real (skipped in bounded chunks)."""
        while chunk := self.handle.readline(MAX_LINE_BYTES):
            self.bytes_read += len(chunk)
            overlong = len(chunk) == MAX_LINE_BYTES and not chunk.endswith(b"\n")
            while overlong and chunk and not chunk.endswith(b"\n"):
                chunk = self.handle.readline(MAX_LINE_BYTES)
                self.bytes_read += len(chunk)
            if self.progress and self.bytes_read - self._reported >= PROGRESS_EVERY_BYTES:
                self._reported = self.bytes_read  # every megabyte, not every line
                self.progress(self.bytes_read, max(self.total_bytes, self.bytes_read))
            yield None if overlong else chunk


def _batches(entries: Iterable[ParsedEntry], size: int) -> Iterator[list[dict]]:
    """Rows in batches, one per identifier in a batch: the first, its specialty filled later."""
    batch: dict[str, dict] = {}
    for entry in entries:
        row = batch.get(entry.identifier)
        if row is None:
            batch[entry.identifier] = entry._asdict()
        elif not row["specialty"]:
            row["specialty"] = entry.specialty
        if len(batch) >= size:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


def _upsert(table: Table) -> Insert:
    """Insert or, for an identifier of an earlier batch, only fill its empty specialty."""
    name = db.session.get_bind().dialect.name
    dialects = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    if name not in dialects:
        raise NotImplementedError(f"Directory import supports SQLite and PostgreSQL, not {name}.")
    statement = dialects[name](table)
    # One statement must not touch a row twice (PostgreSQL), hence the per-batch dedup above.
    return statement.on_conflict_do_update(
        index_elements=[table.c.identifier],
        set_={"specialty": statement.excluded.specialty},
        where=(table.c.specialty == "") & (statement.excluded.specialty != ""),
    )


def replace_directory(
    path: str | os.PathLike, progress: Progress | None = None, force: bool = False
) -> DirectoryImport:
    """Replace the whole directory with the extract at path, in one transaction.

    A file that yields under half the entries of the previous import is most
    likely truncated: it is refused unless forced, so that a broken download
    does not send half the members back to the queue.
    """
    previous = latest_import()
    table = DirectoryEntry.__table__
    with open(path, "rb") as handle:
        reader = ExtractReader(handle, os.path.getsize(path), progress)
        try:
            statement = _upsert(table)
            db.session.execute(delete(table))
            for rows in _batches(reader, BATCH_SIZE):
                db.session.execute(statement, rows)
            entries = db.session.scalar(select(func.count()).select_from(table))
            if not force and previous and previous.entries >= TRUNCATION_GUARD_MIN and entries < previous.entries // 2:
                raise DirectoryFormatError(
                    _(
                        "This file holds %(entries)d professionals, the previous import %(previous)d: it looks "
                        "truncated. Nothing was changed; use --force to import it anyway.",
                        entries=entries,
                        previous=previous.entries,
                    )
                )
            record = DirectoryImport(
                source_name=Path(path).name[:255], lines=reader.lines, entries=entries, rejected_lines=reader.rejected
            )
            db.session.add(record)
            db.session.commit()
        except BaseException:
            db.session.rollback()  # also on Ctrl-C: the previous directory stays in place
            raise
    return record


def import_directory(path: str | os.PathLike, progress: Progress | None = None, force: bool = False) -> DirectoryImport:
    """Replace the directory with the extract at path, then re-check verified members."""
    record = replace_directory(path, progress, force)
    recheck_verified_members()
    return record


def latest_import() -> DirectoryImport | None:
    """The most recent directory import, if any."""
    return db.session.scalar(select(DirectoryImport).order_by(DirectoryImport.id.desc()).limit(1))


def profession_matches(slug: str, label: str) -> bool:
    """Whether one of our profession slugs names the directory's French profession label."""
    folded = name_key(label)
    if slug == "other":
        return not folded.startswith(_KNOWN_PROFESSIONS)
    return folded.startswith(PROFESSION_LABELS.get(slug, ()))


def directory_match(user: User) -> dict | None:
    """What the directory says about a French member's ID, or None when it cannot say."""
    if user.id_type not in DIRECTORY_ID_TYPES or (imported := latest_import()) is None:
        return None
    entry = db.session.get(DirectoryEntry, user.id_number) if user.id_number else None
    found = {"known": entry is not None, "imported_at": imported.imported_at.isoformat()}
    if entry is None:
        return found | {
            "name_matches": None,
            "profession_matches": None,
            "directory_name": "",
            "directory_profession": "",
            "directory_specialty": "",
        }
    ours = (name_key(user.first_name or ""), name_key(user.last_name or ""))
    theirs = (name_key(entry.first_name), name_key(entry.last_name))
    compared = bool(user.profession and entry.profession)
    return found | {
        "name_matches": all(ours) and ours == theirs,
        "profession_matches": profession_matches(user.profession, entry.profession) if compared else None,
        "directory_name": f"{entry.first_name} {entry.last_name}".strip(),
        "directory_profession": entry.profession,
        "directory_specialty": entry.specialty,
    }


def recheck_verified_members() -> list[int]:
    """Reopen a verification for each verified member whose number left the directory."""
    if db.session.scalar(select(DirectoryEntry.identifier).limit(1)) is None:
        return []  # an empty directory means a broken import, not that everybody left
    imported = latest_import()
    when = imported.imported_at.strftime("%Y-%m-%d") if imported else "?"
    listed = exists().where(DirectoryEntry.identifier == User.id_number)
    is_open = Verification.state.in_(OPEN_STATES)
    already_open = exists().where(Verification.user_id == User.id, is_open)
    # A moderator who already kept a member despite the absence (e.g. on a document) is not asked again.
    kept = exists().where(
        Verification.user_id == User.id, Verification.trigger == "directory_missing", Verification.state == "approved"
    )
    users = db.session.scalars(
        select(User)
        .where(User.status == "verified", User.id_type.in_(DIRECTORY_ID_TYPES))
        .where(~listed, ~already_open, ~kept)
        .order_by(User.id)
    ).all()
    for user in users:
        # Language-neutral: the page around it says, in the moderator's language, what happened.
        reason = f"{user.id_type.upper()} {user.id_number} — {when}"
        db.session.add(Verification(user_id=user.id, reason=reason, **_REOPENED))
        record_event(None, "verification.reopened", "user", user.id, reason="directory_missing")
    db.session.commit()
    return [user.id for user in users]
