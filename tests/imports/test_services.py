"""Imports: each template kind gives new / changed / unchanged / error rows, twice changes
nothing, one bad row writes nothing, and every write goes through the write services."""

from decimal import Decimal

import pytest

from accounts.services import staff_user_create
from clusters.choices import CollegeRole, FigureKind
from clusters.models import Cluster, College, Employer, ReportedFigure, Source
from common.qualifiers import Qualifier
from funding.choices import FundingSource
from funding.models import FundingLine
from imports.choices import RowStatus
from tests import money_cases
from tests.imports.conftest import part, run

pytestmark = pytest.mark.django_db

COLLEGE_HEADER = ["inn", "full_name", "region", "town"]
CLUSTER_HEADER = [
    "name",
    "region",
    "industry",
    "kind",
    "base_college",
    "network_colleges",
    "employers",
    "sources",
    "is_published",
    "selection_year",
]


def statuses(result) -> list[str]:
    return [row["status"] for row in result.rows]


def test_sources_new_then_unchanged(db):
    header = ["url", "title", "published_on"]
    rows = [["https://a.example/1", "Первая", "2024-05-01"], ["", "Без ссылки", "01.02.2023"]]
    first = run(part("sources", header, *rows))
    assert statuses(first) == [RowStatus.NEW, RowStatus.NEW]
    assert Source.objects.get(url="https://a.example/1").published_on.isoformat() == "2024-05-01"
    assert statuses(run(part("sources", header, *rows))) == [RowStatus.UNCHANGED] * 2
    assert Source.objects.count() == 2


def test_colleges_by_inn_new_changed_unchanged_and_error(region):
    rows = [
        ["3808012348", "Иркутский колледж", "38", "Иркутск"],
        ["", "Ангарский техникум", "38", "Ангарск"],
    ]
    assert statuses(run(part("colleges", COLLEGE_HEADER, *rows))) == [RowStatus.NEW] * 2
    corrected = [
        ["3808012348", "Иркутский колледж энергетики", "38", "Иркутск"],
        ["", "Ангарский  техникум", "38", "Ангарск"],  # same name, normalised
        ["", "Колледж нигде", "99", ""],
    ]
    result = run(part("colleges", COLLEGE_HEADER, *corrected), commit=False)
    assert statuses(result) == [RowStatus.CHANGED, RowStatus.UNCHANGED, RowStatus.ERROR]
    assert result.rows[0]["diff"] == {
        "полное наименование": ("Иркутский колледж", "Иркутский колледж энергетики")
    }
    assert result.rows[2]["errors"] == [
        "Строка 4, столбец «Субъект РФ (код или название)»: субъект РФ «99» не найден: "
        "укажите код (например, 60) или название."
    ]
    assert College.objects.get(inn="3808012348").full_name == "Иркутский колледж"


def test_a_bad_row_in_a_file_of_good_ones_writes_nothing(region):
    rows = [
        ["", "Колледж 1", "38", ""],
        ["", "Колледж 2", "38", ""],
        ["12345", "Колледж 3", "38", ""],
    ]
    result = run(part("colleges", COLLEGE_HEADER, *rows))
    assert not result.committed
    assert College.objects.count() == 0
    assert result.rows[2]["errors"][0].startswith("Строка 4, столбец «ИНН»:")


def test_employers_by_name_and_region(region, industry):
    header = ["name", "region", "industry"]
    rows = [["ООО «Энергия»", "38", "energy"], ["АО Завод", "", "Энергетика"]]
    assert statuses(run(part("employers", header, *rows))) == [RowStatus.NEW] * 2
    assert Employer.objects.get(name="АО Завод").industry == industry
    again = run(part("employers", header, ["ООО Энергия", "38", ""], ["АО Завод", "", "нет"]))
    # The same employer without quotes; a blank industry states nothing and erases nothing.
    assert statuses(again) == [RowStatus.UNCHANGED, RowStatus.ERROR]
    assert "Отрасль" in again.rows[1]["errors"][0]
    assert Employer.objects.get(name="ООО «Энергия»").industry == industry  # nothing written


def cluster_row(**overrides):
    row = {
        "name": "Энергетический кластер",
        "region": "38",
        "industry": "energy",
        "kind": "production_center",
        "base_college": "Иркутский энергетический колледж",
        "network_colleges": "Колледж 1; Колледж 2",
        "employers": "ООО «Энергия»",
        "sources": "https://example.org/news",
        "is_published": "да",
        "selection_year": "2024",
    }
    row.update(overrides)
    return [row[name] for name in CLUSTER_HEADER]


