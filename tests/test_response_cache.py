"""The response cache (common/response_cache.py): a cached answer is the plain answer, any
committed write is seen by the very next request, a write to other tables keeps an entry, and
audiences never share an entry.

These tests commit (`transactional_db`): inside a test transaction nothing is cached at all,
which `test_nothing_is_cached_inside_a_transaction` pins.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from clusters.models import Cluster
from clusters.services import cluster_update
from tests.clusters.factories import ClusterCollegeFactory, ClusterFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.long_module  # scheduled first (tests/conftest.py)

# Every kind of GET the cache serves: API lists and details of several models, the stats
# endpoint, and the public pages (anonymous).
URLS = [
    "/api/v1/clusters/",
    "/api/v1/clusters/?status=operating&ordering=name",
    "/api/v1/clusters/published-one/",
    "/api/v1/colleges/",
    "/api/v1/cluster-colleges/",
    "/api/v1/funding-lines/",
    "/api/v1/regions/",
    "/api/v1/stats/?group_by=region",
    "/clusters/",
    "/clusters/published-one/",
    "/regions/",
    "/",
]


@pytest.fixture
def world(transactional_db):
    region = RegionFactory()
    published = ClusterCollegeFactory(
        cluster__slug="published-one", cluster__name="Открытый кластер", cluster__region=region
    ).cluster
    draft = ClusterFactory(
        slug="draft-one", name="Черновой кластер", region=region, is_published=False
    )
    return {"published": published, "draft": draft}


@pytest.fixture
def federal_editor(transactional_db, django_user_model):
    user = django_user_model.objects.create_user("fed", "f@example.org", "pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["clusters", "funding", "regions"])
    )
    user.user_permissions.add(Permission.objects.get(codename="edit_all_regions"))
    return django_user_model.objects.get(pk=user.pk)


def _get(client, url):
    return client.get(url, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "*/*")


@pytest.mark.parametrize("url", URLS)
def test_a_repeated_request_is_answered_from_the_cache_with_the_same_bytes(
    world, client, settings, django_assert_num_queries, url
):
    first = _get(client, url)
    assert first.status_code == 200
    # The hit reads the table versions (one query) and nothing else: no filtering, counting, rendering.
    with django_assert_num_queries(1):
        second = _get(client, url)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second.get("ETag") == first.get("ETag")
    settings.RESPONSE_CACHE_SECONDS = 0  # the plain path
    plain = _get(client, url)
    # Stats summed from the lines at request time say when: the cached copy keeps its moment.
    assert _untimed(plain.content) == _untimed(first.content)


def _untimed(content: bytes) -> bytes:
    return re.sub(rb'"computed_at":"[^"]*"', b'"computed_at":null', content)


def _rename_by_service(cluster, name, user):
    cluster_update(actor=user, cluster=cluster, name=name)


def _rename_by_queryset(cluster, name, user):
    Cluster.objects.filter(pk=cluster.pk).update(name=name)


def _rename_by_raw_sql(cluster, name, user):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clusters_cluster SET name = %s WHERE id = %s", [name, cluster.pk])


@pytest.mark.parametrize("rename", [_rename_by_service, _rename_by_queryset, _rename_by_raw_sql])
@pytest.mark.parametrize("url", ["/api/v1/clusters/", "/clusters/published-one/", "/clusters/"])
def test_every_committed_write_is_seen_by_the_next_request(
    world, client, federal_editor, rename, url
):
    assert "Открытый кластер" in _get(client, url).content.decode()
    _get(client, url)  # now certainly cached
    rename(world["published"], "Переименованный кластер", federal_editor)
    body = _get(client, url).content.decode()
    assert "Переименованный кластер" in body
    assert "Открытый кластер" not in body


@pytest.mark.parametrize("staff_first", [True, False])
def test_a_draft_seen_by_staff_is_never_served_to_the_public(world, federal_editor, staff_first):
    staff = APIClient()
    staff.force_authenticate(federal_editor)
    public = APIClient()
    url = "/api/v1/clusters/?ordering=name"
    order = [(staff, True), (public, False)]
    for client, sees_draft in (order if staff_first else order[::-1]) * 2:
        body = client.get(url, HTTP_ACCEPT="application/json").content.decode()
        assert ("draft-one" in body) is sees_draft
        assert "published-one" in body


def test_a_logged_in_visitor_gets_pages_rendered_for_them(world, client, federal_editor):
    client.get("/clusters/")
    client.get("/clusters/")  # cached for anonymous visitors
    client.force_login(federal_editor)
    page = client.get("/clusters/").content.decode()
    assert "Черновой кластер" in page  # the editor's own view, not the cached public one


def test_a_cached_answer_still_gives_304_for_its_etag(world):
    client = APIClient()
    first = client.get("/api/v1/clusters/", HTTP_ACCEPT="application/json")
    client.get("/api/v1/clusters/", HTTP_ACCEPT="application/json")
    again = client.get(
        "/api/v1/clusters/", HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", ["/api/v1/clusters/?format=api", "/api/v1/clusters/?format=csv"])
def test_the_browsable_api_and_exports_are_not_cached(world, client, url):
    def body(response):
        return b"".join(response.streaming_content) if response.streaming else response.content

    body(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        assert b"published-one" in body(client.get(url))
    assert len(queries) > 1  # read and rendered again


@pytest.mark.django_db
def test_nothing_is_cached_inside_a_transaction(client, django_assert_num_queries):
    ClusterFactory(slug="in-transaction")
    client.get("/api/v1/clusters/", HTTP_ACCEPT="application/json")
    # A test transaction is open, so the second request runs its queries again.
    from common import response_cache

    assert response_cache.data_versions("default") is None
    response = client.get("/api/v1/clusters/", HTTP_ACCEPT="application/json")
    assert b"in-transaction" in response.content


def test_a_cache_outage_costs_a_miss_not_an_error(world, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for url in ("/api/v1/clusters/", "/clusters/"):
        assert _get(client, url).status_code == 200
        assert b"published-one" in _get(client, url).content


def test_a_body_over_the_size_bound_is_served_but_not_kept(world, client, settings):
    settings.RESPONSE_CACHE_MAX_BYTES = 100  # every list here is larger
    url = "/api/v1/clusters/"
    first = _get(client, url)
    with CaptureQueriesContext(connection) as queries:
        second = _get(client, url)
    assert second.content == first.content
    assert len(queries) > 1  # read again: nothing was kept


@pytest.fixture
def lines(world):
    """Seven lines of 2023: five of the published cluster, two of the draft."""
    from tests.funding.factories import FundingLineFactory

    for _ in range(5):
        FundingLineFactory(cluster=world["published"], fiscal_year=2023)
    for _ in range(2):
        FundingLineFactory(cluster=world["draft"], fiscal_year=2023)
    return world


def _count_queries(queries) -> int:
    return sum('COUNT(*) AS "__count"' in query["sql"] for query in queries)


def _page(client, page, **extra):
    response = client.get(
        "/api/v1/funding-lines/",
        {"fiscal_year": 2023, "page_size": 2, "page": page},
        HTTP_ACCEPT="application/json",
        **extra,
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_the_pages_of_one_list_count_its_rows_once(lines):
    """Page 1 counts; pages 2 and 3 of the same filter, same data, take the count from the
    cache — and it is the right one."""
    client = APIClient()
    with CaptureQueriesContext(connection) as first:
        assert _page(client, 1)["count"] == 5
    with CaptureQueriesContext(connection) as later:
        assert _page(client, 2)["count"] == 5
        assert len(_page(client, 3)["results"]) == 1
    assert _count_queries(first.captured_queries) == 1
    assert _count_queries(later.captured_queries) == 0


def test_a_committed_write_is_counted_by_the_next_page(lines):
    from tests.funding.factories import FundingLineFactory

    client = APIClient()
    assert _page(client, 1)["count"] == 5
    FundingLineFactory(cluster=lines["published"], fiscal_year=2023)
    with CaptureQueriesContext(connection) as after:
        assert _page(client, 2)["count"] == 6
    assert _count_queries(after.captured_queries) == 1


def test_a_count_is_never_shared_by_audiences_that_see_different_rows(lines, federal_editor):
    """The key is the counted statement: the gate's conditions are in it."""
    public, staff = APIClient(), APIClient()
    staff.force_authenticate(federal_editor)
    assert _page(public, 1)["count"] == 5
    assert _page(staff, 2)["count"] == 7
    assert _page(public, 2)["count"] == 5


