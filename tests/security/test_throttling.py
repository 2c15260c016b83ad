"""Throttles count in the shared cache, keyed on the real client, by kind of user (issue 10)."""

import threading
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

RATES = {
    "anon": "3/minute",
    "user": "4/minute",
    "analyst": "6/minute",
    "staff": "8/minute",
    "pages": "5/minute",
    "search": "2/minute",
}


@pytest.fixture(autouse=True)
def low_rates():
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    ):
        yield


def _fresh_ip() -> str:
    """An address no other test of this run counted (the counters outlive a test)."""
    raw = uuid.uuid4().bytes
    return f"10.{raw[0]}.{raw[1]}.{raw[2]}"


def _statuses(client, path, n, **extra):
    return [client.get(path, **extra).status_code for _ in range(n)]


def test_counters_live_in_the_shared_redis_cache(api_client, seed):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    ip = _fresh_ip()
    api_client.get("/api/v1/industries/", REMOTE_ADDR=ip)
    assert cache.get(f"throttle_anon_ip-{ip}") == 1  # one INCR (issue 20)


def test_anonymous_limit_ignores_a_forged_forwarded_for(api_client, seed):
    ip = _fresh_ip()
    statuses = [
        api_client.get(
            "/api/v1/industries/", REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=_fresh_ip()
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_throttled_response_is_json_with_retry_after(api_client, seed):
    ip = _fresh_ip()
    _statuses(api_client, "/api/v1/industries/", 3, REMOTE_ADDR=ip)
    response = api_client.get("/api/v1/industries/", REMOTE_ADDR=ip)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(api_client, seed):
    proxy, client_ip, other = _fresh_ip(), _fresh_ip(), _fresh_ip()
    statuses = [
        api_client.get(
            "/api/v1/industries/",
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"{_fresh_ip()}, {client_ip}",  # forged left part varies
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Another client behind the same proxy has its own count.
    response = api_client.get("/api/v1/industries/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=other)
    assert response.status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_request_that_skipped_the_proxies_is_counted_by_its_own_address(api_client, seed):
    ip = _fresh_ip()
    statuses = [
        api_client.get(
            "/api/v1/industries/", REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=_fresh_ip()
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_token_users_are_throttled_per_user_whatever_their_address(django_user_model, seed):
    user = django_user_model.objects.create_user(f"u-{uuid.uuid4().hex[:8]}", password="pw")
    client = _token_client(user)
    statuses = [
        client.get("/api/v1/industries/", REMOTE_ADDR=_fresh_ip()).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_analysts_have_a_higher_rate(django_user_model, seed):
    user = django_user_model.objects.create_user(f"a-{uuid.uuid4().hex[:8]}", password="pw")
    user.groups.add(Group.objects.get_or_create(name="Аналитик")[0])
    statuses = _statuses(_token_client(user), "/api/v1/industries/", 7)
    assert statuses == [200] * 6 + [429]


def test_staff_have_their_own_rate(django_user_model, seed):
    user = django_user_model.objects.create_user(
        f"s-{uuid.uuid4().hex[:8]}", password="pw", is_staff=True
    )
    statuses = _statuses(_token_client(user), "/api/v1/industries/", 9)
    assert statuses == [200] * 8 + [429]


def test_catalogue_search_has_its_own_stricter_limit(client, seed):
    ip = _fresh_ip()
    statuses = _statuses(client, "/clusters/?q=%D0%BC%D0%B0%D1%88", 3, REMOTE_ADDR=ip)
    assert statuses == [200, 200, 429]
    response = client.get("/clusters/?q=x", REMOTE_ADDR=ip)
    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Other pages count separately (and more generously).
    assert client.get("/regions/", REMOTE_ADDR=ip).status_code == 200


def test_public_pages_are_limited_per_address(client, seed):
    ip = _fresh_ip()
    statuses = _statuses(client, "/clusters/", 6, REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert statuses == [200] * 5 + [429]


def test_staff_in_the_admin_are_not_limited_on_public_pages(client, superuser, seed):
    client.force_login(superuser)
    assert set(_statuses(client, "/clusters/?q=x", 4, REMOTE_ADDR=_fresh_ip())) == {200}


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_a_dead_cache_lets_requests_through(api_client, client, seed):
    assert api_client.get("/api/v1/industries/").status_code == 200
    assert client.get("/clusters/?q=x").status_code == 200


# Issue 20: the counter counts and expires in one Redis round trip, so concurrent requests of
# one client never pass more than the limit; the open-data files are limited too.
WORKERS = 16


def _concurrently(call, attempts_each: int) -> list:
    """`call()` from WORKERS threads released at once, `attempts_each` times in each."""
    barrier = threading.Barrier(WORKERS)
    results, lock = [], threading.Lock()

    def worker():
        barrier.wait()
        for _ in range(attempts_each):
            outcome = call()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "20/minute"}}
)
def test_sixteen_concurrent_clients_never_pass_more_than_the_api_limit(rf):
    from django.contrib.auth.models import AnonymousUser

    from common.api.throttling import RegistryAPIThrottle

    request = rf.get("/api/v1/industries/", REMOTE_ADDR=_fresh_ip())
    request.user = AnonymousUser()
    results = _concurrently(lambda: RegistryAPIThrottle().allow_request(request, None), 5)
    assert len(results) == 80
    assert sum(results) <= 20 + WORKERS  # the bound; counted atomically it is exact:
    assert sum(results) == 20


@override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"pages": "10/minute"}}
)
def test_open_data_files_are_limited_even_under_sixteen_concurrent_clients(seed, tmp_path):
    from django.test import Client

    from opendata.services import opendata_publish

    with override_settings(MEDIA_ROOT=str(tmp_path)):
        opendata_publish()
        ip = _fresh_ip()
        statuses = _concurrently(
            lambda: Client().get("/open-data/files/list.csv", REMOTE_ADDR=ip).status_code, 3
        )
    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == 10


def test_a_window_counts_from_the_first_request_and_says_when_it_ends():
    from common.api.throttling import count_request

    key = f"throttle_probe_{uuid.uuid4().hex}"
    assert count_request(key, 60)[0] == 1
    count, remaining = count_request(key, 60)
    assert count == 2 and 58 < remaining <= 60


def test_the_extract_door_counts_against_the_staff_limit(django_user_model, seed):
    """POST /api/v1/extract/ (the costly one) is throttled like every API door: the count runs
    before the method is looked at, so even refused methods count."""
    user = django_user_model.objects.create_user(
        f"x-{uuid.uuid4().hex[:8]}", password="pw", is_staff=True
    )
    statuses = _statuses(_token_client(user), "/api/v1/extract/", 9)
    assert statuses == [405] * 8 + [429]
