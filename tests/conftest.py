"""Shared fixtures: a fresh app on a temporary instance folder (real SQLite file) per test."""

import itertools
import os
import re
import threading

import pyotp
import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from deploy.loopback import free_port
from forum import create_app
from forum.accounts.passwords import hash_password
from forum.accounts.pseudonyms import pseudonym_key
from forum.extensions import db
from forum.models import Case, Post, Tag, User
from forum.search.queue import drain_now
from forum.search.services import search_cases
from tests.databases import POSTGRES_URL_VARIABLE, PostgresDatabases, SqliteDatabases

PASSWORD = "correct horse battery staple"
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
_sequence = itertools.count(1)


def server_env(app, **settings: str) -> dict:
    """The environment of a server or command run beside a test: the test's instance folder and database.

    `settings` become `FORUM_*` variables (`server_env(app, REDIS_URL=url)`).
    """
    env = {**os.environ, "FORUM_INSTANCE": app.instance_path}
    env["FORUM_SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"]
    env["FORUM_SEARCH_BACKEND"] = app.config["SEARCH_BACKEND"]
    env.update({f"FORUM_{name}": value for name, value in settings.items()})
    env.pop("FLASK_DEBUG", None)
    return env


class RequestIsolatingClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The fixture keeps an app context open for the test's own database work;
    without this, requests would reuse it and share `g` and the SQLAlchemy
    session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help=f"where the tests' databases live; postgres needs {POSTGRES_URL_VARIABLE}",
    )


def pytest_configure(config: pytest.Config) -> None:
    """The Redis databases of this pass (see redis_url), chosen before any test module is imported."""
    os.environ["FORUM_TEST_REDIS_FIRST"] = "7" if config.getoption("--database") == "postgres" else "12"


def redis_url(purpose: int) -> str:
    """A Redis database of the tests' own, emptied by the tests that use it: 0 rate limits, 1 chat between
    processes, 2 the deployment behind nginx. The PostgreSQL pass uses other numbers than the SQLite
    pass, so that `make test` can run both at once."""
    return f"redis://127.0.0.1:6379/{int(os.environ.get('FORUM_TEST_REDIS_FIRST', '12')) + purpose}"


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--database')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of PostgreSQL's own features belong to the PostgreSQL pass: the SQLite pass deselects them."""
    if config.getoption("--database") == "postgres":
        return
    kept = [item for item in items if not item.get_closest_marker("postgres")]
    config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("postgres")])
    items[:] = kept


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory):
    """SQLite files made from a template built once."""
    return SqliteDatabases(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def databases(request):
    """The tests' databases: SQLite files, or PostgreSQL schemas with `--database postgres`."""
    if request.config.getoption("--database") == "sqlite":
        yield request.getfixturevalue("sqlite_databases")
        return
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.exit(f"--database postgres needs {POSTGRES_URL_VARIABLE} (postgresql+psycopg://…)", returncode=4)
    postgres = PostgresDatabases(url)
    yield postgres
    postgres.close()


@pytest.fixture
def app(request, tmp_path, monkeypatch):
    """An application whose instance folder, database and uploads belong to this test alone.

    The database is a real SQLite file in tmp_path, or an emptied PostgreSQL schema.
    `@pytest.mark.app_config(KEY=value)` adds settings for one test;
    `@pytest.mark.unmigrated` leaves the database without tables, for tests that migrate it;
    `@pytest.mark.sqlite` keeps a test about SQLite itself on SQLite in every run.
    """
    on_sqlite = request.node.get_closest_marker("sqlite")
    databases = request.getfixturevalue("sqlite_databases" if on_sqlite else "databases")
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("FORUM_INSTANCE", str(instance))
    database = databases.for_test(instance, migrated=not request.node.get_closest_marker("unmigrated"))
    marker = request.node.get_closest_marker("app_config")
    settings = {
        "TESTING": True,
        "RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database,
        "SEARCH_BACKEND": databases.search_backend,
        **FAST_ARGON2,
        **(marker.kwargs if marker else {}),
    }
    app = create_app(settings)
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    databases.release(database)


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def live_url(app):
    """The app served by Werkzeug's threaded server (what `flask run` uses) on a free port of the loopback."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def runner(app):
    """A runner for the app's command line."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: make_user(role="member", status="verified", totp=False, **fields) -> User."""

    def make(role="member", status="verified", totp=False, password=PASSWORD, **fields):
        n = next(_sequence)
        values = {
            "email": f"user{n}@example.org",
            "pseudonym": f"Confrere{n}",
            "first_name": "Jeanne",
            "last_name": f"Martin{n}",
            "profession": "physician",
            "specialty": "general-practice",
            "country": "FR",
            "role": role,
            "status": status,
            "charter_version": app.config["CHARTER_VERSION"],
        }
        values.update(fields)
        user = User(password_hash=hash_password(password), pseudonym_key=pseudonym_key(values["pseudonym"]), **values)
        if totp:
            user.totp_secret = pyotp.random_base32()
        db.session.add(user)
        db.session.commit()
        return user

    return make


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "page has no CSRF token"
    return match.group(1)


