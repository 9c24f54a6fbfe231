"""Load of the real-time chat on one server process: N members spread over 20 rooms, then one room of 200.

    .venv/bin/python bench/chat_load.py [--clients 100] [--rooms 20] [--rate 50] [--seconds 10]
                                        [--fanout 200] [--server gunicorn|gevent|werkzeug]

A temporary instance gets N members (API tokens written directly: no password hashing to wait for) and one
server process on 127.0.0.1 (gunicorn gthread with threads sized for N sockets, gunicorn's gevent worker with
SOCKETIO_ASYNC_MODE=gevent — needs `pip install -e '.[gevent]'` — or Werkzeug as `make run` uses).
N real Socket.IO clients (python-socketio's asyncio client, websocket transport) connect and join their room;
senders then post at a fixed total rate. Reported: delivery latency p50/p99 (send → each room member's
receipt), deliveries lost, and the server's memory and threads per connection. Then, separately, one message
fan-out to a room of --fanout members. Everything stops after at most a few minutes, also on error.

The load generator is one asyncio process holding N clients: during the measured phases its own garbage
collector is held off (a full collection over a thousand clients' objects was measured at 200-280 ms and
showed up as the server's p99), and its event loop's worst lag is printed so that a reader can tell the
server's delays from the generator's.
"""

import argparse
import asyncio
import contextlib
import gc
import hashlib
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import socketio

STAMP = re.compile(r"t (\d+\.\d+)")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from deploy.loopback import free_port, start, stop, wait_until_answering  # noqa: E402