def test_clusters_with_memberships_new_then_unchanged_then_changed(region, industry, source):
    result = run(part("clusters", CLUSTER_HEADER, cluster_row()))
    assert statuses(result) == [RowStatus.NEW]
    cluster = Cluster.objects.get()
    assert cluster.is_published
    assert cluster.sources.get() == source
    base = cluster.cluster_colleges.get(role=CollegeRole.BASE).college
    assert base.full_name == "Иркутский энергетический колледж"
    assert cluster.cluster_colleges.filter(role=CollegeRole.NETWORK).count() == 2
    assert cluster.cluster_employers.get().employer.name == "ООО «Энергия»"

    assert statuses(run(part("clusters", CLUSTER_HEADER, cluster_row()))) == [RowStatus.UNCHANGED]
    assert Cluster.objects.count() == 1 and College.objects.count() == 3

    # The cluster is found by base college + industry + region even under a new name.
    renamed = run(
        part("clusters", CLUSTER_HEADER, cluster_row(name="ОПЦ энергетики", selection_year="2023"))
    )
    assert statuses(renamed) == [RowStatus.CHANGED]
    # The same source correcting itself (no other source states these facts).
    assert renamed.rows[0]["diff"]["Год отбора"] == ("2024", "2023")
    assert Cluster.objects.get().name == "ОПЦ энергетики"


def test_cluster_errors_name_the_column(region, industry, source):
    result = run(
        part(
            "clusters",
            CLUSTER_HEADER,
            cluster_row(kind="кластер"),
            cluster_row(sources="https://nowhere.example", base_college="Колледж А"),
            cluster_row(selection_year="две тысячи", base_college="Колледж Б"),
        )
    )
    assert statuses(result) == [RowStatus.ERROR] * 3
    messages = [row["errors"][0] for row in result.rows]
    assert messages[0].startswith("Строка 2, столбец «Тип»: «кластер» — нет такого значения")
    assert messages[1].startswith("Строка 3, столбец «Источники (ссылки через точку с запятой)»")
    assert messages[2] == "Строка 4, столбец «Год отбора»: «две тысячи» — не целое число."
    assert not Cluster.objects.exists()


def test_cluster_without_industry_and_kind_is_not_given(region, source):
    run(part("clusters", CLUSTER_HEADER, cluster_row(industry="", kind="", is_published="нет")))
    cluster = Cluster.objects.get()
    assert cluster.industry is None and cluster.kind == ""
    assert not cluster.is_published


FUNDING_HEADER = [
    "cluster",
    "region",
    "fiscal_year",
    "funding_source",
    "amount_rub",
    "qualifier",
    "source",
    "exact_wording",
]


def test_funding_lines_new_changed_unchanged_error(region, industry, source):
    run(part("clusters", CLUSTER_HEADER, cluster_row()))
    rows = [
        [
            "Энергетический кластер",
            "38",
            "2024",
            "federal",
            "100 000 000",
            "",
            "Новость",
            "100 млн",
        ],
        ["", "38", "2024", "regional", "50000000", "at_least", "https://example.org/news", "более"],
    ]
    assert statuses(run(part("funding", FUNDING_HEADER, *rows))) == [RowStatus.NEW] * 2
    line = FundingLine.objects.get(funding_source=FundingSource.REGIONAL)
    assert line.cluster is None and line.qualifier == Qualifier.AT_LEAST
    assert statuses(run(part("funding", FUNDING_HEADER, *rows))) == [RowStatus.UNCHANGED] * 2
    corrected = [rows[0][:4] + ["101000000"] + rows[0][5:], rows[1]]
    corrected.append(["Энергетический кластер", "22", "2024", "federal", "1", "", "Новость", ""])
    result = run(part("funding", FUNDING_HEADER, *corrected))
    assert statuses(result) == [RowStatus.CHANGED, RowStatus.UNCHANGED, RowStatus.ERROR]
    # The same source correcting its own sum.
    assert result.rows[0]["diff"] == {"Сумма": ("100 000 000 ₽, 2024", "101 000 000 ₽, 2024")}
    assert FundingLine.objects.get(funding_source="federal").amount_rub == Decimal("100000000")
    result = run(part("funding", FUNDING_HEADER, corrected[0], corrected[1]))
    assert FundingLine.objects.get(funding_source="federal").amount_rub == Decimal("101000000")


def test_figures_new_changed_unchanged_error(region, industry, source):
    run(part("clusters", CLUSTER_HEADER, cluster_row()))
    header = ["cluster", "region", "kind", "value", "qualifier", "source", "exact_wording"]
    row = ["Энергетический кластер", "38", "workshops", "9", "", "Новость", "9 мастерских"]
    assert statuses(run(part("figures", header, row))) == [RowStatus.NEW]
    assert statuses(run(part("figures", header, row))) == [RowStatus.UNCHANGED]
    changed = row[:3] + ["10", "at_least"] + row[5:]
    bad = row[:3] + ["-1"] + row[4:]
    result = run(part("figures", header, changed), commit=False)
    assert statuses(result) == [RowStatus.CHANGED]
    result = run(part("figures", header, bad), commit=False)
    assert statuses(result) == [RowStatus.ERROR]
    assert "столбец «Значение»" in result.rows[0]["errors"][0]
    figure = ReportedFigure.objects.get()
    assert (figure.kind, figure.value) == (FigureKind.WORKSHOPS, 9)


