"""Benchmark the two busiest pages, a case with 20 replies and the case list, on a 2,000-case community.

    .venv/bin/python bench/pages.py [--requests 500] [--workers 2] [--concurrency 2] [--cases 2000] [--replies 20000]

A deterministic demo community (forum.demo) is built in a temporary instance folder, served by
gunicorn (sync workers) on 127.0.0.1, and a member logs in through the real form. Each page is then
requested N times over HTTP (client-side latency: what a reader waits for, loopback only), and
N times in-process through app.test_client() (Python and database time without HTTP, since the app
sends no Server-Timing header). gunicorn is stopped at the end, also on error or Ctrl+C.
"""

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from deploy.loopback import free_port  # noqa: E402

PASSWORD = "mot de passe du banc d'essai"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
REQUEST_TIMEOUT = 30


def build(args: argparse.Namespace) -> tuple[str, list[int], float]:
    """Create the tables and the community; return a member's e-mail, the 20-reply cases and the build time."""
    from sqlalchemy import select

    from forum import create_app
    from forum.demo.generator import build_community
    from forum.extensions import db
    from forum.models import Case

    app = create_app()
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        counts = build_community(args.members, args.cases, args.replies, seed=1, password=PASSWORD)
        elapsed = time.perf_counter() - started
        twenty = db.session.scalars(select(Case.id).where(Case.reply_count == 20, Case.hidden.is_(False))).all()
        db.engine.dispose()
    if not twenty:
        raise SystemExit("no case with exactly 20 replies: use more --replies")
    return counts["member_email"], twenty, elapsed


def start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn in its own process group, so that stopping it stops its workers too."""
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "60"]
    from gunicorn.config import Config

    if "control_socket" in Config().settings:  # gunicorn 25.1+: keep its control socket out of $HOME
        command += ["--control-socket", str(log.with_name("gunicorn.ctl"))]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "wsgi:app"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the master; SIGKILL to its process group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("the login page has no CSRF token")
    return match.group(1) or match.group(2)


def http_login(base: str, email: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping client logged in through the real form (GET for the token, then POST)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/login", timeout=REQUEST_TIMEOUT) as response:
        token = csrf_token(response.read().decode())
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    with opener.open(f"{base}/login", data=form, timeout=REQUEST_TIMEOUT) as response:
        response.read()
    with opener.open(f"{base}/cases/", timeout=REQUEST_TIMEOUT) as response:
        if "/login" in response.url:
            raise RuntimeError("logging in over HTTP failed")
    return opener


def http_get(opener: urllib.request.OpenerDirector, url: str) -> float:
    """Seconds for one GET, body read; anything but 200 stops the benchmark."""
    started = time.perf_counter()
    with opener.open(url, timeout=REQUEST_TIMEOUT) as response:
        response.read()
        if response.status != 200 or "/login" in response.url:
            raise RuntimeError(f"{url} answered {response.status} at {response.url}")
    return time.perf_counter() - started


def measure(get, urls: list[str], count: int, threads: int, deadline: float) -> dict:
    """Run `count` GETs over `threads` threads (urls taken in turn); requests/s and latency percentiles."""
    for url in urls[:5]:
        get(url)  # warm-up: templates compiled, read markers written
    latencies: list[float] = []

    def worker(offset: int) -> None:
        for n in range(offset, count, threads):
            if time.monotonic() > deadline:
                return
            latencies.append(get(urls[n % len(urls)]))

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    wall = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"n": len(latencies), "rps": len(latencies) / wall, "p50": percentile(0.50), "p99": percentile(0.99)}


def in_process_client(email: str):
    """app.test_client() logged in through the same form, each request in its own app context."""
    from forum import create_app

    client = create_app().test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})

    def get(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} in-process")
        return time.perf_counter() - started

    return get


def table(title: str, rows: dict[str, dict], requested: int) -> str:
    """The figures of one way of serving, aligned."""
    lines = [title, f"  {'page':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"]
    for name, r in rows.items():
        short = "" if r["n"] == requested else "  (stopped at the time limit)"
        lines.append(f"  {name:<28}{r['n']:>9}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{short}")
    return "\n".join(lines)


def main() -> None:
    """Build the community, serve it, measure both pages both ways, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="GETs per page and per way of serving")
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--replies", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads for the HTTP runs")
    parser.add_argument("--time-limit", type=float, default=35, help="seconds at most per measured run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="confreres-bench-") as instance:
        os.environ["FORUM_INSTANCE"] = instance
        email, twenty, elapsed = build(args)
        print(
            f"Community: {args.members} members, {args.cases} cases, {args.replies} replies, built in {elapsed:.1f} s"
        )
        pages = {"case with 20 replies": [f"/cases/{case_id}" for case_id in twenty], "case list /cases/": ["/cases/"]}
        port, log = free_port(), Path(instance) / "gunicorn.log"
        server = start_gunicorn(port, args.workers, log)
        try:
            base = f"http://127.0.0.1:{port}"
            opener = http_login(base, email)
            over_http = {
                name: measure(
                    lambda url: http_get(opener, base + url),
                    urls,
                    args.requests,
                    args.concurrency,
                    time.monotonic() + args.time_limit,
                )
                for name, urls in pages.items()
            }
        except (RuntimeError, urllib.error.URLError) as error:
            stop(server)
            raise SystemExit(
                f"benchmark stopped: {error}\n--- gunicorn log (end) ---\n{log.read_text()[-3000:]}"
            ) from None
        finally:
            stop(server)
        get = in_process_client(email)
        in_process = {
            name: measure(get, urls, args.requests, 1, time.monotonic() + args.time_limit)
            for name, urls in pages.items()
        }
    http_title = f"HTTP via gunicorn ({args.workers} sync workers, {args.concurrency} client threads):"
    print(table(http_title, over_http, args.requests))
    print(table("Server time in-process (app.test_client, 1 thread; no HTTP):", in_process, args.requests))


if __name__ == "__main__":
    main()