def make_members(instance: Path, count: int) -> list[str]:
    """Create the database and `count` verified members; return one API token each."""
    os.environ["FORUM_INSTANCE"] = str(instance)
    from forum import create_app
    from forum.extensions import db
    from forum.models import ApiToken, User

    app = create_app({"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})
    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    with app.app_context():
        db.create_all()
        expires = datetime.now(UTC) + timedelta(days=1)
        for i, token in enumerate(tokens):
            user = User(
                email=f"bench{i}@example.org",
                password_hash="!",
                pseudonym=f"Banc{i}",
                pseudonym_key=f"banc{i}",
                profession="physician",
                specialty="general-practice",
                role="member",
                status="verified",
                session_key=secrets.token_urlsafe(24),
            )
            token_hash = hashlib.sha256(token.encode()).hexdigest()
            db.session.add(ApiToken(user=user, token_hash=token_hash, session_key=user.session_key, expires_at=expires))
        db.session.commit()
    return tokens


def gunicorn_extra() -> list[str]:
    """The production settings (deploy/gunicorn.conf.py: its GC tuning), unless BENCH_GUNICORN_ARGS gives others.

    The options given here on the command line (workers, worker class, threads, bind) override the file's.
    """
    return os.environ.get("BENCH_GUNICORN_ARGS", f"-c {ROOT / 'deploy' / 'gunicorn.conf.py'}").split()


def start_server(instance: Path, port: int, kind: str, clients: int) -> subprocess.Popen:
    """One server process; gunicorn gets a thread per socket plus headroom for page requests."""
    env = {**os.environ, "FORUM_INSTANCE": str(instance), "FORUM_RATELIMIT_ENABLED": "false"}
    env.pop("FORUM_REDIS_URL", None)
    if kind == "gunicorn":
        threads = clients + 100
        command = [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-k", "gthread", "--threads", str(threads)]
        # As deploy/gunicorn.conf.py does for its own pool: every thread may hold a connection.
        command += ["--worker-connections", str(threads + 100)]
        command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", *gunicorn_extra(), "wsgi:app"]
    elif kind == "gevent":
        # The gevent worker monkey-patches its own process; the app is told to match.
        env["FORUM_SOCKETIO_ASYNC_MODE"] = "gevent"
        command = [str(Path(sys.executable).parent / "gunicorn"), "-w", "1", "-k", "gevent"]
        command += ["--worker-connections", str(clients + 100), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
        command += [*gunicorn_extra(), "wsgi:app"]
    else:
        command = [
            str(Path(sys.executable).parent / "flask"),
            "--app",
            "wsgi",
            "run",
            "--port",
            str(port),
            "--no-reload",
        ]
    server = start(command, env, instance.parent / "server.log")
    wait_until_answering(f"http://127.0.0.1:{port}/", server, instance.parent / "server.log", timeout=30)
    return server


def worker_pid(pid: int) -> int:
    """The process that holds the sockets: gunicorn's single worker, or the server itself."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return int(children[0]) if children else pid


def server_stats(pid: int) -> tuple[float, int]:
    """Resident memory (MiB) and threads of the server process."""
    pid = worker_pid(pid)
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["Threads"])


class Member:
    """One real client; records when each message it receives was sent."""

    def __init__(self, token: str, room: str, received: list):
        self.token, self.room, self.received = token, room, received
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("message", self.on_message, namespace="/chat")

    async def on_message(self, data: dict) -> None:
        sent = float(STAMP.search(data["body_html"]).group(1))
        self.received.append((data["id"], time.perf_counter() - sent))

    async def join(self, url: str) -> None:
        await self.sio.connect(url, namespaces=["/chat"], auth={"token": self.token}, transports=["websocket"])
        ack = await self.sio.call("join", {"room": self.room}, namespace="/chat", timeout=30)
        assert ack.get("ok"), ack

    async def send(self, acks: list) -> int | None:
        sent = time.perf_counter()
        ack = await self.sio.call("send", {"room": self.room, "body": f"t {sent}"}, namespace="/chat")
        acks.append(time.perf_counter() - sent)
        return ack.get("id")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")


async def connect_all(members: list[Member], url: str) -> float:
    started = time.perf_counter()
    gate = asyncio.Semaphore(50)

    async def one(member: Member) -> None:
        async with gate:
            await member.join(url)

    await asyncio.gather(*(one(m) for m in members))
    return time.perf_counter() - started


@contextlib.asynccontextmanager
async def measuring():
    """Hold off the generator's garbage collector and watch its event loop; yields the list of acknowledgement
    times to fill, and prints the loop's worst lag and those times afterwards."""
    lags: list[float] = []
    acks: list[float] = []

    async def watch() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - before - 0.001)

    gc.collect()
    gc.freeze()
    gc.disable()
    watcher = asyncio.create_task(watch())
    try:
        yield acks
    finally:
        watcher.cancel()
        gc.enable()
        gc.unfreeze()
    print(
        f"  acknowledgement p50 {percentile(acks, 0.5):.1f} ms, p99 {percentile(acks, 0.99):.1f} ms; "
        f"load generator's event loop: worst lag {percentile(lags, 1):.1f} ms"
    )


async def load(url: str, tokens: list[str], rooms: int, rate: float, seconds: float, pid: int) -> None:
    """N members over `rooms` rooms, messages at a fixed total rate."""
    received: list = []
    names = ["general"] + [f"specialty:{SPECIALTIES[i % len(SPECIALTIES)]}" for i in range(rooms - 1)]
    members = [Member(token, names[i % rooms], received) for i, token in enumerate(tokens)]
    rss_before, threads_before = server_stats(pid)
    took = await connect_all(members, url)
    rss_after, threads_after = server_stats(pid)
    room_size = {name: sum(1 for m in members if m.room == name) for name in names}
    print(
        f"  connected {len(members)} clients in {took:.1f}s; "
        f"rooms of {min(room_size.values())}-{max(room_size.values())} members"
    )
    per_connection = (rss_after - rss_before) * 1024 / len(members)
    print(
        f"  server: {rss_after:.0f} MiB RSS, {threads_after} threads; per connection "
        f"{per_connection:.0f} KiB and {(threads_after - threads_before) / len(members):.1f} threads"
    )
    expected, total = 0, int(rate * seconds)
    async with measuring() as acks:
        started = time.perf_counter()
        sends = []
        for k in range(total):
            sender = members[(k * 7919) % len(members)]
            expected += room_size[sender.room]
            sends.append(asyncio.create_task(sender.send(acks)))
            await asyncio.sleep(max(0.0, started + (k + 1) / rate - time.perf_counter()))
        ids = await asyncio.gather(*sends)
        await asyncio.sleep(2)
        latencies = [lat for _id, lat in received]
        print(
            f"  sent {total} messages in {time.perf_counter() - started - 2:.1f}s "
            f"({sum(1 for i in ids if i)} acked), "
            f"{expected} deliveries expected, {len(received)} received, lost {expected - len(received)}"
        )
        print(
            f"  delivery latency p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
            f"max {percentile(latencies, 1):.1f} ms"
        )
    await asyncio.gather(*(m.sio.disconnect() for m in members))


async def fanout(url: str, tokens: list[str], messages: int) -> None:
    """One room of len(tokens) members; five senders take turns, one message every 200 ms (under the flood limit)."""
    received: list = []
    members = [Member(token, "general", received) for token in tokens]
    await connect_all(members, url)
    async with measuring() as acks:
        for k in range(messages):
            await members[k % 5].send(acks)
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        expected = messages * len(members)
        latencies = [lat for _id, lat in received]
        print(
            f"  {messages} messages to a room of {len(members)}: {len(received)}/{expected} deliveries, "
            f"lost {expected - len(received)}, "
            f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms"
        )
    await asyncio.gather(*(m.sio.disconnect() for m in members))


SPECIALTIES = [
    "general-practice", "cardiology", "dermatology", "emergency-medicine", "endocrinology", "gastroenterology",
    "geriatrics", "gynecology-obstetrics", "infectious-diseases", "internal-medicine", "nephrology", "neurology",
    "oncology", "ophthalmology", "otorhinolaryngology", "pediatrics", "psychiatry", "pulmonology", "radiology",
    "rheumatology",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--rate", type=float, default=50, help="messages per second, all senders together")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--fanout", type=int, default=200, help="members of the single busy room (0: skip)")
    parser.add_argument("--server", choices=["gunicorn", "gevent", "werkzeug"], default="gunicorn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chat-bench-") as folder:
        instance = Path(folder) / "instance"
        instance.mkdir()
        tokens = make_members(instance, max(args.clients, args.fanout))
        port = free_port()
        server = start_server(instance, port, args.server, max(args.clients, args.fanout))
        url = f"http://127.0.0.1:{port}"
        try:
            print(
                f"chat load: {args.clients} clients, {args.rooms} rooms, {args.rate:g} msg/s for {args.seconds:g}s "
                f"({args.server}, one process)"
            )
            asyncio.run(
                asyncio.wait_for(
                    load(url, tokens[: args.clients], args.rooms, args.rate, args.seconds, server.pid), timeout=300
                )
            )
            if args.fanout:
                # Senders of the first part would hit the flood limit: the fan-out uses the newest members' tokens.
                print(f"fan-out: one room of {args.fanout} members")
                asyncio.run(asyncio.wait_for(fanout(url, tokens[-args.fanout :], 20), timeout=120))
        finally:
            # A thousand disconnections may still be in hand after 20 s: then the process group is killed.
            stop(server, timeout=20)


if __name__ == "__main__":
    main()
