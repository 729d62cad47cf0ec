"""A Redis cache that falls back to process memory while Redis is unreachable.

The cache holds nothing that must survive (allauth's rate-limit history, short-lived page
pieces), so losing Redis must never turn a login or a page into a 500. When a Redis call fails
to connect, the call is answered from a per-process memory cache instead, a warning is logged
(once per outage window, not once per call), and Redis is left alone for `RETRY_AFTER` seconds
so a dead server does not add a connect timeout to every request. Rate limits keep working
per process during the outage: they fail open to a weaker limit, never closed to a lockout.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER = 15.0  # seconds to use memory only after a failure, before trying Redis again
WARN_EVERY = 60.0  # one warning a minute per process while the outage lasts


def _unreachable_errors() -> tuple[type[BaseException], ...]:
    import redis.exceptions

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new `redis.Redis` for every cache call, and each one copies the
    library's ~170 response callbacks: a tenth of a kept member page's CPU. A client holds no
    connection of its own (its pool does, thread-safely), so one per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # A dead Redis must cost a request milliseconds, not the OS's connect timeout.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = SharedClientRedisCacheClient
        self._memory = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._last_warning = -WARN_EVERY
        self._lock = threading.Lock()

    # ------------------------------------------------------------ plumbing

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return getattr(self._memory, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except _unreachable_errors() as exc:
            self._mark_down(exc)
            return getattr(self._memory, name)(*args, **kwargs)
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            logger.info("Redis cache reachable again.")
        return result

    def _mark_down(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_AFTER
            warn = now - self._last_warning >= WARN_EVERY
            if warn:
                self._last_warning = now
        if warn:
            logger.warning(
                "Redis cache unreachable (%s: %s); using per-process memory for %.0f s "
                "(rate limits are weaker until Redis is back).",
                type(exc).__name__,
                exc,
                RETRY_AFTER,
            )

    @property
    def is_degraded(self) -> bool:
        return time.monotonic() < self._down_until

    # ------------------------------------------------------------ the cache API

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self._memory.clear()
        return self._call("clear")
