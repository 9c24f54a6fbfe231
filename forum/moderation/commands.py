"""Moderation commands run on the server: the directory import."""

import os

import click
from flask.cli import with_appcontext

from forum.moderation.directory import (
    DirectoryFormatError,
    recheck_verified_members,
    replace_directory,
)


@click.command("import-directory")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Import even a file much smaller than the previous one.")
@with_appcontext
def import_directory_command(file: str, force: bool) -> None:
    """Replace the directory with an RPPS extract (PS_LibreAcces_Personne_activite_*.txt)."""
    try:
        with click.progressbar(length=os.path.getsize(file), label="Importing") as bar:
            # The callback gives a running total; the bar wants the step since the last call.
            record = replace_directory(file, lambda done, _total: bar.update(done - bar.pos), force)
    except DirectoryFormatError as error:
        raise click.ClickException(str(error)) from error
    # The same two steps as import_directory(), split so we can report who was put back.
    requeued = recheck_verified_members()
    click.echo(
        f"Imported {record.source_name}: {record.lines} lines read, {record.entries} entries, "
        f"{record.rejected_lines} rejected lines."
    )
    click.echo(f"{len(requeued)} verified member(s) put back in the verification queue.")
