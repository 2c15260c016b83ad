"""The clusters API: filters on the seed data, nested rows, visibility, query counts, writes."""

from csv import DictReader
from io import BytesIO, StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.choices import CollegeRole
from clusters.models import Cluster, ClusterCollege, College
from regions.models import Region
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    IndustryFactory,
    ProgrammeFactory,
    ReportedFigureFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/clusters/"
# A checksum-valid ИНН of an organisation (10 digits).
VALID_INN = "7707083893"


def slugs(client, params: dict) -> set[str]:
    response = client.get(LIST, {**params, "page_size": 500})
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "38"}, {"irk-energy", "irk-metallurgy"}),
        (
            {"industry": "mechanical-engineering"},
            {
                "ore-mechanical-engineering",
                "mos-mechanical-engineering",
                "smo-mechanical-engineering",
                "alt-mechanical-engineering",
            },
        ),
        ({"federal_district": "CEN"}, {"mos-mechanical-engineering", "smo-mechanical-engineering"}),
        ({"kind": "education_cluster"}, {"mos-mechanical-engineering"}),
        (
            {"status": "selected"},
            {"irk-energy", "irk-metallurgy", "alt-mechanical-engineering", "alt-transport"},
        ),
        ({"selection_year": "2022"}, {"irk-energy", "irk-metallurgy", "alt-light-industry"}),
        ({"launch_year": "2023"}, {"irk-energy", "irk-metallurgy"}),
        ({"fiscal_year": "2023"}, {"irk-energy", "irk-metallurgy"}),
        ({"funding_source": "employer"}, {"alt-light-industry", "smo-mechanical-engineering"}),
        ({"has_employers": "true"}, {"alt-light-industry"}),
        ({"q": "Смоленская академия"}, {"smo-mechanical-engineering"}),
        ({"q": "Энергетика"}, {"irk-energy"}),
        ({"region": "22", "industry": "transport"}, {"alt-transport"}),
        ({"is_published": "true", "region": "67"}, {"smo-mechanical-engineering"}),
    ],
)
def test_cluster_list_filters_narrow_the_seed_data(seed, api_client, params, expected):
    assert slugs(api_client, params) == expected


def test_cluster_college_employer_and_programme_filters(seed, api_client):
    base = ClusterCollege.objects.get(cluster__slug="irk-energy", role=CollegeRole.BASE)
    assert slugs(api_client, {"college": base.college_id}) == {"irk-energy"}
    partner = Cluster.objects.get(slug="alt-light-industry").cluster_employers.get()
    assert slugs(api_client, {"employer": partner.employer_id}) == {"alt-light-industry"}
    cluster = Cluster.objects.get(slug="alt-transport")
    cluster.programmes.add(ProgrammeFactory(code="23.02.06"))
    assert slugs(api_client, {"programme": "23.02.06"}) == {"alt-transport"}
    assert len(slugs(api_client, {"has_employers": "false"})) == 7


def test_unknown_filter_value_is_a_400_naming_the_filter(seed, api_client):
    response = api_client.get(LIST, {"region": "00"})
    assert response.status_code == 400
    assert "region" in response.json()


def test_ordering_and_bounded_page_size(seed, api_client):
    rows = api_client.get(LIST, {"ordering": "-slug"}).json()["results"]
    assert [r["slug"] for r in rows] == sorted((r["slug"] for r in rows), reverse=True)
    page = api_client.get(LIST, {"page_size": 3}).json()
    assert (page["count"], len(page["results"])) == (8, 3)
    assert page["next"]
    batch = ClusterFactory.build_batch(
        600, region=Region.objects.get(code="38"), industry=IndustryFactory()
    )
    Cluster.objects.bulk_create(batch)
    assert len(api_client.get(LIST, {"page_size": 10_000}).json()["results"]) == 500


def test_list_row_carries_nested_summaries(seed, api_client):
    row = api_client.get(LIST, {"region": "67"}).json()["results"][0]
    assert row["slug"] == "smo-mechanical-engineering"
    assert row["region"] == {"code": "67", "name": "Смоленская область"}
    assert row["federal_district"]["code"] == "CEN"
    assert row["industry"]["slug"] == "mechanical-engineering"
    assert row["base_college"]["full_name"] == "Смоленская академия профессионального образования"
    assert {f["kind"] for f in row["figures"]} >= {"employers", "students", "funding_total_rub"}
    students = next(f for f in row["figures"] if f["kind"] == "students")
    assert (students["value"], students["qualifier"]) == ("560.00", "at_least")
    for key in ("network_colleges", "employers", "programmes", "funding_total", "kind", "status"):
        assert key in row
    assert "funding_lines" not in row


