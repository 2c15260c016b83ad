"""common/cache.py: Django's Redis cache, one redis-py client per pool instead of one a call."""

import threading

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from common.cache import RedisCache


def test_the_registry_s_cache_is_django_s_redis_cache_keeping_its_client():
    cache = caches["default"]
    assert isinstance(cache, RedisCache) and isinstance(cache, DjangoRedisCache)
    first = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b", write=True) is first
    assert cache._cache.get_client("c") is first  # one server: reads use the writer's pool


def test_every_operation_still_works_and_threads_share_the_client():
    cache = caches["default"]
    cache.set("cache-test-a", {"x": 1}, 30)
    assert cache.get("cache-test-a") == {"x": 1}
    assert cache.add("cache-test-a", 2) is False
    cache.set("cache-test-n", 1)
    assert cache.incr("cache-test-n", 5) == 6
    cache.set_many({"cache-test-b": "б", "cache-test-c": [1, 2]})
    assert cache.get_many(["cache-test-b", "cache-test-c"]) == {
        "cache-test-b": "б",
        "cache-test-c": [1, 2],
    }
    cache.delete_many(["cache-test-a", "cache-test-b", "cache-test-c", "cache-test-n"])
    assert cache.get("cache-test-a") is None

    client = cache._cache.get_client(write=True)
    errors, seen = [], []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"cache-test-thread-{n}", i)
                assert cache.get(f"cache-test-thread-{n}") == i
            seen.append(n)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    # One RedisCache per thread (Django's cache handler), each keeping its own client.
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(seen) == list(range(8))
    shared = RedisCache(cache._servers, {"OPTIONS": {}})._cache
    same = [shared.get_client(write=True) for _ in range(3)]
    assert same[0] is same[1] is same[2] and same[0] is not client
    cache.delete_many([f"cache-test-thread-{n}" for n in range(8)])
