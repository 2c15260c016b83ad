"""CSV written by PostgreSQL (`COPY`, common/api/csv_copy.py) is the Python path's, byte for byte.

Every list endpoint of the router is exported twice — once as the view chooses (COPY for a flat
row plan), once with COPY switched off (the Python cells and csv writer) — by an anonymous
client and by staff who may see drafts, over hostile values: every formula prefix, quotes,
commas, line breaks, Cyrillic and other unicode, empty and null text, null relations, decimals
with cents, datetimes with and without microseconds and with an odd historical offset.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import psycopg
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models
from rest_framework import serializers

from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
    Source,
)
from common.api import csv_copy, rows
from common.api.csv import _safe_scalar, csv_columns
from config.api import router
from funding.api.serializers import FundingLineSerializer
from funding.models import FundingLine
from regions.models import FederalDistrict, Region
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    ProgrammeFactory,
)
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = sorted(prefix for prefix, _, _ in router.registry)
# Lists whose rows hold nested lists (a cluster's colleges, employers...): the Python path.
PYTHON_ONLY = {"clusters"}
HOSTILE = [
    '=HYPERLINK("http://example.org","x")',
    "+7 (999) 000-00-00",
    "-5",
    "@SUM(A1)",
    "\tтабуляция",
    "\rвозврат каретки",
    'кавычки "двойные", и запятая',
    "строка\nс переводом",
    "строка\r\nс CRLF",
    "Ёжик «Ё» 😀 \u2028 ü",
    ",",
    '"',
    " пробел в начале",
    "Колледж;=2+5;хвост",  # Russian Excel splits on `;`: quoted in the comma CSV too
    ";",
    "",
]


def _hostile(index: int) -> str:
    """Every value once, then the same again numbered (some columns are unique)."""
    value = HOSTILE[index % len(HOSTILE)]
    return value if index < len(HOSTILE) else f"{value} №{index}"


@pytest.fixture
def hostile_data(draft_cluster):
    """The seed, a draft with money, and every awkward value in every text column shown."""
    return write_hostile_values()


def write_hostile_values() -> Cluster:
    """Every awkward value in every text column shown (over the seed and a draft); the odd
    cluster (no district, no industry, no website) returned."""
    no_district = RegionFactory(code="99", federal_district=None)
    odd = ClusterFactory(region=no_district, industry=None, website="")
    ClusterCollegeFactory(cluster=odd, college__inn=None)
    ClusterEmployerFactory(cluster=odd, employer__inn=None)
    odd.programmes.set(ProgrammeFactory.create_batch(2))
    sources = list(Source.objects.order_by("pk"))
    for index, amount in enumerate(["0.01", "1234567.89", "0", "100000000.50", "17.10"]):
        FundingLineFactory(
            cluster=odd if index % 2 else None,
            region=no_district,
            fiscal_year=None if index == 0 else 2024,
            amount_rub=Decimal(amount),
            source=sources[index % len(sources)],
        )
    # Hostile text straight into the columns (update() skips the models' validation, as a raw
    # import might): each row gets another value, so every value lands in every column.
    text_columns = {
        FederalDistrict: ["name", "name_en"],
        Region: ["name", "name_en"],
        Industry: ["name", "name_en"],
        Programme: ["name"],
        College: ["full_name", "short_name", "town", "website"],
        Employer: ["name", "website"],
        Cluster: ["name"],
        ClusterEmployer: ["note"],
        Source: ["title", "publisher", "url", "document_ref"],
        FundingLine: ["exact_wording", "note"],
    }
    for model, columns in text_columns.items():
        for index, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(
                **{column: _hostile(index + offset) for offset, column in enumerate(columns)}
            )
    moments = [
        datetime(2024, 3, 5, 6, 7, 8, 123456, tzinfo=UTC),
        datetime(2023, 12, 31, 21, 0, tzinfo=UTC),  # midnight in Moscow, no microseconds
        datetime(1900, 1, 1, 0, 0, 0, 5, tzinfo=UTC),  # Moscow's mean time: +02:30:17
        datetime(2011, 7, 1, 12, 0, tzinfo=UTC),  # Moscow summer time, +04:00
    ]
    for model in (FundingLine, ClusterEmployer, ClusterCollege):
        for index, pk in enumerate(model.objects.order_by("pk").values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(updated_at=moments[index % len(moments)])
    for index, pk in enumerate(Source.objects.order_by("pk").values_list("pk", flat=True)):
        published = [None, date(2023, 1, 9), date(999, 12, 31)][index % 3]
        Source.objects.filter(pk=pk).update(published_on=published)
    return odd


def _export(client, url, params) -> bytes:
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return b"".join(response.streaming_content)


def _orderable(prefix: str, variants: list[dict]) -> list[dict]:
    """The variants whose `ordering` the list takes (its fields, or the key: issue 20 refuses
    any other with a 400, where it used to be dropped quietly)."""
    viewset = next(v for p, v, _ in router.registry if p == prefix)
    fields = {*(getattr(viewset, "ordering_fields", None) or ()), "id", "pk"}
    return [v for v in variants if v.get("ordering", "id").removeprefix("-") in fields]


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
def test_copy_writes_the_python_paths_bytes_for_every_list(
    hostile_data, persona_client, monkeypatch, prefix
):
    url = f"/api/v1/{prefix}/"
    monkeypatch.setattr(csv_copy, "COPY_ID_RANGE", 3)  # several id ranges, some of them empty
    copies = []
    copy_rows = csv_copy.copy_rows
    monkeypatch.setattr(csv_copy, "copy_rows", lambda *a: copies.append(a) or copy_rows(*a))
    for params in _orderable(
        prefix, [{}, {"ordering": "-id"}, {"labels": "ru"}, {"ordering": "-updated_at"}]
    ):
        copies.clear()
        copied = _export(persona_client, url, params)
        assert bool(copies) == (prefix not in PYTHON_ONLY), "COPY where it can be, only there"
        with monkeypatch.context() as patched:
            patched.setattr(csv_copy, "copy_query", lambda *args: None)
            written = _export(persona_client, url, params)
        assert copied == written, params
        assert copied.startswith(b"\xef\xbb\xbf")
        last = written.rstrip(b"\r\n").rsplit(b"\r\n", 1)[-1]
        assert last.startswith(b"#END,") and int(last[5:]) > 0


@pytest.mark.parametrize(
    "params",
    [
        {"fiscal_year": "-3095630"},  # beyond the integer column: Django compiles it to no SQL
        {"fiscal_year": "99999999999", "funding_source": "federal", "ordering": "-id"},
        {"fiscal_year": "2024", "region": "22", "funding_source": "federal"},  # no such line
    ],
)
def test_a_filter_no_line_meets_exports_the_header_and_a_zero_end(
    hostile_data, persona_client, monkeypatch, params
):
    """Found by schemathesis: a year outside the column's range made the COPY path raise
    EmptyResultSet (a 500 mid-stream). Both paths now write the header and `#END,0`."""
    copied = _export(persona_client, "/api/v1/funding-lines/", params)
    with monkeypatch.context() as patched:
        patched.setattr(csv_copy, "copy_query", lambda *args: None)
        written = _export(persona_client, "/api/v1/funding-lines/", params)
    assert copied == written
    lines = copied.rstrip(b"\r\n").split(b"\r\n")
    assert lines[0].startswith(b"\xef\xbb\xbfid,") and lines[-1] == b"#END,0"
    assert len(lines) == 2


def test_the_hostile_values_reach_the_export(hostile_data, api_client, editor_api_client):
    body = _export(editor_api_client, "/api/v1/funding-lines/", {}).decode("utf-8")
    assert "'=HYPERLINK(" in body and "'@SUM(A1)" in body and "'\tтабуляция" in body
    assert '"кавычки ""двойные"", и запятая"' in body
    assert "\"Колледж;'=2+5;хвост" in body and ";=2+5;" not in body  # guarded and quoted
    assert "1234567.89" in body and ",0.01," in body
    assert "+02:30:17" in body and ".123456+03:00" in body and "2024-01-01T00:00:00+03:00" in body
    assert "0999-12-31" in body
    anonymous = _export(api_client, "/api/v1/funding-lines/", {})
    assert b"777000000.00" in body.encode() and b"777000000.00" not in anonymous  # the draft's


def test_a_column_without_an_sql_form_takes_the_python_path(hostile_data):
    class Rounded(FundingLineSerializer):
        amount_rub = serializers.DecimalField(max_digits=20, decimal_places=0, read_only=True)

    queryset = FundingLine.objects.visible_to(AnonymousUser()).order_by("pk")
    columns = csv_columns(Rounded(many=True))
    plan = rows.plan_for(Rounded(many=True), queryset)
    assert csv_copy.copy_query(plan, queryset, plan.cell_specs(columns)) is None
    plan = rows.plan_for(FundingLineSerializer(many=True), queryset)
    assert csv_copy.copy_query(plan, queryset, plan.cell_specs(columns)) is not None


def test_a_client_that_hangs_up_leaves_the_connection_clean(seed, api_client, monkeypatch):
    region = Region.objects.get(code="22")
    source = Source.objects.first()
    FundingLine.objects.bulk_create(
        FundingLine(
            region=region, fiscal_year=2024, funding_source="federal", qualifier="exact",
            amount_rub=Decimal(n), source=source, note="примечание " * 20,
        )
        for n in range(3000)
    )  # fmt: skip
    savepoints = len(connection.savepoint_ids)
    response = api_client.get("/api/v1/funding-lines/", {"format": "csv"})
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"\xef\xbb\xbf") and b"#END" not in first
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.ACTIVE
    # What the WSGI server does when the client is gone; the request's end would then close
    # the test's connection (it is inside the test's transaction): keep it, to look at it.
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    response.close()
    status = connection.connection.info.transaction_status
    assert status == psycopg.pq.TransactionStatus.INTRANS  # the test's own transaction, healthy
    assert len(connection.savepoint_ids) == savepoints
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM funding_fundingline")
        assert cursor.fetchone()[0] >= 3000


KINDS = [
    (serializers.BooleanField(), models.BooleanField(null=True), "boolean", [True, False]),
    (serializers.IntegerField(), models.IntegerField(), "integer", [0, -5, 7, 2**31 - 1]),
    (
        serializers.DecimalField(max_digits=20, decimal_places=2),
        models.DecimalField(max_digits=20, decimal_places=2),
        "numeric(20, 2)",
        [Decimal("-0.50"), Decimal("12.30"), Decimal("0.01"), Decimal("100000000")],
    ),
    (serializers.CharField(), models.TextField(), "text", HOSTILE),
    (serializers.DateField(), models.DateField(), "date", [date(2024, 2, 29), date(5, 1, 1)]),
    (
        serializers.DateTimeField(),
        models.DateTimeField(),
        "timestamptz",
        [
            datetime(2024, 3, 5, 6, 7, 8, 123456, tzinfo=UTC),
            datetime(2023, 12, 31, 21, 0, tzinfo=UTC),
            datetime(1900, 1, 1, 0, 0, 0, 5, tzinfo=UTC),
            datetime(1991, 3, 31, 0, 0, tzinfo=UTC),
        ],
    ),
]


@pytest.mark.parametrize(("drf_field", "model_field", "sql_type", "values"), KINDS)
def test_each_column_kind_is_written_in_sql_as_in_python(drf_field, model_field, sql_type, values):
    """The SQL of each kind against the Python cell (`_safe_scalar(represent(value))`), null
    included: an empty cell either way."""
    spec = rows.CellSpec("v", (), rows._represent(drf_field), drf_field, model_field)
    template = csv_copy.cell_sql(spec, "{value}")
    assert template is not None
    sql = template.format(value=f"(%s)::{sql_type}")
    with connection.cursor() as cursor:
        for value in [*values, None]:
            cursor.execute(f"SELECT {sql}", [value] * sql.count("%s"))
            written = cursor.fetchone()[0]
            expected = "" if value is None else _safe_scalar(spec.represent(value))
            assert (written if written is not None else "") == expected, value


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Moscow",  # LMT and +02:31:19 in its past, +04:00 in 2011–2014, DST until 2011
        "UTC",
        "America/St_Johns",  # −03:30 and −02:30
        "Asia/Kathmandu",  # +05:30 until 1986, then +05:45
        "Africa/Monrovia",  # −00:44:30 until 1972
        "Australia/Lord_Howe",  # a half-hour DST
        "Pacific/Kiritimati",  # −10:40 to +14:00
    ],
)
def test_a_datetime_is_written_in_sql_as_drf_writes_it_in_any_zone(zone):
    """The datetime SQL (a CASE over the zone's usual offsets, the general branch for the
    rest) against DRF's DateTimeField in that zone: instants 1890–2040, 37 days and a few
    hours apart, whole seconds and with microseconds."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    drf_field = serializers.DateTimeField(default_timezone=ZoneInfo(zone))
    spec = rows.CellSpec("v", (), rows._represent(drf_field), drf_field, models.DateTimeField())
    found = csv_copy.value_sql(spec, "{value}")
    assert found is not None and found.kind == "datetime"
    start = datetime(1890, 1, 1, tzinfo=UTC)
    instants = [start + timedelta(days=37 * i, hours=i % 24) for i in range(1490)]
    instants += [
        moment.replace(microsecond=(i * 7919) % 10**6) for i, moment in enumerate(instants)
    ]
    sql = found.sql.format(value="v")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
            [instants],
        )
        written = [row[0] for row in cursor.fetchall()]
    expected = [drf_field.to_representation(moment) for moment in instants]
    assert written == expected
    assert len(set(text[-6:] for text in expected)) > 1 or zone == "UTC"
