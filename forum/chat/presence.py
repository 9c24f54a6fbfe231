"""Who is online, away or offline, and who is in which room: in this process, or in Redis for several processes."""

import threading
from collections import defaultdict

from flask import Flask, current_app

STATUSES = ("online", "away", "offline")
# A process that died cannot clean up after itself: its entries in Redis expire instead.
REDIS_TTL = 24 * 3600


class MemoryPresence:
    """Presence of the sockets of this process only."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sids: dict[int, set[str]] = defaultdict(set)
        self._away: set[int] = set()
        self._rooms: dict[str, dict[str, int]] = defaultdict(dict)

    def connect(self, sid: str, user_id: int) -> bool:
        """Record a socket; True when the member just came online."""
        with self._lock:
            first = not self._sids[user_id]
            self._sids[user_id].add(sid)
            self._away.discard(user_id)
            return first

    def disconnect(self, sid: str, user_id: int) -> bool:
        """Forget a socket; True when the member has no socket left."""
        with self._lock:
            self._sids[user_id].discard(sid)
            for members in self._rooms.values():
                members.pop(sid, None)
            if self._sids[user_id]:
                return False
            del self._sids[user_id]
            self._away.discard(user_id)
            return True

    def set_away(self, user_id: int, away: bool) -> None:
        """Mark a connected member away or back."""
        with self._lock:
            (self._away.add if away else self._away.discard)(user_id)

    def status(self, user_id: int) -> str:
        """online, away or offline."""
        with self._lock:
            if not self._sids.get(user_id):
                return "offline"
            return "away" if user_id in self._away else "online"

    def online_ids(self) -> set[int]:
        """Members with a socket open and not away."""
        with self._lock:
            return {uid for uid, sids in self._sids.items() if sids} - self._away

    def enter(self, room: str, sid: str, user_id: int) -> int:
        """A socket entered a room; returns how many distinct members are in it."""
        with self._lock:
            self._rooms[room][sid] = user_id
            return len(set(self._rooms[room].values()))

    def leave(self, room: str, sid: str) -> int:
        """A socket left a room; returns how many distinct members remain."""
        with self._lock:
            self._rooms[room].pop(sid, None)
            return len(set(self._rooms[room].values()))

    def members(self, room: str) -> set[int]:
        """The members with a socket in a room."""
        with self._lock:
            return set(self._rooms[room].values())

    def rooms_of(self, sid: str) -> list[str]:
        """The rooms a socket is in."""
        with self._lock:
            return [room for room, members in self._rooms.items() if sid in members]


class RedisPresence:
    """The same, shared by every process that uses this Redis database."""

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)

    def connect(self, sid: str, user_id: int) -> bool:
        """Record a socket; True when the member just came online."""
        key = f"chat:sids:{user_id}"
        pipe = self.redis.pipeline()
        pipe.sadd(key, sid).expire(key, REDIS_TTL).scard(key).srem("chat:away", user_id).sadd("chat:online", user_id)
        return pipe.execute()[2] == 1

    def disconnect(self, sid: str, user_id: int) -> bool:
        """Forget a socket; True when the member has no socket left."""
        for room in self.rooms_of(sid):
            self.leave(room, sid)
        key = f"chat:sids:{user_id}"
        self.redis.srem(key, sid)
        if self.redis.scard(key):
            return False
        self.redis.pipeline().srem("chat:online", user_id).srem("chat:away", user_id).execute()
        return True

    def set_away(self, user_id: int, away: bool) -> None:
        """Mark a connected member away or back."""
        (self.redis.sadd if away else self.redis.srem)("chat:away", user_id)

    def status(self, user_id: int) -> str:
        """online, away or offline."""
        if not self.redis.scard(f"chat:sids:{user_id}"):
            return "offline"
        return "away" if self.redis.sismember("chat:away", user_id) else "online"

    def online_ids(self) -> set[int]:
        """Members with a socket open and not away."""
        return {int(uid) for uid in self.redis.sdiff("chat:online", "chat:away")}

    def enter(self, room: str, sid: str, user_id: int) -> int:
        """A socket entered a room; returns how many distinct members are in it."""
        key = f"chat:room:{room}"
        self.redis.pipeline().hset(key, sid, user_id).expire(key, REDIS_TTL).sadd(f"chat:in:{sid}", room).execute()
        self.redis.expire(f"chat:in:{sid}", REDIS_TTL)
        return len(set(self.redis.hvals(key)))

    def leave(self, room: str, sid: str) -> int:
        """A socket left a room; returns how many distinct members remain."""
        self.redis.pipeline().hdel(f"chat:room:{room}", sid).srem(f"chat:in:{sid}", room).execute()
        return len(set(self.redis.hvals(f"chat:room:{room}")))

    def members(self, room: str) -> set[int]:
        """The members with a socket in a room, whichever process holds it."""
        return {int(uid) for uid in self.redis.hvals(f"chat:room:{room}")}

    def rooms_of(self, sid: str) -> list[str]:
        """The rooms a socket is in."""
        return sorted(self.redis.smembers(f"chat:in:{sid}"))


def init_app(app: Flask) -> None:
    """Presence lives in Redis when the app has one, else in this process."""
    url = app.config.get("REDIS_URL")
    app.extensions["chat_presence"] = RedisPresence(url) if url else MemoryPresence()


def store() -> MemoryPresence | RedisPresence:
    """The presence store of the current app."""
    return current_app.extensions["chat_presence"]
