"""Moderation commands run on the server: the directory import."""

import os

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from forum.moderation.directory import (
    DirectoryFormatError,
    recheck_verified_members,
    replace_directory,
)
from forum.terminal import in_terminal_language


@click.command("import-directory")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Import even a file much smaller than the previous one.")
@with_appcontext
@in_terminal_language
def import_directory_command(file: str, force: bool) -> None:
    """Replace the directory with an RPPS extract (PS_LibreAcces_Personne_activite_*.txt)."""
    try:
        with click.progressbar(length=os.path.getsize(file), label=_("Importing")) as bar:
            # The callback gives a running total; the bar wants the step since the last call.
            record = replace_directory(file, lambda done, _total: bar.update(done - bar.pos), force)
    except DirectoryFormatError as error:
        raise click.ClickException(str(error)) from error
    # The same two steps as import_directory(), split so we can report who was put back.
    requeued = recheck_verified_members()
    click.echo(
        _(
            "Imported %(name)s: %(lines)d lines read, %(entries)d entries, %(rejected)d rejected lines.",
            name=record.source_name,
            lines=record.lines,
            entries=record.entries,
            rejected=record.rejected_lines,
        )
    )
    click.echo(
        ngettext(
            "%(num)d verified member put back in the verification queue.",
            "%(num)d verified members put back in the verification queue.",
            len(requeued),
        )
    )
