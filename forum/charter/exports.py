"""The export log: every file a sponsor receives is rendered here, recorded with its checksum and kept."""

import csv
import hashlib
import io
import json
import math

from flask import Response, current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.accounts.access import require_member
from forum.charter.reports import Report, build_report
from forum.errors import Refused
from forum.extensions import db
from forum.models import ExportRecord, User

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "html": "text/html; charset=utf-8"}
FILE_FORMATS = ("csv", "json")
CLI_ORGANISATION = "administrators (command line)"
SUPPRESSED_NOTE = (
    "Empty (CSV) or null (JSON) values are suppressed: they count fewer than {k} distinct members, "
    "or are hidden so that no small group can be recovered from the totals."
)
LOG_PAGE_SIZE = 50


def sponsor_organisation(sponsor: User) -> str:
    """The organisation a sponsor exports for; an account without one cannot export."""
    if not sponsor.organisation:
        raise Refused(
            "no_organisation", _("Your account has no organisation yet: ask an administrator to set it."), 409
        )
    return sponsor.organisation


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(report: Report) -> bytes:
    """The report as CSV: a header line, then one line per row, suppressed values empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def render_json(report: Report) -> bytes:
    """The report as JSON; no timestamp inside, so the same data always gives the same bytes."""
    k = current_app.config["CHARTER_MIN_GROUP_SIZE"]
    document = {
        "report": report.name,
        "parameters": report.parameters,
        "charter_version": current_app.config["CHARTER_VERSION"],
        "min_group_size": k,
        "note": SUPPRESSED_NOTE.format(k=k),
        "columns": report.columns,
        "rows": report.rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


RENDERERS = {"csv": render_csv, "json": render_json}


def record_export(
    report: Report, fmt: str, content: bytes, *, actor: User | None, organisation: str, channel: str
) -> ExportRecord:
    """Log a file that leaves, with the exact bytes and their SHA-256, before anyone receives it."""
    record = ExportRecord(
        sponsor_id=actor.id if actor else None,
        organisation=organisation,
        channel=channel,
        report=report.name,
        parameters=report.parameters,
        format=fmt,
        row_count=len(report.rows),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    db.session.add(record)
    db.session.commit()
    return record


def export_report(
    name: str, fmt: str, params: dict, *, actor: User | None, organisation: str, channel: str
) -> ExportRecord:
    """Compute, render and log a report file (CSV or JSON)."""
    if fmt not in FILE_FORMATS:
        raise Refused("invalid", _("The format must be csv or json."), 422)
    report = build_report(name, params, actor=actor, organisation=organisation)
    return record_export(report, fmt, RENDERERS[fmt](report), actor=actor, organisation=organisation, channel=channel)


def file_name(record: ExportRecord) -> str:
    """The download name of a logged file."""
    return f"{record.report}-{record.id}.{record.format}"


def export_log(page: int) -> dict:
    """A page of the export log, newest first (public: it holds no personal data)."""
    total = db.session.scalar(select(func.count()).select_from(ExportRecord)) or 0
    pages = max(1, math.ceil(total / LOG_PAGE_SIZE))
    page = min(max(1, page), pages)
    query = (
        select(ExportRecord).order_by(ExportRecord.id.desc()).offset((page - 1) * LOG_PAGE_SIZE).limit(LOG_PAGE_SIZE)
    )
    return {"items": list(db.session.scalars(query)), "total": total, "page": page, "pages": pages}


def logged_file(viewer: User | None, export_id: int) -> ExportRecord:
    """A file exactly as its recipient got it, for members to check."""
    require_member(viewer)
    record = db.session.get(ExportRecord, export_id)
    if record is None:
        raise Refused("not_found", _("This export does not exist."), 404)
    return record


def as_download(record: ExportRecord) -> Response:
    """A logged file as an attachment, with its checksum so the recipient can compare with /charter."""
    response = Response(record.content, mimetype=MEDIA_TYPES[record.format])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(record)}"'
    response.headers["X-Content-SHA256"] = record.sha256
    response.headers["X-Export-Id"] = str(record.id)
    return response
