"""Facts from many sources, through the import (the door the press items and the regions'
spreadsheets use): documents on one cluster in any order give the same record, every fact
citing each document that states it; a blank never erases; a disagreement is a conflict,
never resolved silently; the same grant is one line; a stated fact publishes a cluster
another item only implies something about."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusters.choices import CollegeRole, ConflictState, FactKind
from clusters.models import Citation, Cluster, College, Employer, FactConflict, ReportedFigure
from funding.models import FundingLine, FundingLineCitation
from imports.choices import RowStatus
from tests.clusters.factories import IndustryFactory
from tests.imports.conftest import part, run
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db

SOURCE_HEADER = ["url", "title", "published_on"]
CLUSTER_HEADER = [
    "name",
    "region",
    "industry",
    "kind",
    "selection_year",
    "launch_year",
    "base_college",
    "network_colleges",
    "employers",
    "sources",
    "quote",
    "implied",
    "is_published",
]
FUNDING_HEADER = [
    "cluster",
    "region",
    "fiscal_year",
    "funding_source",
    "amount_rub",
    "qualifier",
    "source",
    "exact_wording",
    "tranche",
]
FIGURE_HEADER = ["cluster", "region", "kind", "value", "qualifier", "source", "exact_wording"]
NAME = "Кластер Тольяттинского машиностроительного колледжа"


def document(url: str, cluster: dict, money: list[dict] = (), figures: list[dict] = ()):
    """One press item as the press converter writes it: its source and its rows."""
    row = {key: "" for key in CLUSTER_HEADER}
    row.update({"name": NAME, "region": "63", "sources": url, "implied": "название", **cluster})
    parts = [
        part("sources", SOURCE_HEADER, [url, f"Публикация {url}", "2024-05-01"]),
        part("clusters", CLUSTER_HEADER, [row[k] for k in CLUSTER_HEADER]),
    ]
    if money:
        lines = []
        for line in money:
            full = {key: "" for key in FUNDING_HEADER}
            full.update(cluster=NAME, region="63", source=url, **line)
            lines.append([full[k] for k in FUNDING_HEADER])
        parts.append(part("funding", FUNDING_HEADER, *lines))
    if figures:
        rows = []
        for figure in figures:
            full = {key: "" for key in FIGURE_HEADER}
            full.update(cluster=NAME, region="63", source=url, **figure)
            rows.append([full[k] for k in FIGURE_HEADER])
        parts.append(part("figures", FIGURE_HEADER, *rows))
    return parts


# Three real-shaped items on the Tolyatti machine-building cluster: two state it plainly, the
# third writes the college with its legal form and only implies the industry.
A = document(
    "https://example.org/a",
    {
        "industry": "mechanical-engineering",
        "selection_year": "2023",
        "base_college": "Тольяттинский машиностроительный колледж",
        "employers": "АО «АвтоВАЗ»",
        "quote": "Тольяттинский машиностроительный колледж выиграл грант",
        "is_published": "да",
    },
    money=[{"funding_source": "federal", "amount_rub": "100000000", "exact_wording": "100 млн"}],
)
B = document(
    "https://example.org/b",
    {
        "launch_year": "2024",
        "base_college": "Тольяттинский машиностроительный колледж",
        "network_colleges": "Тольяттинский политехнический колледж",
        "employers": "АВТОВАЗ",
        "kind": "production_center",
        "is_published": "да",
    },
    money=[
        {
            "funding_source": "federal",
            "amount_rub": "100 000 000",
            "fiscal_year": "2023",
            "exact_wording": "в 2023 году 100 млн рублей",
        }
    ],
)
C = document(
    "https://example.org/c",
    {
        "industry": "mechanical-engineering",
        "implied": "название; отрасль",
        "base_college": "ГАПОУ «Тольяттинский машиностроительный колледж»",
        "is_published": "да",
        "network_colleges": "12 учреждений СПО (not named)",
    },
    figures=[{"kind": "students", "value": "500", "qualifier": "at_least"}],
)


def state() -> dict:
    """What the registry holds, without ids or timestamps: for comparing orders."""
    cluster = Cluster.objects.get()
    fields = {
        f: getattr(cluster, f) for f in ("kind", "selection_year", "launch_year", "is_published")
    }
    fields["industry"] = cluster.industry.slug if cluster.industry else None
    return {
        "clusters": Cluster.objects.count(),
        "colleges": sorted(College.objects.values_list("full_name", flat=True)),
        "employers": Employer.objects.count(),
        "fields": fields,
        "field_citations": sorted(
            (c.fact, c.value, c.source.url, c.is_implied)
            for c in Citation.objects.filter(fact__in=FactKind.field_values()).select_related(
                "source"
            )
            if c.fact != FactKind.NAME
        ),
        "members": sorted((m.role, len(m.citations.all())) for m in cluster.cluster_colleges.all()),
        "lines": sorted(
            (
                str(line.amount_rub),
                line.fiscal_year,
                line.funding_source,
                tuple(sorted(c.source.url for c in line.citations.all())),
            )
            for line in FundingLine.objects.all()
        ),
        "figures": sorted(
            (f.kind, str(f.value), f.qualifier) for f in ReportedFigure.objects.all()
        ),
        "conflicts": FactConflict.objects.count(),
    }


@pytest.fixture
def reference(db):
    RegionFactory(code="63", name="Самарская область", slug="samara")
    IndustryFactory(slug="mechanical-engineering", name="Машиностроение")


def load(*documents) -> None:
    for doc in documents:
        result = run(*doc)
        assert result.committed, [r.get("errors") for r in result.rows if r.get("errors")]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations([A, B, C]))
def test_documents_in_any_order_give_the_same_record(reference, order):
    with transaction.atomic():
        load(A, B, C)
        expected = state()
        transaction.set_rollback(True)
    with transaction.atomic():
        load(*order)
        assert state() == expected
        transaction.set_rollback(True)


def test_every_fact_cites_each_document_that_states_it(reference):
    load(A, B, C)
    cluster = Cluster.objects.get()
    # One cluster, one base college whatever its spelling, one employer, one grant.
    assert College.objects.filter(full_name__icontains="машиностроительный").count() == 1
    assert Employer.objects.count() == 1
    base = cluster.cluster_colleges.get(role=CollegeRole.BASE)
    assert {c.source.url for c in base.citations.all()} == {
        "https://example.org/a",
        "https://example.org/b",
        "https://example.org/c",
    }
    line = FundingLine.objects.get()
    assert line.amount_rub == Decimal("100000000") and line.fiscal_year == 2023  # B's year kept
    assert set(line.citations.values_list("source__url", flat=True)) == {
        "https://example.org/a",
        "https://example.org/b",
    }
    industry = Citation.objects.filter(cluster=cluster, fact=FactKind.INDUSTRY)
    assert {(c.source.url, c.is_implied) for c in industry} == {
        ("https://example.org/a", False),
        ("https://example.org/c", True),
    }
    # The placeholder is a count, never an organisation; the cluster is published on the
    # facts two items state, though the third only implies its industry.
    assert not College.objects.filter(full_name__icontains="учреждений").exists()
    assert ReportedFigure.objects.get(kind="network_colleges").value == 12
    assert cluster.is_published


def test_a_blank_never_erases_a_fact_another_source_stated(reference):
    load(A)
    blank = document(
        "https://example.org/blank", {"base_college": "Тольяттинский машиностроительный колледж"}
    )
    result = run(*blank)
    assert result.committed
    cluster = Cluster.objects.get()
    assert cluster.selection_year == 2023 and cluster.industry.slug == "mechanical-engineering"
    # Loading the first document again changes nothing: the files do not overwrite each other.
    assert {r["status"] for r in run(*A).rows} == {RowStatus.UNCHANGED}


@pytest.mark.parametrize("first_second", [("2023", "2022"), ("2022", "2023")])
def test_two_sources_that_disagree_raise_a_conflict_in_either_order(reference, first_second):
    first, second = first_second
    base = "Тольяттинский машиностроительный колледж"
    load(document("https://example.org/1", {"base_college": base, "selection_year": first}))
    result = run(
        *document("https://example.org/2", {"base_college": base, "selection_year": second})
    )
    assert result.committed
    assert [r["status"] for r in result.rows if r["file"] == "clusters.csv"] == [RowStatus.CONFLICT]
    conflict = FactConflict.objects.get()
    assert conflict.state == ConflictState.OPEN
    assert {conflict.kept_value, conflict.proposed_value} == {"2022", "2023"}
    assert Cluster.objects.get().selection_year == int(first)  # the first value is kept
    # The same document again does not raise it twice.
    run(*document("https://example.org/2", {"base_college": base, "selection_year": second}))
    assert FactConflict.objects.count() == 1


def test_the_same_grant_from_two_sources_is_one_line_and_two_tranches_are_two(
    reference, django_capture_on_commit_callbacks
):
    base = {"base_college": "Тольяттинский машиностроительный колледж"}
    with django_capture_on_commit_callbacks(execute=True):
        load(
            document(
                "https://example.org/1",
                base,
                money=[{"funding_source": "federal", "amount_rub": "100000000"}],
            ),
            document(
                "https://example.org/2",
                base,
                money=[
                    {"funding_source": "federal", "amount_rub": "100000000", "fiscal_year": "2023"}
                ],
            ),
        )
    assert FundingLine.objects.count() == 1
    assert FundingLineCitation.objects.count() == 2
    assert Cluster.objects.get().funding_total.federal_rub == Decimal("100000000")
    load(
        document(
            "https://example.org/3",
            base,
            money=[
                {
                    "funding_source": "federal",
                    "amount_rub": "100000000",
                    "fiscal_year": "2023",
                    "tranche": "да",
                }
            ],
        )
    )
    assert FundingLine.objects.count() == 2  # a second tranche the source says it is


def test_another_sum_for_the_same_grant_is_a_conflict_staff_decide(reference, django_user_model):
    from clusters.facts import conflict_resolve

    base = {"base_college": "Тольяттинский машиностроительный колледж"}
    load(
        document(
            "https://example.org/1",
            base,
            money=[{"funding_source": "federal", "amount_rub": "100000000", "fiscal_year": "2023"}],
        ),
        document(
            "https://example.org/2",
            base,
            money=[{"funding_source": "federal", "amount_rub": "70000000", "fiscal_year": "2023"}],
        ),
    )
    line = FundingLine.objects.get()
    assert line.amount_rub == Decimal("100000000")
    conflict = FactConflict.objects.get()
    assert conflict.target_id == line.pk and "70 000 000" in conflict.proposed_display
    editor = django_user_model.objects.create_superuser("fed", "f@example.org", "x")
    conflict_resolve(
        actor=editor,
        conflict=conflict,
        state=ConflictState.SEPARATE,
        comment="Второй источник пишет о следующем транше",
    )
    assert sorted(FundingLine.objects.values_list("amount_rub", flat=True)) == [
        Decimal("70000000"),
        Decimal("100000000"),
    ]
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.SEPARATE and conflict.resolved_by == editor
    assert conflict.history.first().history_change_reason.startswith("решение")
