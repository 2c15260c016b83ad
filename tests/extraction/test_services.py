"""Accepting proposals: unpublished records through the write services, citing the source."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters.choices import CollegeRole, FigureKind
from clusters.models import Cluster, College, ReportedFigure
from extraction.models import SourceText
from extraction.services import proposal_accept, proposal_reject, source_text_create
from funding.models import FundingLine
from tests import money_cases

SEEDS = Path(__file__).resolve().parent / "seeds"


def seed_text(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def pasted(actor, name: str, **source) -> SourceText:
    return source_text_create(
        actor=actor,
        text=seed_text(name),
        title=source.pop("title", f"Новость {name}"),
        **source,
    )


def item(source_text: SourceText, group: str, **match) -> dict:
    return next(
        i for i in source_text.proposals[group] if all(i.get(k) == v for k, v in match.items())
    )


def test_pasting_stores_the_source_and_its_full_text_and_writes_no_fact(federal_editor):
    source_text = pasted(
        federal_editor, "004_c8ccfdd2582e0d5c", publisher="Администрация Смоленской области"
    )
    assert source_text.source.title == "Новость 004_c8ccfdd2582e0d5c"
    assert source_text.text == seed_text("004_c8ccfdd2582e0d5c")
    assert source_text.created_by == federal_editor
    assert Cluster.objects.count() == FundingLine.objects.count() == 0


def test_accepting_the_smolensk_proposals_creates_drafts_citing_the_source(federal_editor):
    source_text = pasted(federal_editor, "004_c8ccfdd2582e0d5c", published_on=dt.date(2025, 1, 24))
    source = source_text.source

    cluster = proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    assert not cluster.is_published
    assert list(cluster.sources.all()) == [source]
    assert (cluster.region.code, cluster.industry.slug, cluster.kind) == (
        "67",
        "mechanical-engineering",
        "production_center",
    )
    base = cluster.cluster_colleges.get(role=CollegeRole.BASE).college
    assert base.full_name == "Смоленская академия профессионального образования"
    assert base.short_name == "СмолАПО"

    for money in source_text.proposals["money"]:
        proposal_accept(actor=federal_editor, source_text=source_text, item_id=money["id"])
    lines = {
        (line.funding_source, line.amount_rub, line.qualifier, line.cluster_id)
        for line in FundingLine.objects.all()
    }
    assert lines == {
        ("federal", Decimal(100_000_000), "exact", cluster.pk),
        ("regional", Decimal(16_000_000), "exact", cluster.pk),
    }
    assert all(line.source == source and line.exact_wording for line in FundingLine.objects.all())
    total = ReportedFigure.objects.get(kind=FigureKind.FUNDING_TOTAL_RUB)
    assert (total.value, total.qualifier, total.as_of) == (
        Decimal(153_000_000),
        "approximately",
        dt.date(2025, 1, 24),
    )
    assert "почти 153 млн руб." in total.exact_wording

    students = item(source_text, "figures", kind="students")
    employers = item(source_text, "figures", kind="employers")
    for figure in (students, employers):
        proposal_accept(actor=federal_editor, source_text=source_text, item_id=figure["id"])
    assert set(
        ReportedFigure.objects.exclude(kind=FigureKind.FUNDING_TOTAL_RUB).values_list(
            "kind", "value", "qualifier", "source"
        )
    ) == {
        ("students", Decimal(560), "at_least", source.pk),
        ("employers", Decimal(16), "exact", source.pk),
    }
    source_text.refresh_from_db()
    assert item(source_text, "clusters", id="c1")["status"] == "accepted"
    assert item(source_text, "clusters", id="c1")["record"] == f"clusters.cluster:{cluster.pk}"


def test_altai_joint_money_becomes_one_region_level_line(federal_editor):
    source_text = pasted(federal_editor, "001_8001ba0a9021a267")
    joint = item(source_text, "money", amount="200000000")
    assert joint["clusters"] == ["c2", "c3"]
    line = proposal_accept(actor=federal_editor, source_text=source_text, item_id=joint["id"])
    assert line.cluster is None
    assert line.region.code == "22"
    assert (line.amount_rub, line.funding_source) == (Decimal(200_000_000), "federal")
    assert "Алтайский политехнический техникум" in line.note
    assert FundingLine.objects.count() == 1  # not split between the two clusters


def test_money_of_a_cluster_waits_for_the_cluster(federal_editor):
    source_text = pasted(federal_editor, "004_c8ccfdd2582e0d5c")
    money = item(source_text, "money", source="federal")
    with pytest.raises(ValidationError, match="Сначала примите кластер"):
        proposal_accept(actor=federal_editor, source_text=source_text, item_id=money["id"])
    assert FundingLine.objects.count() == 0


KURSK_50 = (
    "В Курской области на базе Курского педагогического колледжа создан образовательный "
    "кластер по педагогике. Колледж получит 50 млн рублей."
)


def test_a_sum_whose_budget_the_text_does_not_name_is_the_clusters_reported_funding(
    federal_editor,
):
    source_text = source_text_create(actor=federal_editor, text=KURSK_50, title="Курск")
    cluster = proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    figure = proposal_accept(actor=federal_editor, source_text=source_text, item_id="m1")
    # No budget is guessed: the sum is the cluster's reported funding, with its words.
    assert (figure.cluster, figure.kind, figure.value) == (
        cluster,
        FigureKind.FUNDING_TOTAL_RUB,
        Decimal(50_000_000),
    )
    assert figure.exact_wording == "Колледж получит 50 млн рублей."
    assert not FundingLine.objects.filter(cluster=cluster).exists()


def test_a_budget_staff_choose_makes_the_sum_a_funding_line(federal_editor):
    source_text = source_text_create(actor=federal_editor, text=KURSK_50, title="Курск")
    proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    line = proposal_accept(
        actor=federal_editor, source_text=source_text, item_id="m1", edits={"source": "regional"}
    )
    assert (line.funding_source, line.amount_rub) == ("regional", Decimal(50_000_000))


def test_a_cluster_whose_kind_industry_and_year_the_text_leaves_unstated_is_accepted_empty(
    federal_editor,
):
    text = "В Орловской области на базе Орловского автодорожного техникума появится кластер."
    source_text = source_text_create(actor=federal_editor, text=text, title="Орёл")
    proposed = item(source_text, "clusters", id="c1")
    assert proposed["unstated"] == ["industry", "kind", "year"]
    cluster = proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    assert (cluster.kind, cluster.industry, cluster.selection_year) == ("", None, None)
    assert cluster.region.name == "Орловская область"
    assert cluster.name == "Кластер на базе: Орловский автодорожный техникум, Орловская область"


def test_a_new_base_college_in_an_unnamed_region_is_refused_with_the_reason(federal_editor):
    text = "Кластер создадут на базе Северного технологического колледжа."
    source_text = source_text_create(actor=federal_editor, text=text, title="Без субъекта")
    assert item(source_text, "clusters", id="c1")["unstated"][0] == "region"
    with pytest.raises(ValidationError) as error:
        proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    assert "не называет субъект" in str(error.value)
    assert item(source_text, "clusters", id="c1")["status"] == "pending"


def test_staff_edits_replace_what_was_proposed(federal_editor):
    source_text = pasted(federal_editor, "003_ecfe5ce76e089c44")
    cluster = proposal_accept(
        actor=federal_editor,
        source_text=source_text,
        item_id="c1",
        edits={"base_college_name": "Колледж «Энергия»", "year": "2023"},
    )
    assert cluster.selection_year == 2023
    assert cluster.kind == "education_cluster"
    assert cluster.cluster_colleges.get().college.full_name == "Колледж «Энергия»"


def test_an_existing_college_is_reused_when_staff_choose_this_one(federal_editor):
    from regions.models import Region

    existing = College.objects.create(
        full_name="Алтайская академия гостеприимства", region=Region.objects.get(code="22")
    )
    source_text = pasted(federal_editor, "001_8001ba0a9021a267")
    assert item(source_text, "clusters", id="c1")["base_college"]["match"] == existing.pk
    cluster = proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    assert cluster.cluster_colleges.get(role=CollegeRole.BASE).college == existing
    assert College.objects.filter(full_name="Алтайская академия гостеприимства").count() == 1
    assert cluster.cluster_employers.get().employer.name == "АО «БТК групп»"


def test_a_regional_editor_accepts_only_within_their_regions(smolensk_editor, altai_editor):
    smolensk = pasted(smolensk_editor, "004_c8ccfdd2582e0d5c")
    cluster = proposal_accept(actor=smolensk_editor, source_text=smolensk, item_id="c1")
    assert cluster.region.code == "67"

    altai = pasted(smolensk_editor, "001_8001ba0a9021a267")
    with pytest.raises(PermissionDenied):
        proposal_accept(actor=smolensk_editor, source_text=altai, item_id="c1")
    assert not Cluster.objects.filter(region__code="22").exists()
    altai.refresh_from_db()
    assert item(altai, "clusters", id="c1")["status"] == "pending"
    assert proposal_accept(actor=altai_editor, source_text=altai, item_id="c1").region.code == "22"


def test_a_rejected_proposal_writes_nothing_and_cannot_be_accepted_twice(federal_editor):
    source_text = pasted(federal_editor, "004_c8ccfdd2582e0d5c")
    proposal_reject(actor=federal_editor, source_text=source_text, item_id="f1")
    assert item(source_text, "figures", id="f1")["status"] == "rejected"
    proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    with pytest.raises(ValidationError):
        proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    assert Cluster.objects.count() == 1


def test_a_pasted_text_is_stored_with_plain_line_endings_so_spans_match(federal_editor):
    source_text = source_text_create(
        actor=federal_editor,
        text=seed_text("004_c8ccfdd2582e0d5c").replace("\n", "\r\n"),
        title="x",
    )
    assert "\r" not in source_text.text
    for money in source_text.proposals["money"]:
        assert source_text.text[money["start"] : money["end"]] == money["quote"]


def test_an_upper_bound_is_accepted_as_at_most_never_as_exact(federal_editor):
    text = "В Курской области на базе Курского педагогического колледжа создан образовательный кластер по педагогике. Колледж получит до 50 млн рублей из регионального бюджета."
    source_text = source_text_create(actor=federal_editor, text=text, title="Курск")
    proposal_accept(actor=federal_editor, source_text=source_text, item_id="c1")
    line = proposal_accept(actor=federal_editor, source_text=source_text, item_id="m1")
    assert (line.amount_rub, line.qualifier, line.funding_source) == (
        Decimal(50_000_000),
        "at_most",
        "regional",
    )


@pytest.mark.parametrize("name", [p.stem for p in sorted(SEEDS.glob("*.txt"))])
def test_every_seed_accepts_into_drafts_that_cite_it(federal_editor, name):
    source_text = pasted(federal_editor, name)
    proposals = source_text.proposals
    for cluster in proposals["clusters"]:
        proposal_accept(actor=federal_editor, source_text=source_text, item_id=cluster["id"])
    accepted_money = 0
    for money in proposals["money"]:
        if money["source"] == "unknown" and not money["is_total"]:
            continue  # staff must name the source first
        proposal_accept(actor=federal_editor, source_text=source_text, item_id=money["id"])
        accepted_money += 1
    for figure in proposals["figures"]:
        proposal_accept(actor=federal_editor, source_text=source_text, item_id=figure["id"])
    source = source_text.source
    clusters = Cluster.objects.all()
    assert clusters.count() == len(proposals["clusters"])
    assert not clusters.filter(is_published=True).exists()
    assert all(source in c.sources.all() for c in clusters)
    lines = FundingLine.objects.all()
    totals = ReportedFigure.objects.filter(kind=FigureKind.FUNDING_TOTAL_RUB)
    assert lines.count() + totals.count() == accepted_money
    assert not lines.exclude(source=source).exists()
    assert not ReportedFigure.objects.exclude(source=source).exists()
    assert ReportedFigure.objects.count() == totals.count() + len(proposals["figures"])


@pytest.mark.parametrize(("typed", "read"), money_cases.READ)
def test_an_edited_sum_is_read_as_the_admin_reads_it(federal_editor, typed, read):
    source_text = pasted(federal_editor, "001_8001ba0a9021a267")
    joint = item(source_text, "money", amount="200000000")
    line = proposal_accept(
        actor=federal_editor, source_text=source_text, item_id=joint["id"], edits={"amount": typed}
    )
    assert line.amount_rub == read


@pytest.mark.parametrize(("typed", "explained"), money_cases.REFUSED)
def test_an_edited_sum_the_admin_refuses_is_refused_saying_what_was_read(
    federal_editor, typed, explained
):
    source_text = pasted(federal_editor, "001_8001ba0a9021a267")
    joint = item(source_text, "money", amount="200000000")
    with pytest.raises(ValidationError) as refused:
        proposal_accept(
            actor=federal_editor,
            source_text=source_text,
            item_id=joint["id"],
            edits={"amount": typed},
        )
    message = " ".join(refused.value.message_dict["amount"])
    assert f"Сумма «{typed}» не прочитана" in message and explained in message
    assert not FundingLine.objects.exists()
