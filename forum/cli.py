"""The `forum` command group: init, create-user, import-directory."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from forum.accounts.rules import FieldErrors
from forum.accounts.services import create_account, issue_setup_token
from forum.models import ROLES
from forum.moderation.commands import import_directory_command

forum = AppGroup("forum", help="Set up and administer the community.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(forum)


@forum.command("init")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Address the site answers on.")
@with_appcontext
def init_command(url: str) -> None:
    """Migrate the database and print the first-admin link while no admin exists."""
    click.echo(f"Instance folder: {current_app.instance_path}")
    upgrade()
    click.echo("Database is up to date.")
    token = issue_setup_token()
    if token:
        click.echo(f"\nNo admin yet. Create the first one (one-time link):\n  {url}/setup/{token}\n")
    else:
        click.echo("An admin exists: log in at " + url + "/login")


@forum.command("create-user")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--pseudonym", prompt=True)
@click.option("--totp-secret", default=None, help="Base32 TOTP secret, to enrol two-factor at once.")
@click.option("--profession", default="physician", show_default=True)
@click.option("--specialty", default="general-practice", show_default=True)
@with_appcontext
def create_user_command(
    email: str, password: str, role: str, pseudonym: str, totp_secret: str | None, profession: str, specialty: str
) -> None:
    """Create a verified account without the sign-up form (for automation)."""
    try:
        user = create_account(
            email, password, role, pseudonym, totp_secret=totp_secret, profession=profession, specialty=specialty
        )
    except FieldErrors as error:
        details = "; ".join(f"{field}: {message}" for field, message in error.fields.items())
        raise click.ClickException(details) from error
    click.echo(f"Created {user.role} {user.pseudonym} <{user.email}> (id {user.id}).")


forum.add_command(import_directory_command)
