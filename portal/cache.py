"""The shared cache: Redis, or this process's memory while Redis does not answer.

Rate limits (allauth) and the browse page's cache call the cache on nearly every request. A
Redis outage must only delay email (README), so every call that cannot reach Redis is answered
by a per-process cache instead and logged once per outage. While Redis is down each process
counts rate limits on its own (a little looser across processes), and after ``RETRY_SECONDS``
the next call tries Redis again. ``redis_ping`` reports the real state for ``/healthz``.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

_METHODS = [
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "decr",
    "set_many",
    "delete_many",
    "clear",
    "get_or_set",
]


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every call (its table of ~170 response
    callbacks, built key by key, cost more than the Redis round trip itself, several times per
    page). redis-py's client is thread-safe over its pool: one per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    RETRY_SECONDS = 30

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._fallback = LocMemCache(f"portal-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 5000}})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _redis_down(self, exc):
        with self._lock:
            first = self._down_until == 0.0
            self._down_until = time.monotonic() + self.RETRY_SECONDS
        if first:
            logger.warning("Redis cache unavailable (%s): using this process's memory cache", type(exc).__name__)

    def _call(self, name, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as exc:
                self._redis_down(exc)
            else:
                if self._down_until:
                    with self._lock:
                        self._down_until = 0.0
                    logger.warning("Redis cache available again")
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def redis_ping(self):
        """True when Redis itself answers, whatever the fallback is doing."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNAVAILABLE:
            return False


def _wrap(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _METHODS:
    setattr(FallbackRedisCache, _name, _wrap(_name))