def test_dry_run_writes_nothing(region):
    result = run(part("colleges", COLLEGE_HEADER, ["", "Колледж", "38", ""]), commit=False)
    assert statuses(result) == [RowStatus.NEW]
    assert not result.committed
    assert not College.objects.exists()


def test_a_regional_editors_out_of_region_rows_are_refused_row_by_row(region, other_region):
    editor, _ = staff_user_create(username="irk", role="regional-editor", region_codes=["38"])
    rows = [["", "Иркутский колледж", "38", ""], ["", "Алтайский колледж", "22", ""]]
    result = run(part("colleges", COLLEGE_HEADER, *rows), actor=editor, commit=False)
    assert statuses(result) == [RowStatus.NEW, RowStatus.ERROR]
    assert result.rows[1]["errors"][0].startswith("Строка 3, отказано")
    result = run(part("colleges", COLLEGE_HEADER, *rows), actor=editor)
    assert not result.committed and not College.objects.exists()
    result = run(part("colleges", COLLEGE_HEADER, rows[0]), actor=editor)
    assert result.committed and College.objects.get().region == region


def test_an_import_never_matches_a_draft_its_user_may_not_see(
    region, other_region, industry, source
):
    """A regional editor of Irkutsk names, in a file, a draft of Altai (by slug and by name):
    the rows are not matched to it and get the answer for a cluster that does not exist. The system import (no user) still matches every cluster."""
    from tests.clusters.factories import ClusterFactory

    draft = ClusterFactory(
        name="Секретный черновик", slug="secret-draft", region=other_region, is_published=False
    )
    editor, _ = staff_user_create(username="irk", role="regional-editor", region_codes=["38"])
    by_name = ["Секретный черновик", "22", "2024", "federal", "100", "", "Новость", ""]
    by_slug = ["secret-draft", "22", "2025", "federal", "100", "", "Новость", ""]
    result = run(part("funding", FUNDING_HEADER, by_name, by_slug), actor=editor, commit=False)
    assert statuses(result) == [RowStatus.ERROR, RowStatus.ERROR]
    for row in result.rows:  # the answer for a cluster that does not exist, nothing more
        assert " ".join(row["errors"]).endswith(
            "не найден (slug, название или базовая организация в субъекте)."
        )
    # The same rows from the system import find the draft (and would write to it).
    system = run(part("funding", FUNDING_HEADER, by_name, by_slug), commit=False)
    assert statuses(system) == [RowStatus.NEW, RowStatus.NEW]
    assert not FundingLine.objects.filter(cluster=draft).exists()


@pytest.mark.parametrize(("typed", "read"), money_cases.READ)
def test_an_imported_sum_is_read_as_the_admin_reads_it(region, source, typed, read):
    row = ["", "38", "2024", "regional", typed, "", "Новость", ""]
    assert statuses(run(part("funding", FUNDING_HEADER, row))) == [RowStatus.NEW]
    assert FundingLine.objects.get().amount_rub == read


@pytest.mark.parametrize(("typed", "explained"), money_cases.REFUSED)
def test_an_imported_sum_the_admin_refuses_is_refused_saying_what_was_read(
    region, source, typed, explained
):
    row = ["", "38", "2024", "regional", typed, "", "Новость", ""]
    result = run(part("funding", FUNDING_HEADER, row), commit=False)
    assert statuses(result) == [RowStatus.ERROR]
    assert f"Сумма «{typed}» не прочитана" in result.rows[0]["errors"][0]
    assert explained in result.rows[0]["errors"][0]


def test_a_publication_flag_is_applied_by_one_service_at_every_door(region, industry, source):
    """`is_published` of a spreadsheet row and of an API write both go through
    clusters.services.cluster_publication_set: publish, then withdraw."""
    from unittest import mock

    from rest_framework.test import APIClient

    from clusters import services as cluster_services

    federal = staff_user_create(username="fed", role="federal-editor", password="pw")[0]
    with mock.patch.object(
        cluster_services,
        "cluster_publication_set",
        wraps=cluster_services.cluster_publication_set,
    ) as dispatch:
        run(part("clusters", CLUSTER_HEADER, cluster_row()), actor=federal)
        cluster = Cluster.objects.get()
        assert cluster.is_published
        client = APIClient()
        client.force_authenticate(federal)
        response = client.patch(
            f"/api/v1/clusters/{cluster.slug}/", {"is_published": False}, format="json"
        )
        assert response.status_code == 200, response.json()
    cluster.refresh_from_db()
    assert not cluster.is_published and response.json()["is_published"] is False
    assert [c.kwargs["publish"] for c in dispatch.call_args_list] == [True, False]
