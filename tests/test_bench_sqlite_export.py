"""bench/sqlite_export.py writes what the anonymous API lists serve, so `make bench-api` measures
Datasette on the same rows: every row and value of both lists, in the API's order (the rowid,
Datasette's default order), none that the API hides, and the joined view gives the flat table's
lines. Each query below is the one Datasette runs for the bench's URL (its `query.sql`)."""

import json
import sqlite3

import pytest

from bench.api_bench import same_as_datasette
from bench.sqlite_export import export_sqlite
from clusters.choices import ClusterStatus
from clusters.models import Source
from funding.services import funding_totals_recompute_all
from regions.models import Region
from tests.clusters.factories import ClusterCollegeFactory, ClusterFactory, ReportedFigureFactory
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db

LIST_COLUMNS = (
    "network_colleges",
    "employers",
    "programmes",
    "figures",
    "funding_total_parts_known",
)


@pytest.fixture
def exported(draft_cluster, tmp_path):
    altai = Region.objects.get(code="22")
    source = Source.objects.first()
    # Created in the reverse of the API's name order, so an id-ordered file differs.
    for name in ("ДЕМО Б", "ДЕМО А"):
        cluster = ClusterFactory(name=name, region=altai, status=ClusterStatus.OPERATING)
        ClusterCollegeFactory(cluster=cluster)
        ReportedFigureFactory(cluster=cluster, value="0.5")
        FundingLineFactory(cluster=cluster, fiscal_year=2022, source=source)
    ClusterFactory(region=RegionFactory(code="99", federal_district=None), launch_year=None)
    FundingLineFactory(cluster=None, region=altai, fiscal_year=2022, source=source)
    funding_totals_recompute_all()
    path = tmp_path / "registry.db"
    export_sqlite(path)
    return path


def _api(client, url, **params):
    response = client.get(url, {"page_size": 500, **params})
    assert response.status_code == 200
    assert response.json()["next"] is None
    return response.content


def _datasette(path, sql, params=()):
    """The rows of `sql` as Datasette's JSON gives them (`_shape=objects`, `?_json=` lists)."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = [
        {
            k: json.loads(v) if k in LIST_COLUMNS and v is not None else v
            for k, v in dict(row).items()
        }
        for row in db.execute(sql, params)
    ]
    db.close()
    return json.dumps({"filtered_table_rows_count": len(rows), "rows": rows}).encode()


def test_clusters_table_is_the_public_api_list_in_its_order(exported, api_client):
    api = _api(api_client, "/api/v1/clusters/")
    assert b"irk-draft" not in api
    same_as_datasette(api, _datasette(exported, "select rowid, * from clusters order by rowid"))


def test_filtered_cluster_page_is_the_apis(exported, api_client):
    api = _api(api_client, "/api/v1/clusters/", federal_district="SIB", status="operating")
    assert json.loads(api)["count"] >= 2
    sql = (
        "select rowid, * from clusters where federal_district_code = ? and status = ? "
        "order by rowid limit 101"
    )
    same_as_datasette(api, _datasette(exported, sql, ("SIB", "operating")))


def test_funding_lines_table_and_joined_view_are_the_public_api_list(exported, api_client):
    api = _api(api_client, "/api/v1/funding-lines/")
    assert "777000000" not in api.decode()  # the draft's line
    same_as_datasette(api, _datasette(exported, "select * from funding_lines order by rowid"))
    page = _api(api_client, "/api/v1/funding-lines/", fiscal_year=2022, funding_source="federal")
    table = (
        "select * from funding_lines where fiscal_year = ? and funding_source = ? order by rowid"
    )
    same_as_datasette(page, _datasette(exported, table, ("2022", "federal")))
    view = (
        "select * from funding_lines_joined where fiscal_year = ? and funding_source = ? "
        "order by region_name limit 101"
    )
    same_as_datasette(page, _datasette(exported, view, ("2022", "federal")))
