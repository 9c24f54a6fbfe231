"""Two server processes write to one instance at once: nobody sees a lock error and the index ends complete."""

import subprocess
import sys
import textwrap
from pathlib import Path

from forum.search.queue import drain_now
from tests.conftest import server_env

WRITER = textwrap.dedent(
    """
    import sys
    from forum import create_app
    from forum.cases import services
    from forum.extensions import db
    from forum.models import User
    app = create_app({"TESTING": True, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})
    with app.app_context():
        author = db.session.get(User, int(sys.argv[1]))
        for n in range(15):
            services.reply(author, int(sys.argv[2]), f"Réponse {sys.argv[3]}{n} mot{sys.argv[3]}{n}", confirmed=True)
        from forum.search.queue import drain_now
        drain_now(app)
    """
)


def test_two_processes_post_concurrently_and_every_reply_is_found(app, make_user, make_case, find):
    case = make_case(title="Cas partagé")
    writer = make_user()
    drain_now(app)
    env = server_env(app)
    root = Path(__file__).resolve().parents[2]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(writer.id), str(case.id), label],
            cwd=root,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for label in ("alpha", "beta")
    ]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    assert not any("LockError" in text or "Traceback" in text for text in errors), errors
    for label in ("alpha", "beta"):
        for n in range(15):
            assert find(f"mot{label}{n}")["total"] == 1, f"reply {label}{n} missing from the index"
