"""One record per real thing, by staff: two records merged in the admin (rows, money and
citations follow, the other spelling is remembered), undone from «Объединения записей»;
possible duplicates decided; a disagreement decided with both sides shown; the «add» form
refuses the same organisation under another spelling."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.services import staff_user_create
from clusters.choices import CollegeRole, ConflictState, FactKind, MatchState
from clusters.dedupe import stored_duplicates_merge
from clusters.facts import Statement, cluster_facts_state
from clusters.merging import Models, match_proposal_record
from clusters.models import (
    Citation,
    Cluster,
    ClusterCollege,
    College,
    Employer,
    FactConflict,
    MatchProposal,
    Merge,
    ReportedFigure,
)
from funding.models import FundingLine, FundingLineCitation
from funding.services import funding_line_create
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterFactory,
    CollegeFactory,
    EmployerFactory,
    SourceFactory,
)
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(db):
    return RegionFactory(code="54", name="Новосибирская область", slug="nsk")


def merge_in_admin(client, admin_url: str, kept, merged, reason="одна организация"):
    return client.post(
        admin_url,
        {
            "action": "merge_selected",
            "_selected_action": [kept.pk, merged.pk],
            "merge_confirm": "1",
            "kept": kept.pk,
            "reason": reason,
        },
    )


def test_two_colleges_merge_with_their_memberships_and_the_merge_is_undone(
    admin_client_logged, region
):
    kept = CollegeFactory(
        full_name="Новосибирский авиастроительный лицей имени Г. А. Ванага", region=region
    )
    other = CollegeFactory(full_name="лицей им. Г.А. Ванага", region=region, inn="5405122424")
    first, second = ClusterFactory(region=region), ClusterFactory(region=region)
    ClusterCollegeFactory(cluster=first, college=kept, role=CollegeRole.BASE)
    ClusterCollegeFactory(cluster=second, college=other, role=CollegeRole.BASE)
    ClusterCollegeFactory(cluster=first, college=other, role=CollegeRole.NETWORK)

    response = merge_in_admin(
        admin_client_logged, reverse("admin:clusters_college_changelist"), kept, other
    )
    assert response.status_code == 302
    assert not College.objects.filter(pk=other.pk).exists()
    kept.refresh_from_db()
    assert kept.inn == "5405122424" and "лицей им. Г.А. Ванага" in kept.aliases
    assert second.cluster_colleges.get().college == kept
    assert first.cluster_colleges.get().college == kept  # one membership, the base one
    assert kept.history.first().history_change_reason.startswith("объединение")

    merge = Merge.objects.get()
    admin_client_logged.post(
        reverse("admin:clusters_merge_changelist"),
        {"action": "revert", "_selected_action": [merge.pk]},
    )
    restored = College.objects.get(pk=other.pk)
    assert restored.inn == "5405122424"
    kept.refresh_from_db()
    assert kept.inn is None and kept.aliases == []
    assert second.cluster_colleges.get().college == restored
    assert sorted(first.cluster_colleges.values_list("college_id", "role")) == sorted(
        [(kept.pk, CollegeRole.BASE), (restored.pk, CollegeRole.NETWORK)]
    )
    merge.refresh_from_db()
    assert merge.reverted_at is not None


def test_two_clusters_merge_with_their_money_once(admin_client_logged, region):
    source_a, source_b = (
        SourceFactory(url="https://a.example"),
        SourceFactory(url="https://b.example"),
    )
    college = CollegeFactory(region=region)
    kept, other = ClusterFactory(region=region), ClusterFactory(region=region, selection_year=2023)
    ClusterCollegeFactory(cluster=kept, college=college, role=CollegeRole.BASE)
    ClusterCollegeFactory(cluster=other, college=college, role=CollegeRole.BASE)
    for cluster, source, year in ((kept, source_a, None), (other, source_b, 2023)):
        funding_line_create(
            actor=None,
            cluster=cluster,
            region=region,
            funding_source="federal",
            amount_rub=Decimal("100000000"),
            fiscal_year=year,
            source=source,
        )
    merge_in_admin(admin_client_logged, reverse("admin:clusters_cluster_changelist"), kept, other)
    line = FundingLine.objects.get()
    assert line.cluster == kept and line.fiscal_year == 2023
    assert set(line.citations.values_list("source__url", flat=True)) == {
        "https://a.example",
        "https://b.example",
    }
    kept.refresh_from_db()
    assert kept.selection_year == 2023 and kept.cluster_colleges.count() == 1
    merge = Merge.objects.get()
    admin_client_logged.post(
        reverse("admin:clusters_merge_changelist"),
        {"action": "revert", "_selected_action": [merge.pk]},
    )
    assert FundingLine.objects.count() == 2
    assert FundingLine.objects.get(cluster_id=other.pk).fiscal_year == 2023
    assert FundingLineCitation.objects.count() == 2


def test_a_regional_editor_cannot_merge_another_regions_records(client, region):
    other_region = RegionFactory(code="55", name="Омская область", slug="omsk")
    editor, _ = staff_user_create(username="nsk", role="regional-editor", region_codes=["54"])
    client.force_login(editor)
    kept = CollegeFactory(full_name="Колледж", region=region)
    other = CollegeFactory(full_name="Колледж", region=other_region)
    merge_in_admin(client, reverse("admin:clusters_college_changelist"), kept, other)
    assert College.objects.count() == 2 and not Merge.objects.exists()


def test_a_possible_duplicate_is_decided_by_staff(admin_client_logged, region):
    kept = EmployerFactory(name="Новосибирский авиазавод", region=region)
    other = EmployerFactory(name="Новосибирский авиазавод им. В. П. Чкалова", region=region)
    distinct = EmployerFactory(name="Новосибирский авиаремонтный завод", region=region)
    match_proposal_record(
        model="employer", record=other, candidates=[(kept.pk, kept.name, 95, "похоже")]
    )
    match_proposal_record(
        model="employer", record=distinct, candidates=[(kept.pk, kept.name, 91, "похоже")]
    )
    url = reverse("admin:clusters_matchproposal_changelist")
    first, second = MatchProposal.objects.order_by("pk")
    admin_client_logged.post(url, {"action": "merge_pairs", "_selected_action": [first.pk]})
    admin_client_logged.post(url, {"action": "mark_distinct", "_selected_action": [second.pk]})
    assert set(Employer.objects.values_list("pk", flat=True)) == {kept.pk, distinct.pk}
    assert MatchProposal.objects.get(pk=second.pk).state == MatchState.DISTINCT


def test_a_conflict_shows_both_sides_and_its_decision_is_in_the_history(
    admin_client_logged, region
):
    cluster = ClusterFactory(region=region, launch_year=2025)
    first, second = (
        SourceFactory(url="https://first.example"),
        SourceFactory(url="https://second.example"),
    )
    cluster_facts_state(
        actor=None,
        cluster=cluster,
        values={"launch_year": 2025},
        statement=Statement(first, "набор с 2025 года"),
    )
    cluster_facts_state(
        actor=None,
        cluster=cluster,
        values={"launch_year": 2026},
        statement=Statement(second, "первый набор — в 2026 году"),
    )
    conflict = FactConflict.objects.get()
    url = reverse("admin:clusters_factconflict_change", args=[conflict.pk])
    page = admin_client_logged.get(url).content.decode()
    assert "набор с 2025 года" in page and "первый набор — в 2026 году" in page
    response = admin_client_logged.post(
        url, {"state": "replaced", "comment": "Уточнено в министерстве"}
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.launch_year == 2026
    assert cluster.history.first().history_change_reason == "Уточнено в министерстве"
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.REPLACED
    assert Citation.objects.filter(
        cluster=cluster, fact=FactKind.LAUNCH_YEAR, value="2026"
    ).exists()


def test_the_add_form_refuses_an_organisation_under_another_spelling(admin_client_logged, region):
    CollegeFactory(
        full_name="Новосибирский колледж транспортных технологий им. Н.А. Лунина", region=region
    )
    CollegeFactory(full_name="Новосибирский колледж парикмахерского искусства", region=region)
    url = reverse("admin:clusters_college_add")
    data = {
        "region": region.pk,
        "full_name": "ГБПОУ «Новосибирский колледж транспортных технологий имени Н. А. Лунина»",
        "aliases": "[]",
    }
    page = admin_client_logged.post(url, data).content.decode()
    assert "Эта организация уже есть в реестре" in page
    data["full_name"] = "Новосибирский колледж парикмахерского искуства"  # a typo: possibly it
    page = admin_client_logged.post(url, data).content.decode()
    assert "Возможно, это «Новосибирский колледж парикмахерского искусства»" in page
    data["is_distinct"] = "on"
    assert admin_client_logged.post(url, data).status_code == 302
    assert College.objects.count() == 3


def test_stored_duplicates_and_placeholders_are_put_right(region):
    """What the data migration does to a registry stored before facts had sources."""
    source = SourceFactory(url="https://item.example")
    cluster = ClusterFactory(region=region)
    cluster.sources.add(source)
    kept = CollegeFactory(
        full_name="Новосибирский авиастроительный лицей имени Г. А. Ванага", region=region
    )
    twin = CollegeFactory(
        full_name="Новосибирский авиастроительный лицей им. Г.А. Ванага", region=region
    )
    group = CollegeFactory(full_name="12 учреждений СПО (not named)", region=region)
    ClusterCollegeFactory(cluster=cluster, college=kept, role=CollegeRole.BASE)
    other = ClusterFactory(region=region, industry=cluster.industry)
    other.sources.add(source)
    ClusterCollegeFactory(cluster=other, college=twin, role=CollegeRole.BASE)
    ClusterCollegeFactory(cluster=cluster, college=group, role=CollegeRole.NETWORK)
    ReportedFigure.objects.create(cluster=cluster, kind="students", value=100, source=source)

    done = stored_duplicates_merge(Models.current())
    assert done["colleges merged"] == 1 and done["clusters merged"] == 1
    assert done["placeholder colleges removed"] == 1
    assert College.objects.get() == kept
    assert Cluster.objects.get() == cluster
    assert ReportedFigure.objects.get(kind="network_colleges").value == 12
    assert Citation.objects.filter(fact=FactKind.FIGURE).count() == 2  # both figures cite
    assert ClusterCollege.objects.get().college == kept
    assert Merge.objects.count() == 2


def test_a_cluster_merge_and_its_undoing_keep_the_counts_of_clusters(
    admin_client_logged, region, django_capture_on_commit_callbacks
):
    """The merged cluster leaves its region's counts of clusters (clusters.ClusterCount) and
    comes back to them when the merge is undone."""
    from funding.services.counts import cluster_counts_check

    college = CollegeFactory(region=region)
    kept, other = ClusterFactory(region=region), ClusterFactory(region=region, selection_year=2022)
    ClusterCollegeFactory(cluster=kept, college=college, role=CollegeRole.BASE)
    ClusterCollegeFactory(cluster=other, college=college, role=CollegeRole.BASE)
    assert cluster_counts_check() == []
    with django_capture_on_commit_callbacks(execute=True):
        merge_in_admin(
            admin_client_logged, reverse("admin:clusters_cluster_changelist"), kept, other
        )
    assert not Cluster.objects.filter(pk=other.pk).exists()
    assert cluster_counts_check() == []
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_logged.post(
            reverse("admin:clusters_merge_changelist"),
            {"action": "revert", "_selected_action": [Merge.objects.get().pk]},
        )
    assert Cluster.objects.filter(pk=other.pk).exists()
    assert cluster_counts_check() == []