def test_detail_adds_funding_lines_and_sources(seed, api_client):
    response = api_client.get(f"{LIST}smo-mechanical-engineering/")
    assert response.status_code == 200
    data = response.json()
    amounts = sorted(line["amount_rub"] for line in data["funding_lines"])
    assert amounts == ["100000000.00", "16000000.00", "37000000.00"]
    employer = next(line for line in data["funding_lines"] if line["funding_source"] == "employer")
    assert employer["qualifier"] == "approximately"
    assert data["sources"] and data["sources"][0]["title"]


def test_unpublished_cluster_is_hidden_from_anonymous_list_and_detail(draft_cluster, api_client):
    assert "irk-draft" not in slugs(api_client, {})
    assert "irk-draft" not in slugs(api_client, {"region": "38"})
    assert api_client.get(f"{LIST}irk-draft/").status_code == 404
    # Nor can its members or partners be found through the other lists.
    assert api_client.get("/api/v1/colleges/", {"cluster": "irk-draft"}).json()["count"] == 0
    assert api_client.get("/api/v1/employers/", {"cluster": "irk-draft"}).json()["count"] == 0
    assert (
        api_client.get("/api/v1/cluster-colleges/", {"cluster": "irk-draft"}).json()["count"] == 0
    )
    assert (
        api_client.get("/api/v1/cluster-employers/", {"cluster": "irk-draft"}).json()["count"] == 0
    )


def test_unpublished_cluster_is_hidden_from_logged_in_non_staff(draft_cluster, stranger_api_client):
    assert "irk-draft" not in slugs(stranger_api_client, {})
    assert stranger_api_client.get(f"{LIST}irk-draft/").status_code == 404


def test_staff_see_drafts(draft_cluster, editor_api_client):
    assert "irk-draft" in slugs(editor_api_client, {"region": "38"})
    assert editor_api_client.get(f"{LIST}irk-draft/").status_code == 200


def _make_clusters(n: int) -> None:
    region = Region.objects.get(code="22")
    industry = IndustryFactory()
    programmes = ProgrammeFactory.create_batch(2)
    for _ in range(n):
        cluster = ClusterFactory(region=region, industry=industry)
        ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
        ClusterCollegeFactory(cluster=cluster)
        ClusterEmployerFactory(cluster=cluster)
        ReportedFigureFactory(cluster=cluster)
        cluster.programmes.set(programmes)


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"page_size": 500})
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_cluster_list_query_count_is_the_same_for_5_and_200_clusters(seed, api_client):
    Cluster.objects.all().delete()
    _make_clusters(5)
    few, count = _list_queries(api_client)
    assert count == 5
    _make_clusters(195)
    many, count = _list_queries(api_client)
    assert count == 200
    # count; the page of clusters (+ region, district, industry, totals), each row written
    # as JSON by the database with its colleges, employers, programmes and figures
    assert few == many == 2


def test_list_and_detail_answer_304_to_a_matching_if_none_match(seed, api_client):
    for url in (f"{LIST}?region=38", f"{LIST}irk-energy/", "/api/v1/regions/38/"):
        first = api_client.get(url)
        etag = first["ETag"]
        assert etag.startswith('"')
        again = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again["ETag"] == etag
        assert not again.content


def test_etag_changes_when_a_nested_summary_changes(seed, api_client):
    url = f"{LIST}?region=38"
    etag = api_client.get(url)["ETag"]
    College.objects.filter(full_name="Иркутский энергетический колледж").update(short_name="ИЭК")
    response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


# --- writes ------------------------------------------------------------------------------


def cluster_payload(**overrides) -> dict:
    return {
        "slug": "irk-chemistry",
        "name": "ОПЦ «Химия», Иркутская область",
        "kind": "production_center",
        "status": "selected",
        "industry": "mechanical-engineering",
        "region": "38",
        "selection_year": 2024,
        **overrides,
    }


def test_anonymous_write_is_401_and_changes_nothing(seed, api_client):
    response = api_client.post(LIST, cluster_payload(), format="json")
    assert response.status_code == 401
    assert api_client.delete(f"{LIST}irk-energy/").status_code == 401
    assert Cluster.objects.filter(slug="irk-energy").exists()
    assert not Cluster.objects.filter(slug="irk-chemistry").exists()


def test_write_without_permission_is_403(seed, stranger_api_client, django_user_model):
    assert stranger_api_client.post(LIST, cluster_payload(), format="json").status_code == 403
    assert stranger_api_client.delete(f"{LIST}irk-energy/").status_code == 403
    assert Cluster.objects.filter(slug="irk-energy").exists()


