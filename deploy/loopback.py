"""The production processes on the loopback: gunicorn instances and nginx, exactly as the deployment guide sets them up.

Used by tests/deploy/ and bench/load.py. Each gunicorn instance runs deploy/gunicorn.conf.py; nginx runs
as an ordinary foreground process with its own prefix and temporary folders, and loads
deploy/nginx/confreres.conf unchanged: only the two files the guide writes for each site
(confreres/backends.conf and confreres/site.conf) are written here, for 127.0.0.1 and plain HTTP.
"""

import getpass
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
NGINX_CONF = ROOT / "deploy" / "nginx" / "confreres.conf"

MAIN_CONF = """\
daemon off;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{user}
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
    access_log off;
    include {confreres};
}}
"""

SITE_CONF = """\
listen 127.0.0.1:{port};
root {static_root};
access_log {folder}/access.log confreres;
{extra}
"""


def free_port() -> int:
    """A TCP port of the loopback nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Block until `url` gives any HTTP answer; fail with the end of the log if the process dies or stays mute."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM to the process group (gunicorn's master and worker, nginx's master and workers), then SIGKILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=timeout)


def start(command: list[str], env: dict | None, log: Path) -> subprocess.Popen:
    """A process in its own group, its output in `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def start_gunicorn(env: dict, port: int, log: Path, threads: int) -> subprocess.Popen:
    """One instance, as its systemd unit starts it: the repository's gunicorn settings, bound to `port`."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_THREADS": str(threads)}
    return start([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)], env, log)


def write_nginx_conf(folder: Path, port: int, backends: list[int], site_extra: str = "", workers: int = 1) -> Path:
    """nginx.conf of a private nginx: the repository's confreres.conf, with this machine's two site files."""
    (folder / "confreres").mkdir(parents=True, exist_ok=True)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "temp" / name).mkdir(parents=True, exist_ok=True)
    servers = "".join(f"server 127.0.0.1:{backend};\n" for backend in backends)
    (folder / "confreres" / "backends.conf").write_text(servers)
    site = SITE_CONF.format(port=port, static_root=ROOT / "forum", folder=folder, extra=site_extra)
    (folder / "confreres" / "site.conf").write_text(site)
    # Started by root (a container), the workers keep the same identity instead of switching to "nobody".
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    main = MAIN_CONF.format(folder=folder, user=user, confreres=NGINX_CONF, workers=workers)
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


def start_nginx(conf: Path) -> subprocess.Popen:
    """nginx in the foreground, everything it writes under the folder of `conf`."""
    folder = conf.parent
    command = [str(NGINX), "-p", f"{folder}/", "-c", str(conf), "-e", str(folder / "error.log")]
    return start(command, None, folder / "nginx.log")


@dataclass
class Stack:
    """nginx on `url` in front of gunicorn instances (`instances`: port → process); their logs in `folder`."""

    url: str
    folder: Path
    backends: list[int] = field(default_factory=list)
    instances: dict[int, subprocess.Popen] = field(default_factory=dict)

    def instance_log(self, backend: int) -> Path:
        return self.folder / f"gunicorn-{backend}.log"

    @property
    def access_log(self) -> Path:
        return self.folder / "nginx" / "access.log"


@contextmanager
def serve(
    folder: Path, env: dict, instances: int, threads: int = 100, site_extra: str = "", nginx_workers: int = 1
) -> Iterator[Stack]:
    """`instances` gunicorn instances behind nginx until the block ends; everything stopped, also on error."""
    folder.mkdir(parents=True, exist_ok=True)
    backends = [free_port() for _ in range(instances)]
    port = free_port()
    stack = Stack(url=f"http://127.0.0.1:{port}", folder=folder, backends=backends)
    with ExitStack() as running:
        stack.instances = {port: start_gunicorn(env, port, stack.instance_log(port), threads) for port in backends}
        for process in stack.instances.values():
            running.callback(stop, process)
        for backend, process in stack.instances.items():
            wait_until_answering(f"http://127.0.0.1:{backend}/", process, stack.instance_log(backend))
        conf = write_nginx_conf(folder / "nginx", port, backends, site_extra, nginx_workers)
        nginx = start_nginx(conf)
        running.callback(stop, nginx)
        wait_until_answering(f"{stack.url}/static/favicon.svg", nginx, folder / "nginx" / "nginx.log")
        yield stack
