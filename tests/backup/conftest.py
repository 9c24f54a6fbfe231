"""Backup fixtures: a small community to lose and find again, and PostgreSQL schemas of the tests' own."""

import io
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import select
from sqlalchemy.engine import make_url

from forum import create_app
from forum.accounts.evidence import check_evidence, evidence_path
from forum.accounts.signup import attach_evidence
from forum.cases import services as cases
from forum.chat import services as chat
from forum.chat.rooms import start_dm
from forum.extensions import db
from forum.models import Case, ChatMessage, Evidence, Post, SearchQueue, User
from forum.search.queue import drain_now
from forum.search.services import search_cases
from tests.conftest import FAST_ARGON2

POSTGRES_URL = os.environ.get("FORUM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Invented words: each is found in exactly one case, in its title or in a reply.
TITLE_WORDS = ("zebralgie", "quokkamyosite", "narvalose")
REPLY_WORDS = ("ornithoprotocole", "capybaramine", "tatouscopie")


@dataclass
class Community:
    """What was written, to be found again: ids and texts, and the bytes of an uploaded file."""

    reader_id: int
    cases: dict[int, str] = field(default_factory=dict)
    posts: dict[int, str] = field(default_factory=dict)
    messages: dict[int, tuple[str, str]] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    dm_author_id: int = 0

    def found(self, word: str) -> list[int]:
        """The case ids a search for the word finds, as the reader, once every change is indexed."""
        drain_now()
        reader = db.session.get(User, self.reader_id)
        return [item["case_id"] for item in search_cases(reader, word)["items"]]

    def assert_intact(self) -> None:
        """Every case, reply, chat message, search result and uploaded byte is there as it was written."""
        db.session.remove()
        assert {case.id: case.title for case in db.session.scalars(select(Case))} == self.cases
        assert {post.id: post.body_md for post in db.session.scalars(select(Post))} == self.posts
        stored = {m.id: (m.room.name, m.body_md) for m in db.session.scalars(select(ChatMessage))}
        assert stored == self.messages
        # Through the chat service too: rooms, their members and the direct conversation came back.
        author = db.session.get(User, self.dm_author_id)
        for room in {name for name, _ in self.messages.values()}:
            shown = {m["id"] for m in chat.history(author, room)[0]}
            assert shown == {number for number, (name, _) in self.messages.items() if name == room}
        for word, case_id in self.words.items():
            assert self.found(word) == [case_id], f"{word!r} no longer finds case {case_id}"
        for stored_name, content in self.uploads.items():
            assert evidence_path(stored_name).read_bytes() == content


def png_bytes() -> bytes:
    """A small PNG, as a member would upload it."""
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def community(app, make_user, make_case) -> Community:
    """Three cases with replies, a public room and a direct conversation, an evidence file; a change still queued."""
    alice, bob, reader = make_user(), make_user(), make_user()
    made = Community(reader_id=reader.id, dm_author_id=alice.id)
    for title_word, reply_word in zip(TITLE_WORDS, REPLY_WORDS, strict=True):
        case = make_case(author=alice, title=f"Question sur une {title_word} récidivante")
        cases.reply(bob, case.id, f"Avez-vous pensé à la {reply_word} ?", confirmed=True)
        made.words.update({title_word: case.id, reply_word: case.id})
    chat.post_message(alice, "general", "Bonjour à toutes et à tous")
    room = start_dm(alice, [bob.id])
    chat.post_message(bob, room.name, "Je te réponds en privé")
    applicant = make_user(status="applicant")
    attach_evidence(applicant, check_evidence(png_bytes(), "diplome.png"))
    drain_now()
    # A change the indexer has not applied yet when the backup is taken.
    db.session.add(SearchQueue(case_id=made.words[TITLE_WORDS[0]]))
    db.session.commit()
    made.cases = {case.id: case.title for case in db.session.scalars(select(Case))}
    made.posts = {post.id: post.body_md for post in db.session.scalars(select(Post))}
    made.messages = {m.id: (m.room.name, m.body_md) for m in db.session.scalars(select(ChatMessage))}
    evidence = db.session.scalars(select(Evidence))
    made.uploads = {e.stored_name: evidence_path(e.stored_name).read_bytes() for e in evidence}
    return made


def database_state() -> tuple:
    """The cases, the replies and the uploaded files as they are now: to show that a refusal changed nothing."""
    db.session.remove()
    titles = sorted(db.session.scalars(select(Case.title)))
    replies = sorted(db.session.scalars(select(Post.body_md)))
    users = sorted(db.session.scalars(select(User.email)))
    return titles, replies, users


def uploads_state(app) -> dict[str, bytes]:
    """Every file of the upload folder and its bytes."""
    root = Path(app.config["UPLOAD_FOLDER"])
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def postgres_admin():
    """An AUTOCOMMIT engine on the test PostgreSQL database; the test is skipped when there is none."""
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError:
        pytest.fail(f"no PostgreSQL at {make_url(POSTGRES_URL).render_as_string(hide_password=True)}")
    yield engine
    engine.dispose()


@pytest.fixture
def make_app(app, tmp_path, monkeypatch):
    """make_app(uri) -> another application on its own instance folder and database, its context pushed."""
    made: list[tuple[object, object]] = []

    def make(uri: str):
        instance = tmp_path / f"instance-{len(made) + 1}"
        instance.mkdir()
        monkeypatch.setenv("FORUM_INSTANCE", str(instance))
        settings = {"TESTING": True, "RATELIMIT_ENABLED": False, **FAST_ARGON2, "SQLALCHEMY_DATABASE_URI": uri}
        if uri.startswith("sqlite"):
            settings["SEARCH_BACKEND"] = "whoosh"
        other = create_app(settings)
        context = other.app_context()
        context.push()
        made.append((other, context))
        return other

    yield make
    for _other, context in reversed(made):
        db.session.remove()
        db.engine.dispose()
        context.pop()


@pytest.fixture
def postgres_app(make_app, postgres_admin):
    """postgres_app(password=None) -> a migrated application on a `bk_…` schema of its own, dropped afterwards."""
    schemas: list[str] = []
    apps = []

    def make(password: str | None = None, created: bool = True):
        """An application on a new schema: migrated, or (created=False) not even made yet, as on a new server."""
        schema = f"bk_{secrets.token_hex(4)}"
        schemas.append(schema)
        if created:
            with postgres_admin.connect() as connection:
                connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        # Like a deployment in a schema of its own: the extensions (unaccent, pg_trgm) are found in public.
        query = {"options": f"-csearch_path={schema},public", "application_name": schema}
        url = make_url(POSTGRES_URL).update_query_dict(query)
        if password:
            url = url.set(password=password)
        other = make_app(url.render_as_string(hide_password=False))
        apps.append(other)
        if created:
            upgrade()
        return other

    make.schemas = schemas  # a test that renames a schema adds the new name, to be dropped too
    yield make
    # make_app's teardown comes after this one: end the connections of each app before dropping the schemas.
    db.session.remove()
    for other in apps:
        with other.app_context():
            db.engine.dispose()
    with postgres_admin.connect() as connection:
        for schema in schemas:
            # An indexer thread of the app may still be at work: end its connections first.
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :schema AND pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