def test_staff_without_the_model_permission_is_403(seed, django_user_model):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = django_user_model.objects.create_user("viewer", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.post(LIST, cluster_payload(), format="json").status_code == 403


def test_staff_create_update_and_delete_a_cluster(seed, editor_api_client):
    response = editor_api_client.post(
        LIST, cluster_payload(programmes=[], sources=[]), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["region"]["code"] == "38"
    assert response["ETag"]
    cluster = Cluster.objects.get(slug="irk-chemistry")
    assert cluster.is_published is False

    response = editor_api_client.patch(
        f"{LIST}irk-chemistry/", {"launch_year": 2025}, format="json"
    )
    assert response.status_code == 200, response.json()
    cluster.refresh_from_db()
    assert cluster.launch_year == 2025
    assert cluster.history.count() == 2
    assert cluster.history.first().history_user.username == "editor"

    assert editor_api_client.delete(f"{LIST}irk-chemistry/").status_code == 204
    assert not Cluster.objects.filter(slug="irk-chemistry").exists()


def test_unknown_region_is_a_400_naming_the_field(seed, editor_api_client):
    response = editor_api_client.post(LIST, cluster_payload(region="99"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["region"]
    assert not Cluster.objects.filter(slug="irk-chemistry").exists()


def test_model_validation_runs_as_in_the_admin(seed, editor_api_client):
    response = editor_api_client.post(
        LIST, cluster_payload(selection_year=2024, launch_year=2023), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "launch_year": ["Год первого набора не может быть раньше года отбора."]
    }
    response = editor_api_client.post(LIST, cluster_payload(slug="irk-energy"), format="json")
    assert response.status_code == 400
    assert "slug" in response.json()


def test_second_base_college_is_a_400_on_role_and_nothing_is_saved(seed, editor_api_client):
    college = College.objects.get(full_name="Тайшетский промышленно-технологический техникум")
    before = ClusterCollege.objects.count()
    response = editor_api_client.post(
        "/api/v1/cluster-colleges/",
        {"cluster": "irk-energy", "college": college.pk, "role": "base"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"role": ["У кластера может быть только одна базовая организация."]}
    assert ClusterCollege.objects.count() == before


def test_same_college_twice_is_a_400_on_college(seed, editor_api_client):
    base = ClusterCollege.objects.get(cluster__slug="irk-energy", role=CollegeRole.BASE)
    response = editor_api_client.post(
        "/api/v1/cluster-colleges/",
        {"cluster": "irk-energy", "college": base.college_id, "role": "network"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"college": ["Эта организация уже входит в кластер."]}


def test_membership_and_partnership_writes(seed, editor_api_client):
    college = College.objects.get(full_name="Тайшетский промышленно-технологический техникум")
    response = editor_api_client.post(
        "/api/v1/cluster-colleges/",
        {"cluster": "irk-energy", "college": college.pk, "role": "network"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["college"]["full_name"] == college.full_name
    response = editor_api_client.post(
        "/api/v1/employers/", {"name": "АО «Иркутскэнерго»", "inn": VALID_INN}, format="json"
    )
    assert response.status_code == 201, response.json()
    employer_id = response.json()["id"]
    response = editor_api_client.post(
        "/api/v1/cluster-employers/",
        {"cluster": "irk-energy", "employer": employer_id, "role": "anchor"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert slugs(editor_api_client, {"has_employers": "true", "region": "38"}) == {"irk-energy"}
    again = editor_api_client.post(
        "/api/v1/cluster-employers/",
        {"cluster": "irk-energy", "employer": employer_id},
        format="json",
    )
    assert again.status_code == 400
    assert again.json() == {"employer": ["Этот работодатель уже партнёр кластера."]}


@pytest.mark.parametrize(
    ("inn", "message"),
    [
        ("7707083894", "Неверный ИНН: не сходится контрольная цифра."),
        ("12345", "ИНН организации состоит из 10 цифр."),
    ],
)
def test_bad_inn_is_a_400_naming_inn(seed, editor_api_client, inn, message):
    for url, payload in (
        ("/api/v1/colleges/", {"full_name": "Новый колледж", "region": "38", "inn": inn}),
        ("/api/v1/employers/", {"name": "ООО «Новое»", "inn": inn}),
    ):
        response = editor_api_client.post(url, payload, format="json")
        assert response.status_code == 400
        assert message in response.json()["inn"]
    assert not College.objects.filter(full_name="Новый колледж").exists()


def test_empty_inn_is_stored_as_unknown(seed, editor_api_client):
    for name in ("Колледж А", "Колледж Б"):
        response = editor_api_client.post(
            "/api/v1/colleges/", {"full_name": name, "region": "38", "inn": ""}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["inn"] is None


def test_deleting_a_college_in_a_cluster_is_a_409(seed, editor_api_client):
    base = ClusterCollege.objects.get(cluster__slug="irk-energy", role=CollegeRole.BASE)
    response = editor_api_client.delete(f"/api/v1/colleges/{base.college_id}/")
    assert response.status_code == 409
    assert College.objects.filter(pk=base.college_id).exists()


def test_stale_if_match_is_a_412_and_changes_nothing(seed, editor_api_client):
    url = f"{LIST}irk-energy/"
    etag = editor_api_client.get(url)["ETag"]
    # Someone else edits the cluster in between.
    Cluster.objects.filter(slug="irk-energy").update(description="Новое описание")
    for method, body in (("patch", {"launch_year": 2024}), ("put", cluster_payload())):
        response = getattr(editor_api_client, method)(url, body, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 412
    assert editor_api_client.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    cluster = Cluster.objects.get(slug="irk-energy")
    assert (cluster.launch_year, cluster.description) == (2023, "Новое описание")


def test_fresh_if_match_lets_the_update_through(seed, editor_api_client):
    url = f"{LIST}irk-energy/"
    etag = editor_api_client.get(url)["ETag"]
    response = editor_api_client.patch(
        url, {"description": "Уточнено"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.json()
    # The response carries the new ETag, which the next conditional write can use.
    assert response["ETag"] == editor_api_client.get(url)["ETag"] != etag
    response = editor_api_client.patch(
        url, {"description": "Ещё раз"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "slug", ["mos-mechanical-engineering", "ore-mechanical-engineering", "alt-transport"]
)
def test_cluster_without_money_facts_is_null_with_a_flag_not_zero(seed, api_client, slug):
    from tests.totals import recompute_totals

    recompute_totals()
    listed = {
        row["slug"]: row for row in api_client.get(LIST, {"page_size": 500}).json()["results"]
    }
    detail = api_client.get(f"{LIST}{slug}/").json()
    for row in (listed[slug], detail):
        assert row["funding_total"] is None
        assert row["has_funding_data"] is False
    assert listed["smo-mechanical-engineering"]["has_funding_data"] is True
    assert listed["smo-mechanical-engineering"]["funding_total"]["total_rub"] == "153000000.00"
    response = api_client.get(LIST, {"format": "csv", "region": "50"})
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    # The export's last line is its «#END,<rows>» marker, not a row.
    (cells,) = [r for r in DictReader(StringIO(csv)) if not r["slug"].startswith("#")]
    assert cells["funding_total.total_rub"] == ""
    assert cells["has_funding_data"] == "false"


@pytest.mark.parametrize("db_writes_json", [True, False])
def test_a_budget_part_no_line_gives_is_null_and_the_total_names_the_known_parts(
    seed, api_client, db_writes_json, monkeypatch
):
    # Irkutsk energy: one federal line (100 mln); nothing on the other three budgets.
    if not db_writes_json:
        from common.api import json_sql

        monkeypatch.setattr(json_sql, "json_rows", lambda plan, queryset: None)
    listed = {
        row["slug"]: row for row in api_client.get(LIST, {"page_size": 500}).json()["results"]
    }
    detail = api_client.get(f"{LIST}irk-energy/").json()
    for row in (listed["irk-energy"], detail):
        total = row["funding_total"]
        assert (total["federal_rub"], total["federal_qualifier"]) == ("100000000.00", "exact")
        for source in ("regional", "employer", "extrabudgetary"):
            assert (total[f"{source}_rub"], total[f"{source}_qualifier"]) == (None, None)
        assert total["parts_known"] == ["federal"]
        assert total["total_rub"] == "100000000.00"  # the sum of the known parts
    assert listed["alt-light-industry"]["funding_total"]["parts_known"] == [
        "federal",
        "regional",
        "employer",
    ]


def test_csv_and_xlsx_leave_an_unknown_budget_part_empty(seed, api_client):
    from openpyxl import load_workbook

    response = api_client.get(LIST, {"format": "csv", "q": "Энергетика", "region": "38"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (cells,) = [r for r in DictReader(StringIO(text)) if r["slug"] == "irk-energy"]
    assert cells["funding_total.federal_rub"] == "100000000.00"
    assert cells["funding_total.regional_rub"] == cells["funding_total.regional_qualifier"] == ""
    assert cells["funding_total.parts_known"] == "federal"
    response = api_client.get(LIST, {"format": "xlsx", "region": "38"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    (row,) = [r for r in rows if "irk-energy" in r.values()]
    regional = next(h for h in header if "бюджет субъекта" in (h or "").lower())
    assert row[regional] is None