def test_a_cache_outage_costs_a_count_not_an_error(lines, monkeypatch):
    from common import response_cache

    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("down")

        set = get

    monkeypatch.setattr(response_cache, "cache", Down())
    with CaptureQueriesContext(connection) as queries:
        assert _page(APIClient(), 2)["count"] == 5
    assert _count_queries(queries.captured_queries) == 1


# --- versions per table: a write is seen by what read its table, and only by that -----------


def _line_amount_by_service(line, amount, user):
    from funding.services.lines import funding_line_update

    funding_line_update(actor=user, line=line, amount_rub=amount)


def _line_amount_by_queryset(line, amount, user):
    from funding.models import FundingLine

    FundingLine.objects.filter(pk=line.pk).update(amount_rub=amount)


def _line_amount_by_raw_sql(line, amount, user):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE funding_fundingline SET amount_rub = %s WHERE id = %s", [amount, line.pk]
        )


def _line_deleted_by_raw_sql(line, amount, user):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM funding_fundingline WHERE id = %s", [line.pk])


@pytest.fixture
def one_line(world):
    from tests.funding.factories import FundingLineFactory

    return FundingLineFactory(cluster=world["published"], fiscal_year=2023, amount_rub=1111111)


@pytest.mark.parametrize(
    "write",
    [
        _line_amount_by_service,
        _line_amount_by_queryset,
        _line_amount_by_raw_sql,
        _line_deleted_by_raw_sql,
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/funding-lines/", "/clusters/published-one/"])
def test_a_funding_line_write_of_any_kind_is_seen_by_what_reads_the_lines(
    one_line, client, federal_editor, write, url
):
    assert "1111111" in _get(client, url).content.decode().replace("\xa0", "").replace(" ", "")
    _get(client, url)  # now certainly cached
    write(one_line, 2222222, federal_editor)
    body = _get(client, url).content.decode().replace("\xa0", "").replace(" ", "")
    assert "1111111" not in body


def test_the_recompute_of_totals_is_seen_by_the_lists_that_show_them(
    one_line, federal_editor, django_capture_on_commit_callbacks
):
    from funding.services.lines import funding_line_update

    client = APIClient()
    url = "/api/v1/clusters/published-one/"
    before = client.get(url, HTTP_ACCEPT="application/json").json()
    client.get(url, HTTP_ACCEPT="application/json")  # cached
    with django_capture_on_commit_callbacks(execute=True):
        funding_line_update(actor=federal_editor, line=one_line, amount_rub=2222222)
    after = client.get(url, HTTP_ACCEPT="application/json").json()
    from django.test import override_settings

    with override_settings(RESPONSE_CACHE_SECONDS=0):
        plain = client.get(url, HTTP_ACCEPT="application/json").json()
    assert after == plain, (before, after, plain)
    assert after["funding_total"] != before["funding_total"]
    assert "2222222" in str(after["funding_total"])


@pytest.mark.parametrize("write", [_line_amount_by_service, _line_amount_by_raw_sql])
@pytest.mark.parametrize("url", ["/api/v1/regions/", "/api/v1/colleges/", "/regions/"])
def test_a_funding_line_write_leaves_responses_that_read_no_funding_table_cached(
    one_line, client, federal_editor, django_assert_num_queries, write, url
):
    first = _get(client, url)
    write(one_line, 2222222, federal_editor)
    with django_assert_num_queries(1):  # the versions; the rest is the cached entry
        again = _get(client, url)
    assert again.content == first.content


def test_a_response_that_read_a_table_without_a_version_is_not_kept(world, client, monkeypatch):
    from common import data_versions, response_cache

    real = data_versions.read

    def unversioned(alias):
        versions = real(alias)
        if versions is not None:
            versions.pop("clusters_cluster")
        return versions

    monkeypatch.setattr(response_cache, "data_versions", unversioned)
    url = "/api/v1/clusters/"
    _get(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert b"published-one" in _get(client, url).content
    assert len(queries) > 1  # rendered again: nothing was kept


def test_every_table_has_a_version_and_a_statement_that_changes_no_row_keeps_it(world):
    from common import data_versions

    versions = data_versions.read("default")
    tables = set(connection.introspection.table_names()) - data_versions.UNVERSIONED
    assert tables <= set(versions)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clusters_cluster SET name = name WHERE id = -1")
    assert data_versions.read("default")["clusters_cluster"] == versions["clusters_cluster"]
    Cluster.objects.filter(pk=world["published"].pk).update(name="Новое имя")
    after = data_versions.read("default")
    assert after["clusters_cluster"] > versions["clusters_cluster"]
    assert after["funding_fundingline"] == versions["funding_fundingline"]


def test_compaction_keeps_every_version(world):
    from common import data_versions

    before = data_versions.read("default")
    assert any(before.values())
    data_versions.compact("default")
    assert data_versions.read("default") == before
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {data_versions.CHANGE_TABLE}")
        assert cursor.fetchone()[0] == 0


def _regional_editor(username: str, region):
    from accounts.services import staff_user_create

    user, _ = staff_user_create(
        username=username, role="regional-editor", region_codes=[region.code]
    )
    return user


def _count(client, **params) -> int:
    response = client.get("/api/v1/funding-lines/", params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_a_cached_count_keeps_the_filters_parameters(lines):
    """The key holds the statement's parameters, not only its text: `?fiscal_year=2024`
    after `?fiscal_year=2023` is the same SQL with another value, and counts its own rows
    (issue 20: a key without them answered 5 — or 7 — for the one line of 2024)."""
    from tests.funding.factories import FundingLineFactory

    FundingLineFactory(cluster=lines["published"], fiscal_year=2024)
    editor = APIClient()
    editor.force_authenticate(_regional_editor("regional", lines["published"].region))
    assert _count(editor, fiscal_year=2023, page_size=2) == 7  # the draft is their region's
    assert _count(editor, fiscal_year=2024, page_size=2) == 1
    public = APIClient()
    assert _count(public, fiscal_year=2023, page_size=2) == 5
    assert _count(public, fiscal_year=2024, page_size=2) == 1


def test_a_cached_count_keeps_the_audience_of_regional_editors(lines):
    """Two regional editors run the very same SQL text with their own regions as its
    parameters: each gets the count of what the gate shows them."""
    own = APIClient()
    own.force_authenticate(_regional_editor("own", lines["published"].region))
    other = APIClient()
    other.force_authenticate(_regional_editor("other", RegionFactory()))
    assert _count(own, fiscal_year=2023, page_size=2) == 7
    assert _count(other, fiscal_year=2023, page_size=2) == 5
    assert _count(own, fiscal_year=2023, page_size=2, page=2) == 7


SQLITE_SCRIPT = """
import django
django.setup()
from django.db import connection
from django.test import Client
from clusters.models import Cluster
client = Client()
def get(url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, response.status_code)
    return response
cluster = Cluster.objects.visible_to(None).order_by("pk").first()
get("/api/v1/regions/")
assert get("/api/v1/regions/").get("X-Cache") == "hit"
get("/api/v1/clusters/")
assert get("/api/v1/clusters/").get("X-Cache") == "hit"
with connection.cursor() as cursor:
    cursor.execute("UPDATE clusters_cluster SET name = 'Переименован на SQLite' WHERE id = %s",
                   [cluster.pk])
    cursor.execute("UPDATE funding_fundingline SET amount_rub = amount_rub + 1")
fresh = get("/api/v1/clusters/")
assert fresh.get("X-Cache") is None and "Переименован на SQLite" in fresh.content.decode()
assert get("/api/v1/regions/").get("X-Cache") == "hit"  # read no table that changed
print("ok")
"""


def test_the_embedded_sqlite_default_versions_its_tables_too(seeded_sqlite_url):
    """SQLite: row triggers keep the versions, so raw SQL is seen and the rest stays cached."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "DATABASE_URL": seeded_sqlite_url,  # migrated and seeded
        "CELERY_BROKER_URL": "",
        "CACHE_URL": os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    out = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")
