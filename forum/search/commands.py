"""The `search` command group: `flask --app wsgi search reindex`."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from forum.search.backend import backend_for
from forum.search.queue import drain_now
from forum.terminal import in_terminal_language

search = AppGroup("search", help="Maintain the search index.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(search)


@search.command("reindex")
@click.option("--procs", default=2, show_default=True, type=click.IntRange(1, 16), help="Processes that analyse text.")
@with_appcontext
@in_terminal_language
def reindex_command(procs: int) -> None:
    """Rebuild the whole index from the database, then swap it in; search keeps answering meanwhile."""
    drain_now()
    with click.progressbar(length=1, label=_("Indexing cases"), show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        # Its own session: the rebuild reads in batches and forgets them, whatever else the process holds.
        with Session(current_app.extensions["search_worker"].engine()) as session:
            figures = backend_for().rebuild(session, progress=progress, procs=procs)
    click.echo(
        _(
            "Indexed %(documents)s of %(cases)s cases in %(seconds)s s with %(procs)d process(es); "
            "%(megabytes).1f MB in %(location)s.",
            documents=format_number(figures["documents"]),
            cases=format_number(figures["cases"]),
            seconds=figures["seconds"],
            procs=figures["procs"],
            megabytes=figures["bytes"] / 1e6,
            location=figures["location"],
        )
    )
