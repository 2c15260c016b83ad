"""The planned list rows (common/api/rows.py) are exactly DRF's, for every list endpoint.

Each endpoint of the router is read three times through the API — its rows written as JSON by
the database (common/api/json_sql.py), by the row plan in Python, and with the plan switched
off (DRF's serializer on model instances) — by an anonymous client and by
staff who may see drafts, over data with the awkward cases: a draft with money, a region with no
district, a cluster with no totals and no members, odd characters, null identifiers, a region-
level funding line with no cluster.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from clusters.api.serializers import ClusterSerializer
from clusters.models import Cluster, Source
from common.api import json_sql
from common.api import rows as rows_module
from common.api import viewsets as viewsets_module
from config.api import router
from funding.services import funding_totals_recompute_all
from regions.models import Region
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    ProgrammeFactory,
    ReportedFigureFactory,
)
from tests.conftest import make_draft_cluster
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import RegionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.long_module]

VALID_INN = "7707083893"
LIST_ENDPOINTS = sorted(prefix for prefix, _, _ in router.registry)


@pytest.fixture(scope="module")
def awkward_module(django_db_setup, django_db_blocker, seed_snapshot):
    """The seed, a draft with money, and the cases a hand-written row path gets wrong: built
    once for the module (every test here reads), in a transaction rolled back at its end;
    each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not seed_snapshot.restore():
            call_command("seed", no_migrate=True, no_press=True)
        make_draft_cluster()
        yield _awkward().pk
        transaction.set_rollback(True)


@pytest.fixture
def awkward_data(db, awkward_module):
    return Cluster.objects.get(pk=awkward_module)


def _awkward() -> Cluster:
    ClusterFactory(region=RegionFactory(code="99", federal_district=None))
    odd = ClusterFactory(website="", launch_year=None)
    ClusterCollegeFactory(cluster=odd, college__inn=VALID_INN, college__short_name="ОК")
    ClusterCollegeFactory(cluster=odd, college__inn=None)
    ClusterEmployerFactory(cluster=odd, note="через «кавычки» и \u2028", employer__inn=None)
    ReportedFigureFactory(cluster=odd, as_of=None, value="0.5")
    ReportedFigureFactory(cluster=odd, kind="students", value=12)
    odd.programmes.set(ProgrammeFactory.create_batch(3))
    FundingLineFactory(
        cluster=None,
        region=Region.objects.get(code="22"),
        fiscal_year=None,
        amount_rub=Decimal("0.01"),
        source=Source.objects.first(),
    )
    funding_totals_recompute_all()
    return odd


