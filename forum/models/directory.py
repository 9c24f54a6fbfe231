"""The public directory of health professionals, imported by moderators."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped

from forum.extensions import db
from forum.models.columns import column, utcnow


class DirectoryEntry(db.Model):
    """One professional of the RPPS extract (the extract is nominative: it never leaves)."""

    __tablename__ = "directory_entries"

    identifier: Mapped[str] = column(String(11), primary_key=True, nominative=True)
    id_type: Mapped[str] = column(String(10), nominative=False)
    last_name: Mapped[str] = column(String(100), default="", nominative=True)
    first_name: Mapped[str] = column(String(100), default="", nominative=True)
    profession: Mapped[str] = column(String(100), default="", nominative=False)
    specialty: Mapped[str] = column(String(150), default="", nominative=False)


class DirectoryImport(db.Model):
    """A record of each import, so moderators know how fresh the directory is."""

    __tablename__ = "directory_imports"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    imported_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=False)
    source_name: Mapped[str] = column(String(255), nominative=False)
    lines: Mapped[int] = column(Integer, default=0, nominative=False)
    entries: Mapped[int] = column(Integer, default=0, nominative=False)
    rejected_lines: Mapped[int] = column(Integer, default=0, nominative=False)
