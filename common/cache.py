"""Django's Redis cache backend, keeping its redis-py client.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call, and
each one copies redis-py's table of ~170 response callbacks: two per API request (the rate
limit's read and write), about a twentieth of an uncached list's Python time. A `Redis`
client holds no connection of its own — each command borrows one from the pool — and is safe
to share between threads, so one per pool does for every call.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # kept in self._pools: its id is never reused
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
