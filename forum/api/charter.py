"""API: the sponsor reports (sponsor accounts with two-factor only)."""

from flask import request

from forum.accounts.access import require_sponsor
from forum.api.blueprint import api_user, bp
from forum.charter import exports, reports


@bp.get("/sponsor/reports")
def sponsor_reports():
    """The reports the charter allows under the current settings."""
    require_sponsor(api_user())
    items = [{"name": spec.name, "title": str(spec.title)} for spec in reports.available_reports()]
    return {"items": items, "total": len(items), "page": 1, "pages": 1}


@bp.get("/sponsor/reports/<name>")
def sponsor_report(name: str):
    """A report file, CSV or JSON, logged with its checksum before it leaves."""
    sponsor = require_sponsor(api_user())
    params = {key: value for key, value in request.args.items() if key != "format"}
    record = exports.export_report(
        name,
        request.args.get("format", "json"),
        params,
        actor=sponsor,
        organisation=exports.sponsor_organisation(sponsor),
        channel="api",
    )
    return exports.as_download(record)
