"""gunicorn settings of one Confrères instance: `gunicorn -c deploy/gunicorn.conf.py` (wsgi:app).

One worker per instance, on purpose: a Socket.IO session lives in the process that opened it, and
gunicorn's own balancing between workers is not sticky. Run several instances (one port each, see
deploy/systemd/confreres@.service) behind nginx, which is sticky, sharing Redis (FORUM_REDIS_URL).

Environment: GUNICORN_BIND (default 127.0.0.1:8000), GUNICORN_THREADS (default 1100).
"""

import gc
import os
import re

from gunicorn.glogging import Logger

wsgi_app = "wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = 1
worker_class = "gthread"
# Each open socket holds one thread of this pool for its whole life (README, "Why threading"): ~1,000
# members online at once, plus room for page requests. The pool grows on demand up to this size.
threads = int(os.environ.get("GUNICORN_THREADS", "1100"))
# gthread stops accepting at this many open connections (gunicorn's default is 1,000, fewer than the pool:
# the thousandth-and-first socket would hang unanswered, and idle keep-alive connections would be refused).
# Above the pool by nginx's idle connections to this instance (16 per nginx worker) and some margin.
worker_connections = threads + 100
# The worker's heartbeat, not a limit on requests: sockets stay open for hours.
timeout = 30
# Open sockets never finish by themselves; on stop or restart they get this long, then the clients reconnect.
graceful_timeout = 10
# Longer than nginx keeps an idle upstream connection (30 s), so that nginx is always the one closing it.
keepalive = 75
# gunicornc is not used; two instances would fight over the default control socket path.
control_socket_disable = True

TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_.=-]{32,}(?=/|$)")


def redact_path(path: str) -> str:
    """The path as the access log shows it: the one-time tokens of e-mailed links replaced (as nginx does)."""
    return TOKEN_SEGMENT.sub("[redacted]", path or "")


class AccessLogWithoutSecrets(Logger):
    """Access lines never carry a query string, a token in a path, a cookie or an Authorization header."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms


logger_class = AccessLogWithoutSecrets
accesslog = "-"
# The client as nginx saw it, the method and path (no query string, no referer), status, bytes, milliseconds.
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def post_worker_init(worker: object) -> None:
    """Fewer full garbage collections: the measured cause of the chat's p99 tail (README, "Where the tail comes from").

    With a thousand sockets the heap holds millions of objects; a full (generation 2) collection walks them
    all while holding the GIL and was measured stopping every socket for 100-320 ms. Objects alive once the
    app is loaded are frozen out of the collector, and collections are made rarer.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 1_000)
