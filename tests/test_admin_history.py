"""The admin's history as staff read it: who, when, why, each field before → after in Russian."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from clusters.models import Cluster
from funding.models import FundingLine
from tests.test_admin import _change_form_data

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def smolensk(seed) -> Cluster:
    return Cluster.objects.get(slug="smo-mechanical-engineering")


def _regional_line(cluster) -> FundingLine:
    return cluster.funding_lines.get(funding_source="regional")


def _edit_regional_line_in_cluster_page(client, cluster, amount: str, reason: str):
    line = _regional_line(cluster)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = _change_form_data(client, url)
    index = next(
        k.split("-")[1]
        for k, v in form.items()
        if k.startswith("funding_lines-") and k.endswith("-id") and v == line.pk
    )
    form[f"funding_lines-{index}-amount_rub"] = amount
    form[f"funding_lines-{index}-amount_rub_reason"] = reason
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    return line


def _history_text(client, cluster) -> str:
    page = client.get(reverse("admin:clusters_cluster_history", args=[cluster.pk]))
    assert page.status_code == 200
    return page.content.decode().replace(NBSP, " ")


def test_a_funding_line_change_appears_in_the_cluster_history_in_russian(
    smolensk, admin_client_logged, superuser
):
    _edit_regional_line_in_cluster_page(
        admin_client_logged, smolensk, "17 000 000", "уточнено по постановлению № 12"
    )
    assert _regional_line(smolensk).amount_rub == Decimal("17000000")

    text = _history_text(admin_client_logged, smolensk)
    assert "Строка финансирования" in text
    assert "Сумма, ₽" in text
    assert "<del>16 000 000 ₽</del> → <ins>17 000 000 ₽</ins>" in text
    assert "уточнено по постановлению № 12" in text
    assert superuser.username in text
    for wrong in ("None", "CHANGES", "chars]", "Changes"):
        assert wrong not in text


def test_the_first_edit_of_seeded_data_shows_what_it_replaced(smolensk, admin_client_logged):
    line = _regional_line(smolensk)
    first = line.history.get()
    assert first.history_type == "+"
    assert first.amount_rub == Decimal("16000000")

    _edit_regional_line_in_cluster_page(admin_client_logged, smolensk, "17000000", "опечатка")
    page = admin_client_logged.get(reverse("admin:funding_fundingline_history", args=[line.pk]))
    text = page.content.decode().replace(NBSP, " ")
    assert "<del>16 000 000 ₽</del> → <ins>17 000 000 ₽</ins>" in text
    assert "начальная запись: данные загружены" in text
    assert "система (загрузка данных)" in text


def test_the_reason_is_kept_on_the_history_record(smolensk, admin_client_logged):
    line = _edit_regional_line_in_cluster_page(
        admin_client_logged, smolensk, "18 000 000", "письмо минфина"
    )
    assert line.history.first().history_change_reason == "письмо минфина"


def test_choices_and_foreign_keys_read_as_names(smolensk, admin_client_logged):
    line = _regional_line(smolensk)
    url = reverse("admin:funding_fundingline_change", args=[line.pk])
    form = _change_form_data(admin_client_logged, url)
    form["qualifier"] = "approximately"
    form["amount_rub"] = "16 000 000"
    response = admin_client_logged.post(url, form)
    assert response.status_code == 302
    text = _history_text(admin_client_logged, smolensk)
    assert "<del>точно</del> → <ins>приблизительно</ins>" in text
    # The first record lists the values the line started with, the region by its name.
    assert "Смоленская область" in text


def test_the_feed_needs_its_permission(seed, client, staff_editor):
    client.force_login(staff_editor)
    url = reverse("admin:history_change_changelist")
    assert client.get(url).status_code == 403
    staff_editor.user_permissions.add(Permission.objects.get(codename="view_change"))
    assert client.get(url).status_code == 200


def test_the_feed_filters_by_region_user_model_and_period(smolensk, admin_client_logged, superuser):
    _edit_regional_line_in_cluster_page(admin_client_logged, smolensk, "17 000 000", "проверка")
    url = reverse("admin:history_change_changelist")

    def changes(**params):
        response = admin_client_logged.get(url, params)
        assert response.status_code == 200
        return response.context["changes"]

    mine = changes(user=superuser.pk)
    assert {c.model_key for c in mine} >= {"funding.fundingline", "clusters.cluster"}
    assert all(c.user == superuser.username for c in mine)
    line_changes = changes(user=superuser.pk, model="funding.fundingline")
    assert [c.reason for c in line_changes] == ["проверка"]
    assert changes(region=smolensk.region_id, model="funding.fundingline", user=superuser.pk)
    irkutsk = Cluster.objects.get(slug="irk-metallurgy").region_id
    assert not changes(region=irkutsk, user=superuser.pk)
    assert not changes(until="2000-01-01")
    assert changes(since="2000-01-01", model="clusters.cluster")


def test_a_cluster_history_names_programmes_added(smolensk, admin_client_logged):
    from clusters import services
    from tests.clusters.factories import ProgrammeFactory

    programme = ProgrammeFactory(code="15.01.05", name="Сварщик")
    services.cluster_update(actor=None, cluster=smolensk, programmes=[programme])
    text = _history_text(admin_client_logged, smolensk)
    assert "Профессии и специальности" in text
    assert "<del>не указано</del> → <ins>15.01.05 Сварщик</ins>" in text


def _history_queries(client, cluster) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        _history_text(client, cluster)
    return len(ctx.captured_queries)


def test_the_cluster_history_page_makes_as_many_queries_for_many_changes_as_for_few(
    smolensk, admin_client_logged
):
    from funding.services import funding_line_update

    line = _regional_line(smolensk)
    funding_line_update(actor=None, line=line, amount_rub=Decimal("17000000"))
    few = _history_queries(admin_client_logged, smolensk)
    for amount in range(18, 30):
        funding_line_update(actor=None, line=line, amount_rub=Decimal(amount * 1000000))
    assert _history_queries(admin_client_logged, smolensk) == few


def test_model_names_keep_their_capitals_in_the_feed_and_the_history(smolensk, admin_client_logged):
    from history.tracked import model_choices

    labels = dict(model_choices())
    assert labels["regions.region"] == "Субъекты РФ"
    assert labels["clusters.programme"] == "Профессии и специальности СПО"
    feed = admin_client_logged.get(reverse("admin:history_change_changelist")).content.decode()
    assert "Субъект рф" not in feed and "Субъекты рф" not in feed
