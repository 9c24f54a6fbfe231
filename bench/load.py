"""Mixed load through nginx: members read cases, search, reply and chat, against 1, 2 and 4 gunicorn instances.

    .venv/bin/python bench/load.py [--seconds 30] [--members 20] [--configs sqlite-1,postgres-1,postgres-2,postgres-4]
                                   [--postgres URL] [--redis URL]

Every configuration runs the production processes of docs/deployment.md on the loopback (deploy/loopback.py):
single-worker gunicorn instances with deploy/gunicorn.conf.py behind Debian's nginx with
deploy/nginx/confreres.conf. "sqlite-1" is the embedded setup (a SQLite file, Whoosh, no Redis);
"postgres-N" is N instances on PostgreSQL (a throwaway schema of --postgres, dropped at the end) sharing
Redis (--redis, a database of its own, emptied) for Socket.IO, presence and rate limits, with PostgreSQL
search when the application has it. The demo community (`forum seed-demo`) fills each database.

Each virtual member has its own cookie jar, is logged in through the real form (in-process, before the
clock starts) and holds a Socket.IO connection through nginx (long-polling, then the WebSocket upgrade: the
route cookie must keep both on one instance). Members loop without pause over reading a case page (60 %),
searching (25 %) and replying through the JSON API with a bearer token (15 %); each one also sends a chat
message every --chat-every seconds to a room of about 5 members. Reported per kind: requests, requests/s,
p50 and p99 latency (client side) and errors; for chat, the send acknowledgement and the delivery to each
member of the room (a delivery missing at the end is an error). Any error makes the exit status 1.
"""

import argparse
import asyncio
import importlib.util
import os
import platform
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import redis
import socketio
import sqlalchemy as sa
from pages import csrf_token
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from deploy.loopback import NGINX, serve  # noqa: E402

PASSWORD = "mot de passe du banc de charge"
FAST_ARGON2 = {"FORUM_ARGON2_TIME_COST": "1", "FORUM_ARGON2_MEMORY_COST": "8", "FORUM_ARGON2_PARALLELISM": "1"}
TERMS = ["douleur thoracique", "HTA", "diabète", "asthme", "lombalgie", "fièvre", "dépression", "insuffisance"]
REPLY = "Avis d'un confrère : je referais un examen clinique complet et je contrôlerais la biologie."
KINDS = ("read", "search", "reply", "chat send", "chat delivery")
STAMP = re.compile(r"t (\d+\.\d+)")


class Tally:
    """Latencies and errors of each kind of request, counted only while the clock runs."""

    def __init__(self):
        self.latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.errors: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.examples: list[str] = []
        self.recording = False
        self.elapsed = 0.0
        # Chat messages sent while the clock ran: members who should receive each, and who did.
        self.expected: dict[int, int] = {}
        self.received: dict[int, int] = {}

    def record(self, kind: str, started: float, ok: bool, detail: str = "") -> None:
        if not self.recording:
            return
        self.latencies[kind].append(time.perf_counter() - started)
        if not ok:
            self.errors[kind] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {detail}")


