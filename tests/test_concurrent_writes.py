"""Many members posting at the same moment through the threaded server: every post lands, nobody sees an error."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from forum.extensions import db
from forum.models import Case, Post
from tests.conftest import CASE

MEMBERS = 8
REPLIES_EACH = 12


def post_all(url: str, headers: dict, case_id: int, index: int) -> list[int]:
    """One member's burst: replies to the shared case, a case of their own, a helpful vote; the status codes."""
    statuses = []
    with requests.Session() as http:
        http.headers.update(headers)
        for n in range(REPLIES_EACH):
            body = {"body": f"Réponse {n} du confrère {index} : un bilan thyroïdien ?"}
            statuses.append(http.post(f"{url}/api/v1/cases/{case_id}/replies", json=body, timeout=30).status_code)
        own = http.post(f"{url}/api/v1/cases", json={**CASE, "title": f"Cas du confrère {index}"}, timeout=30)
        statuses.append(own.status_code)
    return statuses


def test_concurrent_posting_never_fails_and_loses_nothing(app, live_url, make_user, make_case, bearer):
    case = make_case()
    members = [make_user() for _ in range(MEMBERS)]
    headers = [bearer(member) for member in members]

    with ThreadPoolExecutor(max_workers=MEMBERS) as pool:
        bursts = list(pool.map(post_all, [live_url] * MEMBERS, headers, [case.id] * MEMBERS, range(MEMBERS)))

    statuses = [status for burst in bursts for status in burst]
    assert statuses == [201] * len(statuses)
    db.session.expire_all()
    replies = db.session.scalar(sa.select(sa.func.count()).where(Post.case_id == case.id, Post.is_opening.is_(False)))
    assert replies == MEMBERS * REPLIES_EACH
    titles = set(db.session.scalars(sa.select(Case.title)))
    assert {f"Cas du confrère {index}" for index in range(MEMBERS)} <= titles


@contextmanager
def writer_holding_the_lock(app):
    """Another connection in the middle of a long write to the same SQLite file."""
    holder = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.sqlite
@pytest.mark.app_config(SQLITE_BUSY_TIMEOUT_MS=200)
def test_a_writer_kept_waiting_too_long_is_asked_to_retry_and_nothing_is_saved(
    client, make_case, bearer, login, post_form
):
    case = make_case()
    headers = bearer(case.author)
    login(case.author)
    with writer_holding_the_lock(client.application):
        refused = client.post(f"/api/v1/cases/{case.id}/replies", json={"body": "Un avis ?"}, headers=headers)
        page = post_form(f"/cases/{case.id}/replies", {"body": "Un avis ?"}, page=f"/cases/{case.id}")

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert refused.get_json()["error"]["code"] == "busy"
    assert "Rien n'a été enregistré" in refused.get_json()["error"]["message"]
    assert page.status_code == 503
    assert "Rien n&#39;a été enregistré" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(Post.case_id == case.id)) == 1
    retried = client.post(f"/api/v1/cases/{case.id}/replies", json={"body": "Un avis ?"}, headers=headers)
    assert retried.status_code == 201
