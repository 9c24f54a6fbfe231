"""The `charter` command group: reports for admins, telling members of a setting change, sponsor organisations."""

from pathlib import Path

import click
from flask_babel import gettext as _
from sqlalchemy import select

from forum.charter import exports, notices
from forum.charter.blueprint import bp
from forum.charter.reports import CharterViolation
from forum.errors import Refused
from forum.extensions import db
from forum.models import User
from forum.terminal import in_terminal_language

bp.cli.help = "The charter: sponsor reports, notices to members, sponsor organisations."


@bp.cli.command("report")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(exports.FILE_FORMATS), default="csv", show_default=True)
@click.option("--organisation", default=None, help="Who receives the file (required for the consent report).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A report parameter, e.g. limit=5.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write.")
@in_terminal_language
def report_command(name: str, fmt: str, organisation: str | None, params: tuple[str, ...], output: Path | None):
    """Produce a report file, byte for byte what the portal gives, and log it like every export."""
    pairs = dict(param.partition("=")[::2] for param in params)
    try:
        record = exports.export_report(
            name, fmt, pairs, actor=None, organisation=organisation or exports.CLI_ORGANISATION, channel="cli"
        )
    except CharterViolation as error:
        raise click.ClickException(_("Refused by the charter (logged): %(reason)s", reason=error)) from error
    except Refused as error:
        raise click.ClickException(error.message) from error
    if output:
        output.write_bytes(record.content)
        written = _(
            "Wrote %(file)s (%(rows)d rows, sha256 %(sha256)s, export #%(id)d).",
            file=output,
            rows=record.row_count,
            sha256=record.sha256,
            id=record.id,
        )
        click.echo(written, err=True)
    else:
        click.echo(record.content, nl=False)


@bp.cli.command("notify-members")
@in_terminal_language
def notify_members_command():
    """Mail every verified member once after CHARTER_NO_NOMINATIVE_EXPORT changed (run it after the change)."""
    notice = notices.notify_members()
    if notice is None:
        click.echo(_("Members already know the setting in force: nothing sent."))
    elif notice.no_nominative_export:
        click.echo(_("Told %(num)d members that nominative export protection is on.", num=notice.recipients))
    else:
        click.echo(_("Told %(num)d members that nominative export protection is off.", num=notice.recipients))


@bp.cli.command("set-organisation")
@click.argument("email")
@click.argument("organisation")
@in_terminal_language
def set_organisation_command(email: str, organisation: str):
    """Name the organisation of a sponsor account (shown in the export log and to consenting members)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.role != "sponsor":
        raise click.ClickException(_("No sponsor account uses %(email)s.", email=email))
    name = " ".join(organisation.split())
    if not 2 <= len(name) <= 200:
        raise click.ClickException(_("The organisation name must have 2 to 200 characters."))
    user.organisation = name
    db.session.commit()
    click.echo(_("%(email)s now exports for %(name)s.", email=email, name=name))
