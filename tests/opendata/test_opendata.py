"""Open data: list, passports and dated versions in the storage, served by the app; the
dump of the public data, loaded into an empty database, reproduces it exactly."""

import csv
import io
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command

from clusters.models import Cluster
from opendata.datasets import DATASETS
from opendata.services import data_bytes, latest_data, opendata_load, opendata_publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.OPENDATA_LICENCE_TEXT = "[Заполняет министерство.]"
    return tmp_path


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_publish_writes_the_list_passports_structures_and_dated_versions(seed, client):
    result = opendata_publish(today=date(2026, 12, 1))
    assert result["clusters"] == "data-20261201-structure-20261201.csv"
    listing = read_csv(client.get("/open-data/files/list.csv").content)
    assert listing[0] == ["property", "title", "value", "format"]
    assert [row[0] for row in listing[1:]] == [f"7710168360-{d.identifier}" for d in DATASETS]
    passport = dict(
        read_csv(client.get("/open-data/files/7710168360-clusters/meta.csv").content)[1:]
    )
    for field in (
        "identifier",
        "title",
        "description",
        "creator",
        "publishername",
        "updatefrequency",
        "license",
        "created",
        "modified",
        "structureversion",
    ):
        assert field in passport
    assert passport["created"] == passport["modified"] == "20261201"
    structure = read_csv(
        client.get("/open-data/files/7710168360-clusters/structure-20261201.csv").content
    )
    assert structure[0] == ["field name", "english description", "russian description", "format"]
    assert ["selection_year", "selection year", "Год отбора", "integer"] in structure


def test_a_new_version_only_when_the_data_change(seed):
    opendata_publish(today=date(2026, 12, 1))
    assert opendata_publish(today=date(2026, 12, 2))["clusters"] == "unchanged"
    Cluster.objects.filter(slug="irk-energy").update(name="Новое имя")
    assert opendata_publish(today=date(2026, 12, 3))["clusters"].startswith("data-20261203")
    from opendata.services import opendata_catalogue

    passport = next(p for p in opendata_catalogue() if p.dataset.identifier == "clusters")
    assert (passport.created, passport.modified) == ("2026-12-01", "2026-12-03")
    assert len(passport.versions) == 2


def test_drafts_are_not_in_the_open_data(draft_cluster):
    opendata_publish()
    clusters = read_csv(latest_data(next(d for d in DATASETS if d.identifier == "clusters")))
    assert draft_cluster.slug not in {row[1] for row in clusters[1:]}
    assert len(clusters) - 1 == Cluster.objects.filter(is_published=True).count()


def test_open_data_page_lists_the_sets_and_never_shows_the_placeholder(seed, client, settings):
    opendata_publish()
    html = client.get("/open-data/").content.decode()
    assert "[Заполняет министерство.]" not in html
    assert 'href="/open-data/files/list.csv"' in html
    assert "/open-data/files/7710168360-funding-lines/meta.csv" in html
    settings.OPENDATA_LICENCE_TEXT = "Открытая лицензия, версия 1.0"
    assert "Открытая лицензия, версия 1.0" in client.get("/open-data/").content.decode()


def test_files_outside_the_open_data_folder_are_not_served(client):
    assert client.get("/open-data/files/../settings.py").status_code == 404
    assert client.get("/open-data/files/nothing.csv").status_code == 404


REGISTRY = [
    "funding.FundingLine",
    "funding.ClusterYearFundingTotal",
    "funding.RegionIndustryFundingTotal",
    "funding.ClusterFundingTotal",
    "funding.RegionFundingTotal",
    "funding.FederalDistrictFundingTotal",
    "funding.IndustryFundingTotal",
    "funding.NationalFundingTotal",
    "clusters.ReportedFigure",
    "clusters.ClusterCollege",
    "clusters.ClusterEmployer",
    "clusters.Cluster",
    "clusters.College",
    "clusters.Employer",
    "clusters.Source",
    "clusters.Programme",
    "clusters.Industry",
    "regions.Region",
    "regions.FederalDistrict",
]


def test_round_trip_the_dump_in_an_empty_database_reproduces_the_public_data(
    draft_cluster, django_capture_on_commit_callbacks
):
    opendata_publish()
    dump = {d.identifier: latest_data(d) for d in DATASETS}
    before = {d.identifier: data_bytes(d) for d in DATASETS}
    for label in REGISTRY:
        apps.get_model(label).objects.all().delete()
    assert not Cluster.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        counts = opendata_load(read=lambda d: dump[d.identifier])
    assert counts["clusters"] == 8  # the eight published seed clusters, not the draft
    after = {d.identifier: data_bytes(d) for d in DATASETS}
    assert after == before
    call_command("recompute_totals", "--check")
