"""A small in-process sliding-window rate limiter that never keeps a client address.

Why not Flask-Limiter (used for the login form)? It keys its counters by the client
address. The hotline must not hold tipsters' addresses anywhere, so this limiter keys by
an HMAC of the address under a random salt made when the process starts and never written
down: the key cannot be turned back into the address, cannot be linked across restarts,
and disappears after ``window`` seconds without requests. Nothing here is logged or
persisted. With several worker processes each counts on its own (the limit is per process).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most ``limit`` events per client key within the last ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        global_limit: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.global_limit = global_limit
        self._clock = clock
        self._salt = secrets.token_bytes(32)  # per process, memory only
        self._events: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def key_for(self, address: str | None) -> str:
        """Opaque, unlinkable key for a client address (truncated HMAC-SHA-256)."""
        digest = hmac.new(self._salt, (address or "").encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def hit(self, key: str) -> float | None:
        """Count one event; ``None`` when allowed, else seconds until the next is allowed."""
        now = self._clock()
        horizon = now - self.window
        with self._lock:
            self._expire(horizon)
            events = self._events.setdefault(key, deque())
            if len(events) >= self.limit:
                return max(1.0, events[0] - horizon)
            if self.global_limit is not None and len(self._all) >= self.global_limit:
                return max(1.0, self._all[0] - horizon)
            events.append(now)
            self._all.append(now)
            return None

    def _expire(self, horizon: float) -> None:
        while self._all and self._all[0] <= horizon:
            self._all.popleft()
        for key in [k for k, q in self._events.items() if not q or q[-1] <= horizon]:
            del self._events[key]  # nothing recent: forget the key altogether
        for events in self._events.values():
            while events and events[0] <= horizon:
                events.popleft()
