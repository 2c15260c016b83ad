"""The admin, through its real pages: every list and change page works, lists do not query per row."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.choices import CollegeRole
from clusters.models import Cluster
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    CollegeFactory,
    EmployerFactory,
    ReportedFigureFactory,
)
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db

REGISTRY_APPS = {"regions", "clusters", "funding"}


def registry_models():
    return [m for m in admin.site._registry if m._meta.app_label in REGISTRY_APPS]


def test_every_admin_list_add_and_change_page_answers(seed, admin_client_logged):
    for model in registry_models():
        opts = model._meta
        list_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client_logged.get(list_url).status_code == 200, list_url
        add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        # Derived data (funding totals) may refuse manual adds; everything else must open.
        assert admin_client_logged.get(add_url).status_code in (200, 403), add_url
        obj = model._default_manager.first()
        if obj is not None:
            for view in ("change", "history"):
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
                assert admin_client_logged.get(url).status_code == 200, url


def test_cluster_list_shows_the_russian_columns(seed, admin_client_logged):
    response = admin_client_logged.get(reverse("admin:clusters_cluster_changelist"))
    text = response.content.decode()
    assert "базовая организация" in text.lower()
    assert "Смоленская академия профессионального образования" in text
    assert "Сибирский федеральный округ" in text


def _make_rows(count: int) -> None:
    for _ in range(count):
        cluster = ClusterFactory()
        ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
        ClusterEmployerFactory(cluster=cluster)
        ReportedFigureFactory(cluster=cluster)
        FundingLineFactory(cluster=cluster)


def _list_queries(client, model) -> int:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_admin_list_pages_make_as_many_queries_for_many_rows_as_for_few(admin_client_logged):
    _make_rows(3)
    few = {m: _list_queries(admin_client_logged, m) for m in registry_models()}
    _make_rows(25)
    many = {m: _list_queries(admin_client_logged, m) for m in registry_models()}
    assert few == many


def test_staff_edits_a_cluster_with_its_inlines_in_one_form(seed, admin_client_logged, superuser):
    cluster = Cluster.objects.get(slug="irk-metallurgy")
    new_college = CollegeFactory(region=cluster.region, full_name="Тестовый техникум")
    employer = EmployerFactory(name="Тестовое предприятие")
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = _change_form_data(admin_client_logged, url)
    form["description"] = "Исправлено в админке"
    prefix = "cluster_colleges"
    n = int(form[f"{prefix}-TOTAL_FORMS"])
    form.update(
        {
            f"{prefix}-{n}-college": new_college.pk,
            f"{prefix}-{n}-role": "network",
            f"{prefix}-TOTAL_FORMS": n + 1,
        }
    )
    prefix = "cluster_employers"
    n = int(form[f"{prefix}-TOTAL_FORMS"])
    form.update(
        {
            f"{prefix}-{n}-employer": employer.pk,
            f"{prefix}-{n}-role": "anchor",
            f"{prefix}-TOTAL_FORMS": n + 1,
        }
    )
    prefix = "funding_lines"
    n = int(form[f"{prefix}-TOTAL_FORMS"])
    form.update(
        {
            f"{prefix}-{n}-funding_source": "regional",
            f"{prefix}-{n}-amount_rub": "5000000",
            f"{prefix}-{n}-qualifier": "exact",
            f"{prefix}-{n}-fiscal_year": "2023",
            f"{prefix}-{n}-source": cluster.sources.first().pk,
            f"{prefix}-TOTAL_FORMS": n + 1,
        }
    )
    response = admin_client_logged.post(url, form)
    assert response.status_code == 302, _errors(response)
    cluster.refresh_from_db()
    assert cluster.description == "Исправлено в админке"
    assert cluster.cluster_colleges.filter(college=new_college, role="network").exists()
    assert cluster.cluster_employers.filter(employer=employer, role="anchor").exists()
    line = cluster.funding_lines.get(funding_source="regional")
    assert line.region_id == cluster.region_id
    record = cluster.history.first()
    assert record.history_user == superuser and record.history_type == "~"
    history_page = admin_client_logged.get(
        reverse("admin:clusters_cluster_history", args=[cluster.pk])
    )
    assert superuser.username in history_page.content.decode()


def test_admin_refuses_a_second_base_college_with_a_form_error(seed, admin_client_logged):
    cluster = Cluster.objects.get(slug="irk-metallurgy")
    other = CollegeFactory(region=cluster.region)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = _change_form_data(admin_client_logged, url)
    n = int(form["cluster_colleges-TOTAL_FORMS"])
    form.update(
        {
            f"cluster_colleges-{n}-college": other.pk,
            f"cluster_colleges-{n}-role": "base",
            "cluster_colleges-TOTAL_FORMS": n + 1,
        }
    )
    response = admin_client_logged.post(url, form)
    assert response.status_code == 200
    assert "только одна базовая" in response.content.decode()
    assert cluster.cluster_colleges.filter(role="base").count() == 1


def test_admin_refuses_a_bad_inn_with_a_form_error(seed, admin_client_logged):
    url = reverse("admin:clusters_college_add")
    response = admin_client_logged.post(
        url, {"full_name": "Колледж", "region": "38", "inn": "7707083890"}
    )
    assert response.status_code == 200
    assert "контрольная цифра" in response.content.decode()


def test_admin_refuses_a_negative_amount(seed, admin_client_logged):
    response = admin_client_logged.post(
        reverse("admin:funding_fundingline_add"),
        {
            "region": "22",
            "funding_source": "federal",
            "amount_rub": "-1",
            "qualifier": "exact",
            "source": "1",
        },
    )
    assert response.status_code == 200
    # Refused by the one amount reader (common/money.parse_rub), before the model's own check.
    assert "сумма и число не бывают отрицательными" in response.content.decode()


def _change_form_data(client, url) -> dict:
    """The change form's current values, as a browser would send them back."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if (
            isinstance(value, list | tuple)
            or hasattr(value, "__iter__")
            and not isinstance(value, str)
        ):
            value = [getattr(v, "pk", v) for v in value]
        if value is None:
            value = ""
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update(
            {k: v for k, v in fs.management_form.initial.items()}
            and {
                f"{fs.prefix}-TOTAL_FORMS": fs.total_form_count(),
                f"{fs.prefix}-INITIAL_FORMS": fs.initial_form_count(),
                f"{fs.prefix}-MIN_NUM_FORMS": 0,
                f"{fs.prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for i, f in enumerate(fs.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is None or isinstance(value, bool) and not value:
                    value = ""
                data[f"{fs.prefix}-{i}-{name}"] = value
    return data


def _errors(response):
    if getattr(response, "context", None) is None:
        return response
    errors = [response.context["adminform"].form.errors]
    errors += [
        fs.formset.errors + [fs.formset.non_form_errors()]
        for fs in response.context["inline_admin_formsets"]
    ]
    return errors


@pytest.mark.parametrize(
    "refusal",
    [
        {"name": "Такое название уже занято в этом субъекте."},  # a field's error
        "Кластер на проверке: правки ждут решения проверяющего.",  # the whole form's
    ],
)
def test_a_save_the_service_refuses_shows_the_form_again_with_what_was_typed(
    admin_client_logged, monkeypatch, refusal
):
    """A rule only the write service knows (here: the service itself refuses) rolls the save
    back, and the same page comes back with the reason beside the field or above the form —
    the typed values kept, nothing written."""
    from django.core.exceptions import ValidationError

    from clusters import services

    cluster = ClusterCollegeFactory(role=CollegeRole.BASE).cluster
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = _change_form_data(admin_client_logged, url)
    form["description"] = "Текст, который нельзя терять"

    def refuse(**kwargs):
        raise ValidationError(refusal)

    monkeypatch.setattr(services, "cluster_update", refuse)
    response = admin_client_logged.post(url, form)
    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    message = refusal["name"] if isinstance(refusal, dict) else refusal
    assert message in page
    assert "Текст, который нельзя терять" in page
    cluster.refresh_from_db()
    assert cluster.description != "Текст, который нельзя терять"
