"""The `search` command group: `flask --app wsgi search reindex`."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from forum.search.backend import backend_for
from forum.search.queue import drain_now

search = AppGroup("search", help="Maintain the search index.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(search)


@search.command("reindex")
@click.option("--procs", default=2, show_default=True, type=click.IntRange(1, 16), help="Processes that analyse text.")
@with_appcontext
def reindex_command(procs: int) -> None:
    """Rebuild the whole index from the database, then swap it in; search keeps answering meanwhile."""
    drain_now()
    with click.progressbar(length=1, label="Indexing cases", show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        # Its own session: the rebuild reads in batches and forgets them, whatever else the process holds.
        with Session(current_app.extensions["search_worker"].engine()) as session:
            figures = backend_for().rebuild(session, progress=progress, procs=procs)
    click.echo(
        f"Indexed {figures['documents']:,} of {figures['cases']:,} cases in {figures['seconds']} s "
        f"with {figures['procs']} process(es); {figures['bytes'] / 1e6:.1f} MB in {figures['location']}."
    )
