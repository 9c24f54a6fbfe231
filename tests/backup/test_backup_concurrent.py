"""A backup taken while another process keeps writing is a consistent snapshot that restores cleanly."""

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Case, Post, User
from forum.search.queue import drain_now
from tests.conftest import server_env

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from forum import create_app
    from forum.cases import services
    from forum.extensions import db
    from forum.models import User
    app = create_app({"TESTING": True})
    author_id, case_ids, stop = int(sys.argv[1]), [int(n) for n in sys.argv[2].split(",")], Path(sys.argv[3])
    with app.app_context():
        n = 0
        while not stop.exists() and n < 3000:
            author = db.session.get(User, author_id)
            services.reply(author, case_ids[n % len(case_ids)], f"Réponse motconcurrent{n}x", confirmed=True)
            n += 1
    """
)


def replies() -> int:
    """Replies stored right now (read in a new transaction)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Post).where(Post.is_opening.is_(False)))


def wait_for(condition, timeout: float = 60) -> None:
    """Poll until the condition holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the writer did not get going"
        time.sleep(0.05)


def test_a_backup_taken_while_another_process_writes_restores_a_consistent_community(
    app, runner, make_user, make_case, find, tmp_path
):
    cases = [make_case(title=f"Cas partagé {n}") for n in range(2)]
    writer, reader_id = make_user(), make_user().id
    drain_now(app)
    stop = tmp_path / "stop"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(writer.id), ",".join(str(c.id) for c in cases), str(stop)],
        cwd=Path(__file__).resolve().parents[2],
        env=server_env(app),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: replies() >= 20)
        folder = tmp_path / "backup"
        made = runner.invoke(args=["forum", "backup", str(folder)])
        assert made.exit_code == 0, made.output
        written_then = replies()
        wait_for(lambda: replies() >= written_then + 20)
    finally:
        stop.touch()
        errors = process.communicate(timeout=120)[1]
    assert process.returncode == 0, errors
    written = replies()
    if db.engine.url.get_backend_name() == "sqlite":
        with sqlite3.connect(f"file:{folder / 'database.sqlite3'}?mode=ro", uri=True) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restored = runner.invoke(args=["forum", "restore", str(folder), "--yes"])

    assert restored.exit_code == 0, restored.output
    kept = replies()
    assert 20 <= kept < written, "the backup should hold some of the replies, taken while they were written"
    # Each reply and its case's counters were committed together: a snapshot holds both or neither.
    for case in db.session.scalars(select(Case)):
        posts = db.session.scalars(select(Post.id).where(Post.case_id == case.id, Post.is_opening.is_(False))).all()
        assert case.reply_count == len(posts)
        assert case.last_post_id == max(posts, default=case.last_post_id)
    reader = db.session.get(User, reader_id)
    bodies = db.session.scalars(select(Post.body_md).where(Post.is_opening.is_(False)).order_by(Post.id)).all()
    for body in (bodies[0], bodies[len(bodies) // 2], bodies[-1]):
        assert find(body.split()[-1], viewer=reader)["total"] == 1
    assert find(f"motconcurrent{kept}x", viewer=reader)["total"] == 0
