"""Russian that reads right in the admin: declined model names, «ё», «…» quotes."""

import pytest
from django.urls import reverse

from clusters.models import Cluster, College
from tests.test_admin import _change_form_data

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode().replace(NBSP, " ")


def test_page_titles_decline_the_model_name(seed, admin_client_logged):
    college = College.objects.first()
    text = _text(
        admin_client_logged.get(reverse("admin:clusters_college_change", args=[college.pk]))
    )
    assert "<h1>Изменить образовательную организацию</h1>" in text
    assert "| Изменить образовательную организацию |" in text
    text = _text(admin_client_logged.get(reverse("admin:funding_fundingline_add")))
    assert "<h1>Добавить строку финансирования</h1>" in text
    text = _text(admin_client_logged.get(reverse("admin:clusters_employer_changelist")))
    assert "Выберите работодателя для изменения" in text
    assert "Добавить работодателя" in text


def test_inlines_offer_to_add_another_row_in_the_accusative(seed, admin_client_logged):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    text = _text(
        admin_client_logged.get(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    )
    assert "Добавить ещё одну строку финансирования" in text
    assert "Добавить ещё одну образовательную организацию" in text
    assert "Добавить ещё один заявленный показатель" in text
    assert "еще один" not in text


def test_the_saved_message_reads_right(seed, admin_client_logged):
    college = College.objects.first()
    url = reverse("admin:clusters_college_change", args=[college.pk])
    form = _change_form_data(admin_client_logged, url)
    response = admin_client_logged.post(url, form, follow=True)
    text = _text(response)
    assert "Изменения сохранены: образовательная организация «" in text
    assert "был успешно изменен" not in text


def test_a_refused_inline_row_keeps_its_saved_name_in_the_header(seed, admin_client_logged):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    line = cluster.funding_lines.get(funding_source="regional")
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = _change_form_data(admin_client_logged, url)
    index = next(
        k.split("-")[1]
        for k, v in form.items()
        if k.startswith("funding_lines-") and k.endswith("-id") and v == line.pk
    )
    form[f"funding_lines-{index}-amount_rub"] = "18 000 000"  # no reason given: refused
    text = _text(admin_client_logged.post(url, form))
    assert "Укажите причину изменения" in text
    assert "бюджет субъекта, 16 000 000 ₽" in text
    assert "бюджет субъекта, 18 000 000 ₽" not in text
