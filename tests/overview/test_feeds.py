"""Atom feeds of published changes: valid Atom (RFC 4287 required elements), never a draft."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from funding.models import FundingLine

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_valid_atom(response) -> list[ET.Element]:
    """The feed's entries, after checking what RFC 4287 requires of a feed and each entry."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
    entries = root.findall(f"{ATOM}entry")
    ids = set()
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), required
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith("http")
        ids.add(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(entries)  # ids are unique
    # A feed without an author needs one in every entry (RFC 4287 4.1.1).
    if root.find(f"{ATOM}author") is None:
        assert all(e.find(f"{ATOM}author") is not None for e in entries) or not entries
    return entries


def titles(entries) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries]


def test_site_feed_is_valid_atom_with_clusters_money_and_sources(client, seed):
    entries = titles(parse_valid_atom(client.get("/feed/")))
    assert "Новый кластер: ОПЦ машиностроения, Смоленская область" in entries
    assert any(t.startswith("Деньги: Алтайский край (совместно") for t in entries)
    assert any(t.startswith("Новый источник: Василий Анохин") for t in entries)


def test_feeds_never_contain_a_draft_even_for_staff(client, draft_cluster, superuser):
    client.force_login(superuser)
    for url in ("/feed/", "/regions/irkutsk-oblast/feed/"):
        body = client.get(url).content.decode()
        assert "Черновик" not in body and "777" not in body, url


def test_region_feed_has_only_its_region(client, seed):
    entries = titles(parse_valid_atom(client.get("/regions/altai-krai/feed/")))
    assert entries and all("Смоленск" not in t for t in entries)
    assert any("Алтайский край" in t for t in entries)


def test_changed_money_comes_first(client, seed):
    line = FundingLine.objects.get(
        cluster__slug="smo-mechanical-engineering", funding_source="regional"
    )
    line.note = "уточнено"
    line.save()
    first = titles(parse_valid_atom(client.get("/feed/")))[0]
    assert first.startswith("Деньги: ОПЦ машиностроения, Смоленская область")


def test_a_cluster_with_no_kind_industry_or_years_is_a_feed_entry_saying_so(client, db):
    from tests.clusters.factories import ClusterFactory

    cluster = ClusterFactory(
        name="Кластер без сведений", kind="", industry=None, selection_year=None
    )
    for url in ("/feed/", f"/regions/{cluster.region.slug}/feed/"):
        entries = parse_valid_atom(client.get(url))
        entry = next(e for e in entries if "Кластер без сведений" in e.findtext(f"{ATOM}title"))
        summary = entry.findtext(f"{ATOM}summary")
        assert summary == f"Тип не указан, отрасль не указана, {cluster.region.name}.", url


def test_feed_entries_never_start_with_a_separator(client, seed):
    for entry in parse_valid_atom(client.get("/feed/")):
        summary = (entry.findtext(f"{ATOM}summary") or "").strip()
        assert summary and summary[0] not in ",;.—", summary


def test_a_money_entry_ends_its_sentence_once(client, seed):
    summaries = [
        entry.findtext(f"{ATOM}summary") or ""
        for entry in parse_valid_atom(client.get("/regions/altai-krai/feed/"))
    ]
    assert any(s.endswith("2023 г.") for s in summaries)
    assert not any("г.." in s for s in summaries)
