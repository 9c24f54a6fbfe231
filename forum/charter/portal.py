"""The sponsor portal: the reports the charter allows, as tables with a chart and as CSV and JSON files."""

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from forum.accounts.access import require_sponsor
from forum.charter import charts, exports, reports
from forum.charter.blueprint import bp


def report_parameters() -> dict:
    """The query string, minus what is not a report parameter."""
    return {key: value for key, value in request.args.items() if key not in ("format", "page")}


@bp.route("/sponsor/")
def portal():
    """The list of reports a sponsor may read."""
    sponsor = require_sponsor(current_user)
    return render_template("sponsor/index.html", reports=reports.available_reports(), organisation=sponsor.organisation)


@bp.route("/sponsor/reports/<name>")
def report(name: str):
    """A report as a table with a bar chart; what was shown is logged like a file."""
    sponsor = require_sponsor(current_user)
    organisation = exports.sponsor_organisation(sponsor)
    computed = reports.build_report(name, report_parameters(), actor=sponsor, organisation=organisation)
    fragment = render_template("sponsor/_report.html", report=computed, chart=charts.bars(computed.chart))
    record = exports.record_export(
        computed, "html", fragment.encode("utf-8"), actor=sponsor, organisation=organisation, channel="portal"
    )
    return render_template("sponsor/report.html", report=computed, fragment=Markup(fragment), record=record)


@bp.route("/sponsor/reports/<name>/download")
def download(name: str):
    """A report as a CSV or JSON file, logged with its checksum before it leaves."""
    sponsor = require_sponsor(current_user)
    organisation = exports.sponsor_organisation(sponsor)
    record = exports.export_report(
        name,
        request.args.get("format", "csv"),
        report_parameters(),
        actor=sponsor,
        organisation=organisation,
        channel="portal",
    )
    return exports.as_download(record)
