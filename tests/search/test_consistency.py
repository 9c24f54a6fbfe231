"""The index follows the database: after the commit, never before; a rollback leaves no trace; crashes heal."""

import threading
import time

import pytest

from forum import create_app
from forum.cases import editing, services
from forum.extensions import db
from forum.models import Post, SearchQueue
from forum.moderation.content import set_post_hidden
from forum.search.backend import backend_for
from forum.search.queue import drain_now, pending_changes


def test_new_edited_and_deleted_replies_follow_the_database(make_case, make_user, titles):
    case = make_case(title="Vertiges positionnels")
    replier = make_user()
    reply = services.reply(replier, case.id, "Faites une manoeuvre de Semont.", confirmed=True)
    assert titles("semont") == ["Vertiges positionnels"]
    editing.edit_post(replier, reply.id, "Plutôt une manoeuvre d'Epley.", confirmed=True)
    assert titles("semont") == [] and titles("epley") == ["Vertiges positionnels"]
    editing.delete_post(replier, reply.id)
    assert titles("epley") == []


def test_hidden_content_is_never_found(make_case, make_user, titles):
    moderator = make_user(role="moderator", totp=True)
    case = make_case(title="Syncope à l'effort")
    reply = services.reply(make_user(), case.id, "Pensez à une cardiomyopathie hypertrophique.", confirmed=True)
    set_post_hidden(moderator, reply.id, True)
    assert titles("cardiomyopathie") == [] and titles("syncope") == ["Syncope à l'effort"]
    set_post_hidden(moderator, case.opening.id, True)
    assert titles("syncope") == []
    set_post_hidden(moderator, case.opening.id, False)
    assert titles("syncope") == ["Syncope à l'effort"]


def test_a_change_is_queued_in_its_transaction_and_a_rollback_leaves_no_trace(app, make_case, titles):
    case = make_case(title="Hyponatrémie sévère")
    drain_now(app)
    post = db.session.get(Post, case.opening.id)
    post.body_html = "<p>hyperkaliémie menaçante</p>"
    db.session.flush()
    assert db.session.query(SearchQueue).count() == 1  # in the transaction only
    assert pending_changes(app) == 0  # not visible to the worker before the commit
    db.session.rollback()
    assert pending_changes(app) == 0
    assert titles("hyperkaliemie") == [] and titles("hyponatremie") == ["Hyponatrémie sévère"]


def test_the_background_thread_alone_applies_a_commit_within_a_second(app, make_case, make_user):
    from forum.search.services import search_cases

    reader = make_user()
    drain_now(app)
    started = time.monotonic()
    make_case(title="Zona ophtalmique")
    while not search_cases(reader, "zona")["items"]:
        assert time.monotonic() - started < 1.0, "the worker did not index the commit within a second"
        time.sleep(0.02)


def test_changes_left_by_a_crash_are_applied_at_the_next_start(app, make_case, make_user, monkeypatch):
    drain_now(app)
    # The crash: the commit happens but the worker is never told.
    monkeypatch.setattr(app.extensions["search_worker"], "notify", lambda *args, **kwargs: None)
    make_case(title="Purpura fulminans")
    assert pending_changes(app) == 1
    restarted = create_app({**app.config, "SEARCH_INDEX_FOLDER": app.config["SEARCH_INDEX_FOLDER"]})
    deadline = time.monotonic() + 5
    while pending_changes(restarted):
        assert time.monotonic() < deadline, "the restarted app did not apply the queued change"
        time.sleep(0.02)
    from forum.search.services import search_cases

    assert [i["title"] for i in search_cases(make_user(), "purpura")["items"]] == ["Purpura fulminans"]


@pytest.mark.app_config(SEARCH_BACKEND="whoosh")
def test_a_missing_index_is_rebuilt_at_start_with_a_log_line(app, make_case, make_user, caplog):
    import shutil
    from pathlib import Path

    make_case(title="Maladie de Kawasaki")
    drain_now(app)
    shutil.rmtree(Path(app.config["SEARCH_INDEX_FOLDER"]))
    restarted = create_app(dict(app.config))
    drain_now(restarted)
    assert "Search index missing" in caplog.text
    from forum.search.services import search_cases

    with restarted.app_context():
        assert [i["title"] for i in search_cases(make_user(), "kawasaki")["items"]] == ["Maladie de Kawasaki"]


def test_reindex_command_rebuilds_and_swaps(app, make_case, runner, titles):
    make_case(title="Otite séreuse")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 of 1 cases" in result.output
    assert titles("otite") == ["Otite séreuse"]


def test_one_process_drains_the_queue_at_a_time(app, make_case):
    drain_now(app)
    with backend_for(app).writing():  # another process draining
        make_case(title="Cas en attente")  # the commit wakes this process's worker
        time.sleep(0.5)
        assert pending_changes(app) == 1, "the worker did not wait for the other writer"
    deadline = time.monotonic() + 5
    while pending_changes(app):
        assert time.monotonic() < deadline, "the worker did not drain once the other writer was done"
        time.sleep(0.02)


@pytest.mark.app_config(SEARCH_BACKEND="whoosh")
def test_searchers_opened_while_a_writer_commits_never_fail(app, make_case):
    case = make_case(title="Migraine avec aura")
    drain_now(app)
    backend = backend_for(app)
    writing = threading.Event()
    failures = []

    def commit_until_told():
        with app.app_context():
            while not writing.is_set():
                backend.index_cases([case.id], db.session)
            db.session.remove()

    def reopen_often():
        for _ in range(300):
            backend.local.__dict__.clear()
            try:
                backend.current()
            except FileNotFoundError as error:
                failures.append(error)

    writer = threading.Thread(target=commit_until_told)
    writer.start()
    readers = [threading.Thread(target=reopen_often) for _ in range(2)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    writing.set()
    writer.join()
    assert failures == []
