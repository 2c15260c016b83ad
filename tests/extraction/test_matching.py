"""Proposals are matched to the records the registry already holds, not duplicated."""

from pathlib import Path

import pytest

from extraction.extractor import extract
from extraction.services import (
    highlight_segments,
    match_colleges,
    match_employers,
    proposals_from,
)
from tests.clusters.factories import CollegeFactory, EmployerFactory

SEEDS = Path(__file__).resolve().parent / "seeds"


def seed_text(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_a_college_is_found_by_its_name_in_any_case_and_quotes():
    college = CollegeFactory(full_name="Иркутский энергетический колледж")
    CollegeFactory(full_name="Иркутский техникум транспорта")
    assert match_colleges("Иркутского энергетического колледжа", []) == [college]
    quoted = CollegeFactory(full_name="Колледж «Энергия»", short_name="ПК «Энергия»")
    assert match_colleges("колледж «Энергия»", []) == [quoted]


@pytest.mark.django_db
def test_a_college_is_found_by_the_abbreviation_the_text_defines():
    college = CollegeFactory(full_name="ОГБПОУ Смоленская академия", short_name="СмолАПО")
    assert match_colleges("Смоленская академия профессионального образования", ["СмолАПО"]) == [
        college
    ]


@pytest.mark.django_db
def test_an_employer_is_found_by_its_quoted_name():
    employer = EmployerFactory(name="АО «БТК групп»")
    assert match_employers("АО «БТК групп»") == [employer]
    assert match_employers("ООО «Другая компания»") == []


def test_seeded_registry_offers_the_existing_cluster_for_the_smolensk_text(seed):
    from clusters.models import Cluster

    proposals = proposals_from(
        extract(seed_text("004_c8ccfdd2582e0d5c")), seed_text("004_c8ccfdd2582e0d5c")
    )
    (cluster,) = proposals["clusters"]
    existing = Cluster.objects.get(slug="smo-mechanical-engineering")
    assert cluster["cluster_match"] == existing.pk
    assert cluster["base_college"]["match"] is not None
    assert cluster["region_id"] == existing.region_id


def test_seeded_registry_matches_every_irkutsk_college(seed):
    text = seed_text("000_7f35a00beffbff5d")
    proposals = proposals_from(extract(text), text)
    for cluster in proposals["clusters"]:
        assert cluster["base_college"]["match"] is not None
        assert all(org["match"] is not None for org in cluster["network_colleges"])
        assert cluster["cluster_match"] is not None


@pytest.mark.django_db
def test_proposals_cite_the_sentence_and_keep_only_cluster_figures():
    text = seed_text("004_c8ccfdd2582e0d5c")
    proposals = proposals_from(extract(text), text)
    total = next(m for m in proposals["money"] if m["is_total"])
    assert total["wording"] == (
        "«На создание образовательно-производственного центра машиностроения направлено почти "
        '153 млн руб. 100 млн руб. из них – это грант по федеральному проекту "Профессионалитет" '
        'Минпросвещения России в рамках нацпроекта "Молодёжь и дети", 16 млн руб. предоставлены '
        "Правительством области."
    )
    assert total["wording"] in text
    assert all(f["cluster"] for f in proposals["figures"])
    assert {m["status"] for m in proposals["money"]} == {"pending"}


@pytest.mark.django_db
def test_highlighted_segments_rebuild_the_text_exactly():
    text = seed_text("001_8001ba0a9021a267")
    proposals = proposals_from(extract(text), text)
    segments = highlight_segments(text, proposals)
    assert "".join(s["text"] for s in segments) == text
    marked = {s["text"] for s in segments if s.get("css") == "money"}
    assert "более 22 миллионов рублей" in marked


@pytest.mark.django_db
def test_the_shared_matcher_decides_a_sure_match_despite_legal_form_and_quotes():
    from extraction.services import match_existing

    employer = EmployerFactory(name="АО «АвтоВАЗ»")
    assert match_existing("employer", "АВТОВАЗ", [], None, employer.region_id) == [employer]