def submit(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page holding the form, then POST it with its CSRF token, like a browser."""
    headers = kwargs.get("headers")
    html = client.get(page or url, headers=headers).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)}, **kwargs)


@pytest.fixture
def post_form(client):
    """post_form(url, data, page=None, **kwargs): submit a form with its CSRF token."""
    return lambda url, data, **kwargs: submit(client, url, data, **kwargs)


@pytest.fixture
def login(client):
    """Log a user in through the real form (and TOTP step when enrolled)."""

    def do_login(user, password=PASSWORD):
        response = submit(client, "/login", {"email": user.email, "password": password})
        if user.totp_secret:
            code = pyotp.TOTP(user.totp_secret).now()
            response = submit(client, "/login/code", {"code": code})
        return response

    return do_login


CASE = {
    "title": "Douleur thoracique atypique chez un homme de 52 ans",
    "body": "Homme de 52 ans, douleur thoracique **atypique** depuis 3 jours.\n\n- ECG normal\n- troponine négative",
    "specialty": "general-practice",
    "question_type": "diagnosis",
    "tags": ["douleur-thoracique", "cardiologie"],
    "age_band": "50-59",
    "patient_sex": "male",
}


@pytest.fixture
def make_case(make_user):
    """make_case(author=None, **fields) -> Case, published through the service."""

    def make(author=None, anonymous=False, **fields):
        author = author or make_user()
        from forum.cases import services

        return services.create_case(author, {**CASE, **fields}, anonymous=anonymous, confirmed=True)

    return make


@pytest.fixture
def bearer(client):
    """bearer(user) -> the Authorization header of a fresh API token."""

    def make(user):
        body = {"email": user.email, "password": PASSWORD}
        if user.totp_secret:
            body["totp"] = pyotp.TOTP(user.totp_secret).now()
            user.totp_last_counter = None
            db.session.commit()
        response = client.post("/api/v1/tokens", json=body)
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return make


@pytest.fixture
def thread(client, make_user, bearer):
    """A case by `author`, a reply by `replier`, and a reply of the author in their own thread."""
    author, replier, other = make_user(), make_user(), make_user()
    headers = {"author": bearer(author), "replier": bearer(replier), "other": bearer(other)}
    case = client.post("/api/v1/cases", json={**CASE, "tags": list(CASE["tags"])}, headers=headers["author"]).get_json()
    reply = client.post(
        f"/api/v1/cases/{case['id']}/replies", json={"body": "Un test d'effort ?"}, headers=headers["replier"]
    ).get_json()
    own = client.post(
        f"/api/v1/cases/{case['id']}/replies", json={"body": "Merci, j'y pense."}, headers=headers["author"]
    ).get_json()
    return {
        "users": {"author": author, "replier": replier, "other": other},
        "headers": headers,
        "ids": {"case": case["id"], "opening": case["opening"]["id"], "reply": reply["id"], "own": own["id"]},
    }


@pytest.fixture
def sponsor(make_user):
    """A sponsor account of "Laboratoires Exemple", with two-factor enrolled."""
    return make_user(role="sponsor", totp=True, organisation="Laboratoires Exemple", profession=None, specialty=None)


@pytest.fixture
def add_case(app):
    """add_case(author, month="2024-03", specialty=…, question_type=…, tags=(), title=…) -> Case, in a past month."""

    def add(author, month="2024-03", specialty="general-practice", question_type="diagnosis", tags=(), **fields):
        names = list(tags)
        existing = {t.name: t for t in db.session.query(Tag).filter(Tag.name.in_(names))}
        case = Case(
            author=author,
            title=fields.pop("title", "Une question clinique"),
            specialty=specialty,
            question_type=question_type,
            created_month=month,
            tags=[existing.get(name) or Tag(name=name) for name in names],
            **fields,
        )
        body = "Le texte du cas."
        db.session.add_all([case, Post(case=case, author=author, is_opening=True, body_md=body, body_html=body)])
        db.session.commit()
        return case

    return add


@pytest.fixture
def find(app, make_user):
    """find(q, viewer=None, **filters) -> the search result dict, once every committed change is indexed."""
    reader = make_user()

    def search(q: str = "", viewer=None, page: int = 1, sort: str | None = None, **filters):
        drain_now(app)
        return search_cases(viewer or reader, q, filters, page, sort)

    return search


@pytest.fixture
def titles(find):
    """titles(q, **filters) -> the titles found, best first."""
    return lambda q="", **filters: [item["title"] for item in find(q, **filters)["items"]]
