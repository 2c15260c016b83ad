"""Exports a spreadsheet may open neutralise formula cells (OWASP CSV injection; issue 10)."""

import csv
import io

import pytest

from common.spreadsheet import spreadsheet_safe
from tests.clusters.factories import ClusterCollegeFactory, ClusterFactory
from tests.test_api_csv import read_csv

FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_text_gets_a_leading_quote(value):
    # A line break followed by a formula character gets its own `'` (issue 20).
    assert spreadsheet_safe(value) == "'" + value.replace("\r=", "\r'=")


@pytest.mark.parametrize("value", ["ОПЦ «Химия»", "", "100000000.00", "a=b", "x-y", None, 5, -5])
def test_other_values_pass_unchanged(value):
    assert spreadsheet_safe(value) == value


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMULAS)
def test_cluster_csv_export_neutralises_formula_names(api_client, name):
    cluster = ClusterFactory(name=name)
    ClusterCollegeFactory(cluster=cluster, college__full_name=name, role="base")
    header, rows = read_csv(api_client.get("/api/v1/clusters/?format=csv"))
    row = dict(zip(header, rows[0], strict=True))
    assert row["name"] == spreadsheet_safe(name)
    assert row["base_college.full_name"] == spreadsheet_safe(name)
    for cell in rows[0]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.django_db
def test_single_object_csv_is_neutralised_too(api_client):
    cluster = ClusterFactory(name="=1+1")
    response = api_client.get(f"/api/v1/clusters/{cluster.slug}/?format=csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[:2]
    assert dict(zip(header, row, strict=True))["name"] == "'=1+1"