class Member:
    """One browser: its cookies (session, route), an API token, a chat socket in one room."""

    def __init__(self, cookie: str, token: str, room: str, tally: Tally):
        self.cookie, self.token, self.room, self.tally = cookie, token, room, tally
        self.room_size = 1
        self.http: aiohttp.ClientSession | None = None
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("message", self.on_message, namespace="/chat")
        self.sio.on("disconnect", self.on_disconnect, namespace="/chat")
        self.closing = False

    async def on_message(self, data: dict) -> None:
        found = STAMP.search(data.get("body_html", ""))
        if found:
            self.tally.received[data["id"]] = self.tally.received.get(data["id"], 0) + 1
            self.tally.record("chat delivery", float(found.group(1)), True)

    async def on_disconnect(self, *reason) -> None:
        if not self.closing:
            self.tally.record("chat send", time.perf_counter(), False, f"socket dropped {reason}")

    async def open(self, url: str) -> None:
        """First page (nginx draws the route cookie), then the socket on the same cookie jar."""
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), cookies={"session": self.cookie})
        async with self.http.get(url + "/") as response:
            await response.read()
        self.sio.eio.http = self.http
        await self.sio.connect(url, namespaces=["/chat"], wait_timeout=30)
        ack = await self.sio.call("join", {"room": self.room}, namespace="/chat", timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")

    async def close(self) -> None:
        self.closing = True
        await self.sio.disconnect()
        await self.http.close()

    async def request(self, kind: str, method: str, url: str, expected: int, **options) -> None:
        started = time.perf_counter()
        try:
            async with self.http.request(method, url, timeout=aiohttp.ClientTimeout(total=60), **options) as answer:
                await answer.read()
                ok = answer.status == expected and "/login" not in str(answer.url)
                self.tally.record(kind, started, ok, f"{method} {answer.url.path} -> {answer.status}")
        except (aiohttp.ClientError, TimeoutError) as error:
            self.tally.record(kind, started, False, f"{method} {url}: {error!r}")

    async def browse(self, url: str, cases: list[int], stop: float, rng: random.Random) -> None:
        """Read, search and reply back to back until `stop`."""
        auth = {"Authorization": f"Bearer {self.token}"}
        while time.monotonic() < stop:
            draw, case = rng.random(), rng.choice(cases)
            if draw < 0.60:
                await self.request("read", "GET", f"{url}/cases/{case}", 200)
            elif draw < 0.85:
                await self.request("search", "GET", f"{url}/search", 200, params={"q": rng.choice(TERMS)})
            else:
                body = {"body": REPLY, "confirmed": True}
                await self.request("reply", "POST", f"{url}/api/v1/cases/{case}/replies", 201, json=body, headers=auth)

    async def chat(self, every: float, stop: float, rng: random.Random) -> None:
        """One message every `every` seconds (under the flood limit of 10 in 10 s)."""
        await asyncio.sleep(rng.uniform(0, every))
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                ack = await self.sio.call("send", {"room": self.room, "body": f"t {started}"}, "/chat", timeout=30)
                if self.tally.recording and ack.get("id"):
                    self.tally.expected[ack["id"]] = self.room_size
                self.tally.record("chat send", started, bool(ack.get("id")), str(ack))
            except (socketio.exceptions.SocketIOError, TimeoutError) as error:
                self.tally.record("chat send", started, False, repr(error))
            await asyncio.sleep(every)


async def drive(url: str, logins: list[tuple[str, str]], cases: list[int], args: argparse.Namespace) -> Tally:
    """Connect the members, warm up, run the clock for --seconds, let the last messages arrive."""
    tally, rng = Tally(), random.Random(7)
    rooms = ["general", "specialty:general-practice", "specialty:cardiology", "specialty:pediatrics"]
    rooms = rooms[: max(1, len(logins) // 5)]
    members = [Member(cookie, token, rooms[i % len(rooms)], tally) for i, (cookie, token) in enumerate(logins)]
    for member in members:
        member.room_size = sum(1 for m in members if m.room == member.room)
    await asyncio.gather(*(m.open(url) for m in members))
    try:
        started = time.monotonic()
        stop = started + args.warmup + args.seconds
        tasks = [m.browse(url, cases, stop, random.Random(rng.random())) for m in members]
        tasks += [m.chat(args.chat_every, stop, random.Random(rng.random())) for m in members]
        clock = asyncio.create_task(start_clock(tally, args.warmup, args.seconds))
        await asyncio.gather(*tasks, clock)
        await asyncio.sleep(3)  # deliveries still on their way
        missing = {id_: n - tally.received.get(id_, 0) for id_, n in tally.expected.items()}
        tally.errors["chat delivery"] += sum(n for n in missing.values() if n > 0)
        tally.elapsed = clock.result()
    finally:
        await asyncio.gather(*(m.close() for m in members), return_exceptions=True)
    return tally


async def start_clock(tally: Tally, warmup: float, seconds: float) -> float:
    await asyncio.sleep(warmup)
    tally.recording, started = True, time.perf_counter()
    await asyncio.sleep(seconds)
    tally.recording = False
    return time.perf_counter() - started


def flask(env: dict, *args: str) -> None:
    """A `flask --app wsgi` command, as an administrator runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def seed(env: dict, args: argparse.Namespace) -> None:
    """Migrate, fill with the demo community, build the search index."""
    flask(env, "forum", "init")
    counts = ["--members", str(max(60, args.members * 2)), "--cases", "400", "--replies", "3000"]
    flask(env, "forum", "seed-demo", *counts, "--password", PASSWORD)
    flask(env, "search", "reindex")


def log_in(env: dict, count: int) -> tuple[list[tuple[str, str]], list[int]]:
    """Session cookies (the real log-in form) and API tokens of `count` members, and the cases they may answer."""
    from forum import create_app
    from forum.extensions import db
    from forum.models import Case, User

    os.environ["FORUM_INSTANCE"] = env["FORUM_INSTANCE"]
    settings = {"RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": env["FORUM_SQLALCHEMY_DATABASE_URI"]}
    settings.update({name.removeprefix("FORUM_"): int(value) for name, value in FAST_ARGON2.items()})
    app = create_app({**settings, "SEARCH_BACKEND": env["FORUM_SEARCH_BACKEND"]})
    with app.app_context():
        query = sa.select(User.email).where(User.role == "member", User.status == "verified").order_by(User.id)
        emails = db.session.scalars(query.limit(count)).all()
        cases = db.session.scalars(sa.select(Case.id).where(Case.hidden.is_(False), Case.locked.is_(False))).all()
    logins = []
    for email in emails:  # each request in its own app context, as in a server
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)})
        token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).get_json()["token"]
        logins.append((client.get_cookie("session").value, token))
    with app.app_context():
        db.engine.dispose()
    return logins, cases


@contextmanager
def postgres_schema(url: str):
    """A schema of its own in the database of `url`, dropped afterwards with whatever still uses it."""
    schema = f"bench_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        query = {"options": f"-csearch_path={schema},public", "application_name": schema}
        yield make_url(url).update_query_dict(query).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"
            connection.execute(sa.text(terminate), {"name": schema})
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")


def rows_of(name: str, tally: Tally) -> list[str]:
    lines = []
    for kind in KINDS:
        values = tally.latencies[kind]
        rate = len(values) / tally.elapsed
        lines.append(
            f"| {name} | {kind} | {len(values)} | {rate:.1f} | {percentile(values, 0.5):.0f} | "
            f"{percentile(values, 0.99):.0f} | {tally.errors[kind]} |"
        )
    http = sum(len(tally.latencies[kind]) for kind in ("read", "search", "reply"))
    lines.append(f"| {name} | **HTTP total** | {http} | {http / tally.elapsed:.1f} | | | |")
    return lines


def run_configuration(name: str, instances: int, env: dict, args: argparse.Namespace, folder: Path) -> Tally:
    logins, cases = log_in(env, args.members)
    if env.get("FORUM_REDIS_URL"):
        redis.Redis.from_url(env["FORUM_REDIS_URL"]).flushdb()
    with serve(folder / name, env, instances, threads=args.members + 100, nginx_workers=2) as stack:
        before = time.process_time()
        tally = asyncio.run(asyncio.wait_for(drive(stack.url, logins, cases, args), timeout=args.seconds + 180))
        share = (time.process_time() - before) / (args.warmup + args.seconds + 3)
    errors = sum(tally.errors.values())
    load = os.getloadavg()[0]
    print(f"  {name}: {errors} errors {tally.examples}; load generator {share:.0%} of a CPU, load average {load:.1f}")
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per configuration")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--members", type=int, default=20, help="virtual members, each browsing and chatting")
    parser.add_argument("--chat-every", type=float, default=3.0, help="seconds between two messages of a member")
    parser.add_argument("--configs", default="sqlite-1,postgres-1,postgres-2,postgres-4")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
    args = parser.parse_args()
    if not NGINX.exists():
        print(f"load bench skipped: no nginx at {NGINX} (`make nginx`)")
        return
    configs = [(name, name.split("-")[0], int(name.split("-")[1])) for name in args.configs.split(",")]
    results: list[str] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="confreres-load-") as temp:
        folder = Path(temp)
        for database in ("sqlite", "postgres"):
            chosen = [(name, n) for name, kind, n in configs if kind == database]
            if not chosen:
                continue
            with prepared(database, folder, args) as env:
                if env is None:
                    continue
                for name, instances in chosen:
                    tally = run_configuration(name, instances, env, args, folder)
                    results += rows_of(name, tally)
                    failed = failed or any(tally.errors.values())
    print(f"\nMachine: {machine()}; {args.members} members, {args.seconds:g} s measured per configuration")
    print("| configuration | kind | requests | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|")
    print("\n".join(results))
    if failed:
        raise SystemExit("errors during the load: see above")


@contextmanager
def prepared(database: str, folder: Path, args: argparse.Namespace):
    """The environment of the instances on a seeded database; None (and a note) when a service is missing."""
    instance = folder / f"instance-{database}"
    instance.mkdir()
    env = {**os.environ, **FAST_ARGON2, "FORUM_INSTANCE": str(instance), "FORUM_PROXY_FIX": "1"}
    env.pop("FLASK_DEBUG", None)
    if database == "sqlite":
        env.update(
            {"FORUM_SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'forum.db'}", "FORUM_SEARCH_BACKEND": "whoosh"}
        )
        env.pop("FORUM_REDIS_URL", None)
        seed(env, args)
        yield env
        return
    try:
        redis.Redis.from_url(args.redis).ping()
        sa.create_engine(args.postgres, poolclass=sa.pool.NullPool).connect().close()
    except (redis.ConnectionError, sa.exc.OperationalError) as error:
        print(f"PostgreSQL configurations skipped: {error.__class__.__name__} ({args.postgres}, {args.redis})")
        yield None
        return
    postgres_search = importlib.util.find_spec("forum.search.postgres_backend") is not None
    with postgres_schema(args.postgres) as url:
        env.update({"FORUM_SQLALCHEMY_DATABASE_URI": url, "FORUM_REDIS_URL": args.redis})
        env["FORUM_SEARCH_BACKEND"] = "postgres" if postgres_search else "whoosh"
        print(f"PostgreSQL configurations: search backend {env['FORUM_SEARCH_BACKEND']}", flush=True)
        seed(env, args)
        try:
            yield env
        finally:
            redis.Redis.from_url(args.redis).flushdb()


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    nginx = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True).stderr.strip()
    return f"{os.cpu_count()} vCPU {model}, {memory} GiB, Python {platform.python_version()}, {nginx}"


if __name__ == "__main__":
    main()
