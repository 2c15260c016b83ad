"""Only the publish right makes anything public: what a regional editor changes on public
data waits for a federal editor — through the admin, the API and the import — the public
keeps the approved version, the decision is written by the same services, and people are
told by email."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.services import staff_user_create
from clusters.choices import ChangeState, CollegeRole
from clusters.models import Cluster, College, PendingChange
from clusters.review import change_approve, change_return
from funding.models import FundingLine
from funding.services import funding_line_create
from imports.choices import RowStatus
from tests.clusters.factories import ClusterCollegeFactory, ClusterFactory, SourceFactory
from tests.imports.conftest import part, run
from tests.regions.factories import RegionFactory
from tests.test_admin import _change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    region = RegionFactory(code="67", name="Смоленская область", slug="smolensk")
    source = SourceFactory(url="https://example.org/news", title="Новость")
    published = ClusterFactory(region=region, name="Кластер СмолАПО", slug="smo")
    published.sources.add(source)
    base = ClusterCollegeFactory(cluster=published, role=CollegeRole.BASE)
    draft = ClusterFactory(region=region, name="Черновик", slug="draft", is_published=False)
    line = funding_line_create(
        actor=None,
        cluster=published,
        region=region,
        funding_source="regional",
        amount_rub=Decimal("17000000.50"),
        source=source,
    )
    regional, _ = staff_user_create(
        username="smol", role="regional-editor", region_codes=["67"], email="smol@example.org"
    )
    federal, _ = staff_user_create(username="fed", role="federal-editor", email="fed@example.org")
    return {
        "region": region,
        "published": published,
        "draft": draft,
        "line": line,
        "base": base.college,
        "regional": regional,
        "federal": federal,
        "source": source,
    }


def public_name(client, cluster) -> str:
    return client.get(f"/api/v1/clusters/{cluster.slug}/").json()["name"]


def test_a_regional_editors_change_in_the_admin_waits_and_the_approval_writes_it(
    client, world, django_capture_on_commit_callbacks
):
    cluster = world["published"]
    client.force_login(world["regional"])
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = _change_form_data(client, url)
    form["name"] = "Кластер Смоленской академии"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)
    assert "отправлено на проверку" in response.content.decode()
    assert public_name(client, cluster) == "Кластер СмолАПО"  # the public keeps it
    change = PendingChange.objects.get()
    assert change.diff == [["Название", "Кластер СмолАПО", "Кластер Смоленской академии"]]
    assert mail.outbox[-1].to == ["fed@example.org"]  # the federal editors are told

    client.force_login(world["federal"])
    index = client.get(reverse("admin:index")).content.decode()
    assert "изменений опубликованных данных — 1" in index
    page = client.get(reverse("admin:clusters_pendingchange_change", args=[change.pk]))
    assert "Кластер Смоленской академии" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:clusters_pendingchange_change", args=[change.pk]),
            {"approve": "1", "comment": ""},
        )
    cluster.refresh_from_db()
    assert cluster.name == "Кластер Смоленской академии"
    record = cluster.history.first()
    assert record.history_user == world["federal"]
    assert record.history_change_reason == "предложил smol, одобрил fed"
    assert mail.outbox[-1].to == ["smol@example.org"] and "одобрено" in mail.outbox[-1].subject


def test_a_draft_is_written_at_once(world):
    from clusters.services import cluster_update

    draft = cluster_update(actor=world["regional"], cluster=world["draft"], name="Новое имя")
    assert Cluster.objects.get(pk=draft.pk).name == "Новое имя"
    assert not PendingChange.objects.exists()


def test_money_of_a_published_cluster_waits_and_totals_do_not_move(
    api_client, world, django_capture_on_commit_callbacks
):
    from funding.services import funding_totals_recompute_all

    funding_totals_recompute_all()
    line = world["line"]
    api_client.force_authenticate(world["regional"])
    response = api_client.patch(
        f"/api/v1/funding-lines/{line.pk}/", {"amount_rub": "170000000"}, format="json"
    )
    assert response.status_code == 202, response.content
    line.refresh_from_db()
    assert line.amount_rub == Decimal("17000000.50")
    total = world["published"].funding_total
    total.refresh_from_db()
    assert total.regional_rub == Decimal("17000000.50")
    change = PendingChange.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        change_approve(actor=world["federal"], change=change)
    line.refresh_from_db()
    assert line.amount_rub == Decimal("170000000")
    total.refresh_from_db()
    assert total.regional_rub == Decimal("170000000")


def test_a_regions_joint_money_waits_for_review(world):
    result = funding_line_create(
        actor=world["regional"],
        cluster=None,
        region=world["region"],
        funding_source="regional",
        amount_rub=Decimal("5000000"),
        source=world["source"],
    )
    assert result.pending_change is not None and result.pk is None
    assert not FundingLine.objects.filter(cluster__isnull=True).exists()
    change_return(actor=world["federal"], change=result.pending_change, comment="Нет источника")
    change = PendingChange.objects.get()
    assert change.state == ChangeState.RETURNED and change.comment == "Нет источника"
    assert not FundingLine.objects.filter(cluster__isnull=True).exists()


def test_a_public_college_renamed_by_a_regional_editor_waits(world):
    from clusters.services import college_update

    college = world["base"]
    name = college.full_name
    result = college_update(actor=world["regional"], college=college, full_name="Иное имя")
    assert result.pending_change is not None
    assert College.objects.get(pk=college.pk).full_name == name


def test_a_regional_editors_import_row_on_a_published_cluster_waits(world):
    header = ["slug", "name", "region", "launch_year", "sources"]
    row = ["smo", "Кластер СмолАПО", "67", "2025", "https://example.org/news"]
    result = run(part("clusters", header, row), actor=world["regional"])
    assert result.committed
    assert result.rows[0]["status"] == RowStatus.PENDING
    assert result.rows[0]["diff"]["Год первого набора"] == ("—", "2025")
    assert Cluster.objects.get(slug="smo").launch_year is None
    change_approve(actor=world["federal"], change=PendingChange.objects.get())
    assert Cluster.objects.get(slug="smo").launch_year == 2025


def test_a_regional_editor_cannot_decide_and_many_are_decided_at_once(client, world):
    from clusters.services import cluster_update

    for name in ("Первое", "Второе"):
        cluster_update(actor=world["regional"], cluster=world["published"], name=name)
    with pytest.raises(Exception, match="федеральный редактор"):
        change_approve(actor=world["regional"], change=PendingChange.objects.first())
    client.force_login(world["federal"])
    url = reverse("admin:clusters_pendingchange_changelist")
    ids = list(PendingChange.objects.values_list("pk", flat=True))
    response = client.post(
        url,
        {
            "action": "return_selected",
            "_selected_action": ids,
            "decide_confirm": "1",
            "comment": "Название не подтверждено",
        },
        follow=True,
    )
    assert "Возвращено изменений: 2" in response.content.decode(), (
        response.status_code,
        response.redirect_chain,
        response.content.decode()[:3000],
    )
    assert set(PendingChange.objects.values_list("state", flat=True)) == {ChangeState.RETURNED}
    assert Cluster.objects.get(slug="smo").name == "Кластер СмолАПО"


def test_after_a_rolled_back_proposal_the_next_one_is_still_told(
    world, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from clusters.services import cluster_update

    with pytest.raises(RuntimeError), transaction.atomic():
        cluster_update(actor=world["regional"], cluster=world["published"], name="Отменённое")
        raise RuntimeError("the request failed after proposing")
    with django_capture_on_commit_callbacks(execute=True):
        cluster_update(actor=world["regional"], cluster=world["published"], name="Новое")
    assert [m.to for m in mail.outbox] == [["fed@example.org"]]
    assert "Новое" in mail.outbox[0].body or "Кластер СмолАПО" in mail.outbox[0].body
