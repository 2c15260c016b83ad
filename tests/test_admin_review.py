"""Review before publishing: a regional editor's cluster waits for a federal editor, who
publishes it (only then the public sees it) or returns it with a comment."""

import pytest
from django.urls import reverse

from accounts.services import staff_user_create
from clusters.choices import ReviewState
from clusters.models import Cluster, College, Industry, Source
from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(seed, client):
    user, _ = staff_user_create(username="smolensk", role="regional-editor", region_codes=["67"])
    client.force_login(user)
    return client


@pytest.fixture
def federal(seed, django_user_model):
    from django.test import Client

    user, _ = staff_user_create(username="moscow", role="federal-editor")
    client = Client()
    client.force_login(user)
    return client


def _new_cluster_by_regional_editor(client) -> Cluster:
    college = College.objects.get(full_name__startswith="Смоленская академия")
    data = {
        "name": "ОПЦ «Новый», Смоленская область",
        "slug": "smo-new",
        "kind": "production_center",
        "industry": Industry.objects.first().pk,
        "region": Region.objects.get(code="67").pk,
        "status": "selected",
        "sources": [Source.objects.first().pk],
        "cluster_colleges-TOTAL_FORMS": 1,
        "cluster_colleges-INITIAL_FORMS": 0,
        "cluster_colleges-0-college": college.pk,
        "cluster_colleges-0-role": "base",
    }
    for prefix in ("cluster_employers", "figures", "funding_lines"):
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    response = client.post(reverse("admin:clusters_cluster_add"), data)
    assert response.status_code == 302, response.content.decode()[:4000]
    return Cluster.objects.get(slug="smo-new")


def _review(client, cluster, action, comment=""):
    url = reverse("admin:clusters_cluster_review", args=[cluster.pk])
    return client.post(url, {"review_action": action, "review_comment": comment}, follow=True)


def _public_status(cluster) -> int:
    from django.test import Client

    return Client().get(cluster.get_absolute_url()).status_code


def test_a_regional_editors_cluster_waits_until_a_federal_editor_publishes_it(regional, federal):
    cluster = _new_cluster_by_regional_editor(regional)
    assert cluster.review_state == ReviewState.DRAFT
    assert _public_status(cluster) == 404

    page = regional.get(
        reverse("admin:clusters_cluster_change", args=[cluster.pk])
    ).content.decode()
    assert 'value="submit">Отправить на проверку' in page
    assert 'value="publish"' not in page
    assert _review(regional, cluster, "publish").status_code == 403

    response = _review(regional, cluster, "submit")
    assert "Отправлено на проверку" in response.content.decode()
    cluster.refresh_from_db()
    assert cluster.review_state == ReviewState.IN_REVIEW
    assert _public_status(cluster) == 404

    queue = federal.get(reverse("admin:clusters_cluster_changelist")).content.decode()
    assert "Ждут проверки: <strong>1</strong>" in queue
    waiting = federal.get(
        reverse("admin:clusters_cluster_changelist"), {"review_state__exact": "in_review"}
    )
    assert [c.slug for c in waiting.context["cl"].result_list] == ["smo-new"]

    _review(federal, cluster, "publish")
    cluster.refresh_from_db()
    assert cluster.review_state == ReviewState.PUBLISHED and cluster.is_published
    assert _public_status(cluster) == 200


def test_a_returned_cluster_carries_the_comment_the_regional_editor_reads(regional, federal):
    cluster = _new_cluster_by_regional_editor(regional)
    _review(regional, cluster, "submit")
    response = _review(federal, cluster, "return", "")
    assert "Напишите, что нужно исправить" in response.content.decode()
    _review(federal, cluster, "return", "Укажите год отбора и работодателей.")
    cluster.refresh_from_db()
    assert cluster.review_state == ReviewState.RETURNED
    assert _public_status(cluster) == 404
    page = regional.get(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    text = page.content.decode()
    assert "возвращён на доработку" in text
    assert "Укажите год отбора и работодателей." in text
    assert 'value="submit">Отправить на проверку' in text


def test_the_feed_shows_a_regional_editors_change_to_federal_editors_by_region(regional, federal):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    _new_cluster_by_regional_editor(regional)
    feed = federal.get(reverse("admin:history_change_changelist"), {"region": cluster.region_id})
    assert feed.status_code == 200
    users = {c.user for c in feed.context["changes"]}
    assert "smolensk" in users
    assert regional.get(reverse("admin:history_change_changelist")).status_code == 403


def test_every_review_step_is_an_event_in_the_history_and_the_feed(regional, federal):
    cluster = _new_cluster_by_regional_editor(regional)
    _review(regional, cluster, "submit", "Проверьте, пожалуйста")
    _review(federal, cluster, "return", "Укажите год отбора.")
    _review(regional, cluster, "submit")
    _review(federal, cluster, "publish", "Всё верно")
    page = federal.get(reverse("admin:clusters_cluster_change", args=[cluster.pk])).content
    assert 'value="withdraw">Снять с публикации' in page.decode()
    _review(federal, cluster, "withdraw", "Источник отозван")
    cluster.refresh_from_db()
    assert cluster.review_state == ReviewState.DRAFT and not cluster.is_published

    history = federal.get(reverse("admin:clusters_cluster_history", args=[cluster.pk]))
    events = [
        (c.event, c.user, c.reason)
        for c in history.context["changes"]
        if c.object_label == str(cluster) and c.event
    ]
    assert events == [
        ("снятие с публикации", "moscow", "Снят с публикации: Источник отозван"),
        ("публикация", "moscow", "Опубликован: Всё верно"),
        ("отправка на проверку", "smolensk", "Отправлен на проверку"),
        ("возврат на доработку", "moscow", "Возвращён на доработку: Укажите год отбора."),
        ("отправка на проверку", "smolensk", "Отправлен на проверку: Проверьте, пожалуйста"),
    ]
    html = history.content.decode()
    assert "без изменений в полях" not in html
    assert "<strong>публикация</strong>" in html
    assert "Состояние проверки" in html and "<ins>опубликован</ins>" in html

    feed = federal.get("/api/v1/changes/", {"model": "clusters.cluster"})
    assert feed.status_code == 200
    feed_events = [r["event"] for r in feed.json()["results"] if r["event"]]
    assert feed_events[:2] == ["снятие с публикации", "публикация"]


def test_a_refusal_names_the_right_in_russian(regional):
    from django.core.exceptions import PermissionDenied

    from clusters import services

    user = regional.session["_auth_user_id"]
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(pk=user)
    other = Cluster.objects.get(slug="irk-energy")
    with pytest.raises(PermissionDenied) as refused:
        services.cluster_update(actor=actor, cluster=other, name="Чужой")
    assert "«change»" not in str(refused.value) and "Недостаточно прав" in str(refused.value)


def test_a_long_comment_fits_the_history_and_a_return_keeps_it_whole(regional, federal):
    cluster = _new_cluster_by_regional_editor(regional)
    _review(regional, cluster, "submit")
    comment = "Укажите год отбора, работодателей и источник суммы. " * 5
    response = _review(federal, cluster, "return", comment)
    assert response.status_code == 200
    cluster.refresh_from_db()
    assert cluster.review_comment == comment.strip()
    record = cluster.history.first()
    assert len(record.history_change_reason) == 100
    assert record.history_change_reason.endswith("…")