def _get(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
def test_every_list_endpoint_has_a_row_plan(prefix):
    viewset = dict((p, v) for p, v, _ in router.registry)[prefix]
    view = viewset(action="list", request=None, format_kwarg=None, kwargs={})
    view.request = type("R", (), {"user": None, "query_params": {}})()
    queryset = view.get_queryset()
    serializer = view.get_serializer_class()(many=True, context={})
    assert rows_module.plan_for(serializer, queryset) is not None, prefix


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
@pytest.mark.parametrize("params", [{}, {"ordering": "-pk"}])
def test_planned_rows_equal_the_serializers_for_each_persona(
    awkward_data, persona_client, monkeypatch, prefix, params
):
    url = f"/api/v1/{prefix}/"
    query = {"page_size": 500, **params}
    written = []
    json_rows = viewsets_module.json_rows
    monkeypatch.setattr(viewsets_module, "json_rows", lambda *a: written.append(a) or json_rows(*a))
    fast = _get(persona_client, url, query)
    assert written, "the database writes the rows of every list endpoint (json_sql.py)"
    fast_csv = b"".join(_get(persona_client, url, {**query, "format": "csv"}).streaming_content)
    with monkeypatch.context() as patched:
        patched.setattr(viewsets_module, "json_rows", lambda *args: None)
        planned = _get(persona_client, url, query)  # the row plan written in Python
    assert fast.content == planned.content
    with monkeypatch.context() as patched:
        patched.setattr(viewsets_module, "plan_for", lambda *args: None)
        patched.setattr(rows_module, "plan_for", lambda *args: None)
        slow = _get(persona_client, url, query)
        slow_csv = b"".join(_get(persona_client, url, {**query, "format": "csv"}).streaming_content)
    assert fast.json()["count"] > 0
    assert fast.json() == slow.json()
    assert fast.content == slow.content  # byte for byte, so the ETag is the same too
    assert fast["ETag"] == slow["ETag"]
    assert fast_csv == slow_csv


def test_drafts_are_hidden_from_anonymous_and_shown_to_staff(
    awkward_data, api_client, editor_api_client
):
    def slugs(client):
        rows = _get(client, "/api/v1/clusters/", {"page_size": 500}).json()["results"]
        return {row["slug"] for row in rows}

    assert "irk-draft" not in slugs(api_client)
    assert "irk-draft" in slugs(editor_api_client)
    lines = _get(api_client, "/api/v1/funding-lines/", {"page_size": 500}).json()["results"]
    assert Decimal("777000000") not in {Decimal(line["amount_rub"]) for line in lines}


def test_a_plan_is_the_serializer_for_every_cluster_one_by_one(awkward_data):
    """Against the serializer on single instances, not only on a prefetched list."""
    queryset = Cluster.objects.with_related().select_related("funding_total").order_by("pk")
    expected = [ClusterSerializer(cluster).data for cluster in queryset]
    plan = rows_module.plan_for(ClusterSerializer(many=True), queryset)
    assert plan is not None
    assert plan.rows(list(plan.values_queryset(queryset))) == expected


def test_an_unplannable_field_falls_back_to_drf_instead_of_failing():
    from rest_framework import serializers

    class WithMethod(ClusterSerializer):
        shout = serializers.SerializerMethodField()

        class Meta(ClusterSerializer.Meta):
            fields = [*ClusterSerializer.Meta.fields, "shout"]

        def get_shout(self, obj):
            return obj.name.upper()

    queryset = Cluster.objects.with_related()
    assert rows_module.plan_for(WithMethod(many=True), queryset) is None


def test_rows_the_database_writes_are_the_serializers_one_by_one(awkward_data):
    """The JSON rows of json_sql.py against the serializer on single instances: every cluster,
    drafts included, with and without members, totals and a district."""
    queryset = Cluster.objects.with_related().select_related("funding_total").order_by("pk")
    expected = [ClusterSerializer(cluster).data for cluster in queryset]
    plan = rows_module.plan_for(ClusterSerializer(many=True), queryset)
    texts = json_sql.json_rows(plan, queryset)
    assert texts is not None
    assert json_sql.load(plan, texts) == expected
    assert any(row["funding_total"] is None for row in expected)  # the finalized rows
    assert any(row["federal_district"] is None for row in expected)
    assert any(row["base_college"] is None for row in expected)


def test_a_field_without_an_sql_form_keeps_the_python_plan(awkward_data):
    """A field class with its own to_representation and no `sql_value` is planned, not
    written by the database: the row plan in Python writes it, still the serializer's."""
    from rest_framework import serializers

    class Shouting(serializers.CharField):
        def to_representation(self, value):
            return str(value).upper()

    class WithShout(ClusterSerializer):
        shout = Shouting(source="name", read_only=True)

        class Meta(ClusterSerializer.Meta):
            fields = [*ClusterSerializer.Meta.fields, "shout"]

    queryset = Cluster.objects.with_related().select_related("funding_total").order_by("pk")
    plan = rows_module.plan_for(WithShout(many=True), queryset)
    assert plan is not None
    assert json_sql.json_rows(plan, queryset) is None
    rows = plan.rows(list(plan.values_queryset(queryset)))
    assert rows == [WithShout(cluster).data for cluster in queryset]
    assert rows[0]["shout"] == rows[0]["name"].upper()


def test_a_row_of_more_fields_than_one_sql_call_takes_keeps_the_python_plan(awkward_data):
    """json_build_object takes at most 100 arguments: a row of 51 fields is not sent to the
    database (it would fail there), the Python plan writes it."""
    from rest_framework import serializers

    fields = {f"name_{i}": serializers.CharField(source="name", read_only=True) for i in range(51)}
    Wide = type("Wide", (serializers.Serializer,), fields)
    queryset = Cluster.objects.order_by("pk")
    plan = rows_module.plan_for(Wide(many=True), queryset)
    assert plan is not None
    assert json_sql.json_rows(plan, queryset) is None
    assert plan.rows(list(plan.values_queryset(queryset)))[0]["name_50"] == queryset[0].name


def _pages(client, url, params):
    """Every page of a list, walking `next`, as one list of rows."""
    rows, page = [], 1
    while True:
        body = _get(client, url, {**params, "page": page}).json()
        rows.extend(body["results"])
        if not body["next"]:
            return rows, body["count"]
        page += 1


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
@pytest.mark.parametrize("ordering", [None, "-pk"])
def test_pages_the_database_writes_keep_the_order_and_slices_of_drf(
    awkward_data, persona_client, monkeypatch, prefix, ordering
):
    """Small pages: each is the ids of the view's queryset (filters, gate, order, slice)
    joined to the plan's rows statement — the same rows, in the same order, on the same page
    as DRF's serializer gives them."""
    url = f"/api/v1/{prefix}/"
    params = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
    fast, fast_count = _pages(persona_client, url, params)
    with monkeypatch.context() as patched:
        patched.setattr(viewsets_module, "plan_for", lambda *args: None)
        slow, slow_count = _pages(persona_client, url, params)
    assert fast_count == slow_count == len(fast)
    assert fast == slow


def test_the_rows_statement_is_compiled_once_per_plan(awkward_data, api_client, monkeypatch):
    """Resolving and compiling the row's JSON expression was most of a list request's Python
    time: it is done on the first request for a plan, later pages only compile their ids."""
    compiled = []
    rows_statement = json_sql.rows_statement

    def counting(plan, model, using):
        before = len(plan.derived)
        found = rows_statement(plan, model, using)
        compiled.append(len(plan.derived) > before)
        return found

    monkeypatch.setattr(json_sql, "rows_statement", counting)
    first = _get(api_client, "/api/v1/clusters/", {"page_size": 2}).json()
    for page in (2, 3, 1):
        body = _get(api_client, "/api/v1/clusters/", {"page_size": 2, "page": page}).json()
    assert body == first
    assert len(compiled) == 4 and not any(compiled[1:])


def test_a_filter_no_row_can_meet_is_an_empty_page_not_an_error(awkward_data, persona_client):
    """A year beyond the column's range compiles to no SQL at all (EmptyResultSet)."""
    for prefix in ("clusters", "funding-lines"):
        body = _get(persona_client, f"/api/v1/{prefix}/", {"fiscal_year": -(10**12)}).json()
        assert (body["count"], body["results"]) == (0, [])


def test_a_distinct_queryset_keeps_the_python_plan(awkward_data):
    """With DISTINCT the ids' statement would carry the ordering's columns: not written by
    the database, the Python plan writes it."""
    queryset = Cluster.objects.with_related().select_related("funding_total").distinct()
    plan = rows_module.plan_for(ClusterSerializer(many=True), queryset)
    assert plan is not None
    assert json_sql.json_rows(plan, queryset) is None
    plain = Cluster.objects.with_related().select_related("funding_total")
    assert json_sql.json_rows(plan, plain) is not None


def test_a_plan_is_found_by_its_prefetches_queries_without_running_any(
    awkward_data, django_assert_num_queries
):
    """The plan's key holds each prefetch's query exactly (its pickle): the same prefetches
    built again find the same plan, another order or filter another plan, and finding it
    runs no query (pickling a query never evaluates a queryset inside it)."""
    from django.db.models import Prefetch

    from clusters.models import ClusterCollege

    serializer = ClusterSerializer(many=True)

    def queryset(**college_filter):
        memberships = ClusterCollege.objects.filter(**college_filter).order_by("pk")
        return Cluster.objects.with_related().prefetch_related(
            Prefetch("cluster_colleges", queryset=memberships)
        )

    with django_assert_num_queries(0):
        first = rows_module.plan_for(serializer, Cluster.objects.with_related())
        again = rows_module.plan_for(serializer, Cluster.objects.with_related())
        filtered = rows_module.plan_for(serializer, queryset(role="base"))
        other = rows_module.plan_for(serializer, queryset(role="network"))
    assert first is again
    assert len({id(first), id(filtered), id(other)}) == 3
