"""The admin flow as staff use it: «Новый источник из текста» → review → accept as drafts."""

from decimal import Decimal
from pathlib import Path

import pytest

from clusters.models import Cluster
from extraction.models import SourceText
from funding.models import FundingLine

SMOLENSK = (Path(__file__).resolve().parent / "seeds" / "004_c8ccfdd2582e0d5c.txt").read_text(
    encoding="utf-8"
)
ADD = "/admin/extraction/sourcetext/add/"


@pytest.fixture
def editor_client(client, federal_editor):
    client.force_login(federal_editor)
    return client


def test_the_add_form_is_titled_and_asks_for_the_text(editor_client):
    page = editor_client.get(ADD).content.decode()
    assert "Новый источник из текста" in page
    assert 'name="text"' in page and 'name="published_on"' in page


def test_pasting_the_smolensk_seed_and_accepting_creates_drafts(editor_client):
    response = editor_client.post(
        ADD,
        {
            "title": "Василий Анохин посетил Смоленскую академию профессионального образования",
            "publisher": "Администрация Смоленской области",
            "published_on": "2025-01-24",
            "text": SMOLENSK,
        },
    )
    source_text = SourceText.objects.get()
    review = f"/admin/extraction/sourcetext/{source_text.pk}/review/"
    assert response.status_code == 302 and response["Location"] == review

    page = editor_client.get(review).content.decode()
    # The text with its facts highlighted, and the proposals beside it.
    assert '<mark class="money" data-item="m1"' in page
    assert "почти 153 млн руб.</mark>" in page
    assert "более 560 студентов</mark>" in page
    assert "Смоленская академия профессионального образования" in page
    assert "Общая сумма" in page and "Смоленская область" in page

    def decide(item: str, action: str = "accept", **fields):
        data = {"item": item, "action": action}
        data.update({f"{item}-{k}": v for k, v in fields.items()})
        return editor_client.post(review, data, follow=True)

    proposals = source_text.proposals
    cluster_fields = {
        "cluster_match": "new",
        "region": str(proposals["clusters"][0]["region_id"]),
        "industry": "mechanical-engineering",
        "kind": "production_center",
        "year": "",
        "base_college_name": "Смоленская академия профессионального образования",
        "base_college_match": "new",
        "checkboxes": "",
    }
    page = decide("c1", **cluster_fields).content.decode()
    assert "Принято как черновик" in page
    cluster = Cluster.objects.get()
    assert not cluster.is_published
    # The record written is named and linked, never its internal reference.
    url = f"/admin/clusters/cluster/{cluster.pk}/change/"
    assert f'записано как черновик: <a href="{url}">Кластер № {cluster.pk}</a>' in page
    assert "clusters.cluster:" not in page

    federal = next(m for m in proposals["money"] if m["source"] == "federal")
    decide(
        federal["id"],
        clusters="c1",
        amount="100000000",
        qualifier="exact",
        source="federal",
        fiscal_year="",
        checkboxes="is_total",
    )
    line = FundingLine.objects.get()
    assert (line.cluster, line.amount_rub, line.funding_source) == (
        cluster,
        Decimal(100_000_000),
        "federal",
    )
    assert line.source == source_text.source
    assert "грант по федеральному проекту" in line.exact_wording

    regional = next(m for m in proposals["money"] if m["source"] == "regional")
    page = decide(regional["id"], "reject").content.decode()
    assert "Предложение отклонено" in page
    assert FundingLine.objects.count() == 1
    assert "Отклонено." in page


def test_an_error_is_shown_in_russian_and_nothing_is_written(editor_client):
    editor_client.post(ADD, {"title": "Смоленск", "text": SMOLENSK})
    source_text = SourceText.objects.get()
    review = f"/admin/extraction/sourcetext/{source_text.pk}/review/"
    page = editor_client.post(
        review,
        {"item": "m2", "action": "accept", "m2-clusters": "c1", "m2-checkboxes": "is_total"},
        follow=True,
    ).content.decode()
    assert "Не принято: Сначала примите кластер" in page
    assert FundingLine.objects.count() == 0


@pytest.mark.django_db
def test_people_without_the_permission_cannot_paste(client, django_user_model):
    user = django_user_model.objects.create_user("x", "x@example.org", "pw", is_staff=True)
    client.force_login(user)
    assert client.get(ADD).status_code == 403
