"""The `forum` command group: init, create-user, import-directory, seed-demo, backup, restore."""

import secrets

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_migrate import upgrade
from sqlalchemy.exc import OperationalError

from forum.accounts.rules import FieldErrors, clean_password
from forum.accounts.services import create_account, issue_setup_token
from forum.backup.commands import backup_command, restore_command
from forum.demo.generator import CommunityNotEmpty, build_community, community_is_empty
from forum.models import ROLES
from forum.moderation.commands import import_directory_command
from forum.search.commands import reindex_command
from forum.terminal import in_terminal_language

forum = AppGroup("forum", help="Set up and administer the community.")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(forum)


@forum.command("init")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Address the site answers on.")
@with_appcontext
@in_terminal_language
def init_command(url: str) -> None:
    """Migrate the database and print the first-admin link while no admin exists."""
    click.echo(_("Instance folder: %(path)s", path=current_app.instance_path))
    upgrade()
    click.echo(_("The database is up to date."))
    token = issue_setup_token()
    if token:
        click.echo("\n" + _("No admin yet. Create the first one (one-time link):") + f"\n  {url}/setup/{token}\n")
    else:
        click.echo(_("An admin exists: log in at %(url)s", url=f"{url}/login"))


@forum.command("create-user")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--pseudonym", prompt=True)
@click.option("--totp-secret", default=None, help="Base32 TOTP secret, to enrol two-factor at once.")
@click.option("--profession", default="physician", show_default=True)
@click.option("--specialty", default="general-practice", show_default=True)
@with_appcontext
@in_terminal_language
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
    click.echo(
        _(
            "Created %(role)s %(pseudonym)s <%(email)s> (id %(id)d).",
            role=user.role,
            pseudonym=user.pseudonym,
            email=user.email,
            id=user.id,
        )
    )


forum.add_command(import_directory_command)
forum.add_command(backup_command)
forum.add_command(restore_command)


@forum.command("seed-demo")
@click.option("--members", default=60, show_default=True, type=click.IntRange(2, 100_000))
@click.option("--cases", default=150, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--replies", default=900, show_default=True, type=click.IntRange(0, 10_000_000))
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same community.")
@click.option("--password", default=None, help="Password of every demo account (default: a random one, printed).")
@with_appcontext
@in_terminal_language
def seed_demo_command(members: int, cases: int, replies: int, seed: int, password: str | None) -> None:
    """Fill an empty database with a demo community of verified clinicians, cases and replies."""
    try:
        empty = community_is_empty()
    except OperationalError as error:
        raise click.ClickException(
            _("The database has no tables yet: run `flask --app wsgi forum init` first.")
        ) from error
    if not empty:
        raise click.ClickException(_("The database already has cases or members: seed-demo only fills an empty one."))
    if replies and not cases:
        raise click.ClickException(_("Replies need at least one case (--cases)."))
    if password is not None:
        try:
            clean_password(password)
        except FieldErrors as error:
            raise click.ClickException(f"--password: {error.fields['password']}") from error
    password = password or secrets.token_urlsafe(12)
    shown: dict[str, int] = {}

    def progress(label: str, done: int, total: int) -> None:
        # Large communities take a while: a line per table done, and every fifth of the very big ones.
        if (total >= 1000 and done == total) or (total >= 50_000 and done * 5 // total > shown.get(label, 0)):
            shown[label] = done * 5 // total
            click.echo(f"  {label}: {done:,}/{total:,}")

    click.echo(
        _(
            "Building a demo community (%(members)d members, %(cases)d cases, %(replies)d replies, seed %(seed)d)…",
            members=members,
            cases=cases,
            replies=replies,
            seed=seed,
        )
    )
    try:
        counts = build_community(members, cases, replies, seed=seed, password=password, progress=progress)
    except CommunityNotEmpty as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        _(
            "Created %(members)d members, %(moderators)d moderator, %(cases)d cases (%(solved)d solved, "
            "%(anonymous_cases)d anonymous, %(outcomes)d with an outcome), %(replies)d replies, "
            "%(helpful_votes)d helpful votes, %(tags)d tags.",
            **{key: value for key, value in counts.items() if isinstance(value, int)},
        )
    )
    # The demo rows were written in bulk, not through the services: index them in one go.
    click.get_current_context().invoke(reindex_command, procs=2)
    click.echo("\n" + _("Log in (every demo account has the same password):"))
    click.echo("  " + _("member: %(email)s", email=counts["member_email"]))
    click.echo(
        "  "
        + _(
            "moderator: %(email)s (sets up two-factor authentication on the first visit to the moderation pages)",
            email=counts["moderator_email"],
        )
    )
    click.echo("  " + _("password: %(password)s", password=password))
