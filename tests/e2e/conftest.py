"""Browser journeys: the real server in a subprocess, a real Chromium, axe-core on each page."""

import email
import os
import subprocess
import sys
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, WebError, sync_playwright

from deploy.loopback import start, stop, wait_until_answering
from tests.conftest import free_port

PROJECT = Path(__file__).resolve().parents[2]
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Hashing at production cost would make each log-in take a second; the rules are the same.
FAST_ARGON2_ENV = {
    "FORUM_ARGON2_TIME_COST": "1",
    "FORUM_ARGON2_MEMORY_COST": "8",
    "FORUM_ARGON2_PARALLELISM": "1",
}
STARTUP_TIMEOUT = 30


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives a browser: mark it so `-m "not e2e"` skips them all."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class Credentials:
    """An account created through the command line, with the secret its authenticator holds."""

    email: str
    password: str
    pseudonym: str
    totp_secret: str


@dataclass(frozen=True)
class LiveServer:
    """A running `flask run` on a temporary instance folder."""

    url: str
    instance: Path
    moderator: Credentials
    database: str | None = None

    @property
    def env(self) -> dict:
        """The environment of the server's own commands (`forum create-user` …)."""
        return instance_env(self.instance, self.database)

    @property
    def outbox(self) -> Path:
        """Where mails land when no mail server is configured."""
        return self.instance / "outbox"

    def latest_mail(self, to: str) -> EmailMessage:
        """The newest mail written to the outbox for this address."""
        mails = [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.outbox.glob("*.eml"), reverse=True)
        ]
        for message in mails:
            if message["To"] == to:
                return message
        raise AssertionError(f"no mail to {to} in {self.outbox} ({len(mails)} mails there)")


MODERATOR = Credentials(
    email="moderatrice@example.org",
    password="violet harbour under tundra 42",
    pseudonym="ModeratriceUne",
    totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
)


def flask_cli(env: dict, *args: str) -> None:
    """Run a `flask --app wsgi …` command; show its output when it fails."""
    done = subprocess.run([*FLASK, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"`flask {' '.join(args[:2])}` failed:\n{done.stdout}\n{done.stderr}")


def create_user(env: dict, role: str, email: str, password: str, pseudonym: str, *options: str) -> None:
    """`forum create-user` on the live server's instance: a verified account of that role."""
    flask_cli(
        env,
        "forum",
        "create-user",
        "--email",
        email,
        "--password",
        password,
        "--role",
        role,
        "--pseudonym",
        pseudonym,
        *options,
    )


def instance_env(instance, database: str | None) -> dict:
    """The environment of the server and of its commands: this instance and database, fast hashing, nothing else."""
    env = {**os.environ, **FAST_ARGON2_ENV, "FORUM_INSTANCE": str(instance)}
    for name in ("FLASK_DEBUG", "FLASK_RUN_PORT", "FORUM_MAIL_SERVER", "FORUM_SQLALCHEMY_DATABASE_URI"):
        env.pop(name, None)
    if database:
        env.update(FORUM_SQLALCHEMY_DATABASE_URI=database, FORUM_SEARCH_BACKEND="postgres")
    return env


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, databases):
    """The real application, migrated and served by `flask run`, with one moderator (TOTP on)."""
    instance = tmp_path_factory.mktemp("e2e") / "instance"
    with databases.fresh() as database:
        yield from serve(instance, database)


def serve(instance: Path, database: str | None):
    """Migrate a new instance, create its moderator, and run `flask run` on it until the block ends."""
    env = instance_env(instance, database)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    flask_cli(env, "forum", "init", "--url", url)
    moderator = MODERATOR
    totp = ("--totp-secret", moderator.totp_secret)
    create_user(env, "moderator", moderator.email, moderator.password, moderator.pseudonym, *totp)
    log = instance / "server.log"
    server = start([*FLASK, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"], env, log)
    try:
        wait_until_answering(url + "/", server, log, timeout=STARTUP_TIMEOUT)
        yield LiveServer(url=url, instance=instance, moderator=moderator, database=database)
    finally:
        stop(server)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser: Browser, live_server: LiveServer):
    """Factory: new_context(locale="fr-FR") -> a fresh browser profile (own cookies).

    The site's CSP stays on. A script error or a CSP refusal on any page of the
    context fails the test, since a real browser would have broken there too.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def note_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            problems.append(f"CSP refusal on {message.page.url if message.page else '?'}: {message.text}")

    def note_error(error: WebError) -> None:
        problems.append(f"script error on {error.page.url if error.page else '?'}: {error.error}")

    def make(locale: str = "fr-FR", **options) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(10_000)
        context.on("console", note_console)
        context.on("weberror", note_error)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def create_member(live_server: LiveServer):
    """Factory: create_member(email, password, pseudonym) -> Credentials of a verified member, no TOTP.

    Runs `forum create-user --role member` against the live server's instance, with
    the same environment the live_server fixture gives the server.
    """
    env = live_server.env

    def make(email: str, password: str, pseudonym: str) -> Credentials:
        create_user(env, "member", email, password, pseudonym)
        return Credentials(email=email, password=password, pseudonym=pseudonym, totp_secret="")

    return make


@pytest.fixture(scope="module")
def create_sponsor(live_server: LiveServer):
    """Factory: create_sponsor(email, password, pseudonym, totp_secret, organisation) -> Credentials of a sponsor.

    `forum create-user --role sponsor` with two-factor enrolled at once, then
    `charter set-organisation`, against the live server's instance.
    """
    env = live_server.env

    def make(email: str, password: str, pseudonym: str, totp_secret: str, organisation: str) -> Credentials:
        create_user(env, "sponsor", email, password, pseudonym, "--totp-secret", totp_secret)
        flask_cli(env, "charter", "set-organisation", email, organisation)
        return Credentials(email=email, password=password, pseudonym=pseudonym, totp_secret=totp_secret)

    return make
