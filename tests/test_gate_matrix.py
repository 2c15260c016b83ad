"""The gate, door by door and persona by persona.

One world: regions A and B, a published cluster in each (base college, partner, figure,
money), and in region A a draft with a college and an employer that belong to nothing else,
a figure, and money in a year («2031») no published cluster has. Seven personas look at it
through every door; each cell states what that persona sees or may do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import staff_user_create
from clusters.choices import CollegeRole, FigureKind
from clusters.models import Cluster, PendingChange
from funding.models import FundingLine
from funding.services import funding_totals_recompute_all
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    IndustryFactory,
    ReportedFigureFactory,
    SourceFactory,
)
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import FederalDistrictFactory, RegionFactory

SECRET_MONEY = Decimal("777000000")
SECRET_ON_PAGE = re.compile(r"777(?:[\s\u00a0\u202f](?:\d{3}|млн)|[,.]\d)")
SECRET_YEAR = 2031
SECRET_COLLEGE = "Тайный колледж черновика"
SECRET_EMPLOYER = "ООО «Тайный партнёр черновика»"
SECRET_NAME = "Черновик: ОПЦ «Тайна»"


@dataclass(frozen=True)
class Persona:
    name: str
    sees_draft: bool
    edits_draft: bool  # may change the draft in region A
    publishes: bool = False


PERSONAS = [
    Persona("anonymous", sees_draft=False, edits_draft=False),
    Persona("token_user", sees_draft=False, edits_draft=False),  # not staff, holds perms
    Persona("staff_no_perms", sees_draft=False, edits_draft=False),
    Persona("reviewer", sees_draft=True, edits_draft=False),
    Persona("regional_a", sees_draft=True, edits_draft=True),
    Persona("regional_b", sees_draft=False, edits_draft=False),
    Persona("federal", sees_draft=True, edits_draft=True, publishes=True),
]
BY_NAME = {p.name: p for p in PERSONAS}


def _world():
    district = FederalDistrictFactory(code="TST", name="Тестовый округ")
    region_a = RegionFactory(
        code="91", name="Область А", slug="oblast-a", federal_district=district
    )
    region_b = RegionFactory(
        code="92", name="Область Б", slug="oblast-b", federal_district=district
    )
    industry = IndustryFactory(slug="test-industry", name="Тестовая отрасль")
    source = SourceFactory(title="Пресс-релиз")
    published = {}
    for region in (region_a, region_b):
        cluster = ClusterFactory(
            region=region, industry=industry, name=f"Открытый кластер {region.code}"
        )
        cluster.sources.add(source)
        ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
        ClusterEmployerFactory(cluster=cluster)
        ReportedFigureFactory(cluster=cluster, kind=FigureKind.STUDENTS, value=100, source=source)
        FundingLineFactory(cluster=cluster, fiscal_year=2023, amount_rub=Decimal("1000"))
        published[region.code] = cluster
    draft = ClusterFactory(
        region=region_a, industry=industry, name=SECRET_NAME, slug="secret", is_published=False
    )
    draft.sources.add(source)
    ClusterCollegeFactory(cluster=draft, role=CollegeRole.BASE, college__full_name=SECRET_COLLEGE)
    ClusterEmployerFactory(cluster=draft, employer__name=SECRET_EMPLOYER)
    ReportedFigureFactory(cluster=draft, kind=FigureKind.WORKSHOPS, value=9, source=source)
    FundingLineFactory(cluster=draft, fiscal_year=SECRET_YEAR, amount_rub=SECRET_MONEY)
    funding_totals_recompute_all()
    return {
        "district": district,
        "a": region_a,
        "b": region_b,
        "industry": industry,
        "draft": draft,
        "published": published,
        "source": source,
    }


def _user(name: str, world, django_user_model):
    if name == "anonymous":
        return None
    if name == "token_user":
        user = django_user_model.objects.create_user("token_user", password="pw")
        # The model permissions an editor has, but not staff, and not the draft permission.
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["clusters", "funding"]).exclude(
                codename__in=["view_draft", "publish_cluster", "edit_all_regions"]
            )
        )
        return user
    if name == "staff_no_perms":
        return django_user_model.objects.create_user("staff_np", password="pw", is_staff=True)
    role, codes = {
        "reviewer": ("reviewer", []),
        "regional_a": ("regional-editor", [world["a"].code]),
        "regional_b": ("regional-editor", [world["b"].code]),
        "federal": ("federal-editor", []),
    }[name]
    user, _ = staff_user_create(username=name, role=role, region_codes=codes, password="pw")
    return user


@pytest.fixture(scope="module")
def world_and_users(django_db_setup, django_db_blocker):
    """The world and the persona's users, built once for the module inside a transaction
    rolled back at its end; each test runs in a savepoint of it (pytest-django's `db`), so
    whatever a test writes is gone before the next one, as if the world were built anew."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock(), transaction.atomic():
        world = _world()
        users = {p.name: _user(p.name, world, get_user_model()) for p in PERSONAS}
        yield world, users
        transaction.set_rollback(True)


@pytest.fixture
def world(db, world_and_users):
    return world_and_users[0]


@pytest.fixture(params=[p.name for p in PERSONAS])
def persona(request, world, world_and_users):
    return BY_NAME[request.param], world_and_users[1][request.param]


@pytest.fixture
def web(client, persona):
    _, user = persona
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api(persona):
    _, user = persona
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _secrets_in(text: str) -> set[str]:
    return {s for s in (SECRET_NAME, SECRET_COLLEGE, SECRET_EMPLOYER) if s in text}


# --- public pages -------------------------------------------------------------------------


def _public_pages(world):
    draft = world["draft"]
    college = draft.cluster_colleges.get().college
    employer = draft.cluster_employers.get().employer
    return {
        "catalogue": reverse("clusters:list"),
        "catalogue_region": reverse("clusters:list") + "?region=91",
        "region": world["a"].get_absolute_url(),
        "district": world["district"].get_absolute_url(),
        "industry": world["industry"].get_absolute_url(),
    }, {
        "cluster": draft.get_absolute_url(),
        "college": college.get_absolute_url(),
        "employer": employer.get_absolute_url(),
    }


def test_public_pages_show_the_draft_only_to_those_who_may_see_it(world, persona, web):
    who, _ = persona
    lists, details = _public_pages(world)
    for name, url in lists.items():
        response = web.get(url)
        assert response.status_code == 200, name
        seen = SECRET_NAME in response.content.decode()
        assert seen == who.sees_draft, f"{who.name} on {name}"
    for name, url in details.items():
        expected = 200 if who.sees_draft else 404
        assert web.get(url).status_code == expected, f"{who.name} on {name}"


def test_counts_on_home_industry_list_district_and_region_follow_the_gate(world, persona, web):
    who, _ = persona
    expected = 3 if who.sees_draft else 2
    home = web.get(reverse("overview:home"))
    assert home.context["stats"]["clusters"] == expected
    industries = web.get(reverse("clusters:industries")).context["industries"]
    assert {i.slug: i.cluster_count for i in industries}["test-industry"] == expected
    district = web.get(world["district"].get_absolute_url()).context["regions"]
    assert {r.code: r.cluster_count for r in district}["91"] == expected - 1
    regions = web.get(reverse("regions:list")).context["districts"]
    counts = {r.code: r.cluster_count for d in regions for r in d.regions.all()}
    assert counts["91"] == expected - 1


def test_public_money_never_shows_the_drafts_sum_or_year(world, persona, web):
    """Region, district, industry and national money are public figures for everyone: a
    draft's year never appears in their tables; its sum appears only as the draft's own
    total, in the cluster rows of those who may see it."""
    who, _ = persona
    for url in [
        reverse("overview:home"),
        world["a"].get_absolute_url(),
        world["district"].get_absolute_url(),
        world["industry"].get_absolute_url(),
    ]:
        page = web.get(url).content.decode()
        assert str(SECRET_YEAR) not in page, url
        if not who.sees_draft:
            # The sum as any page writes it («777 000 000 ₽», «777 млн», «777,0»), never a
            # factory's slug or name that happens to hold 777.
            assert not SECRET_ON_PAGE.search(page), url


def test_sitemap_never_lists_a_draft_or_its_only_members(world, persona, web):
    index = web.get("/sitemap.xml").content.decode()
    text = index
    import re

    for location in re.findall(r"<loc>([^<]+)</loc>", index):
        if "sitemap" in location:
            text += web.get(location.split("testserver", 1)[-1]).content.decode()
    draft = world["draft"]
    assert draft.get_absolute_url() not in text
    assert draft.cluster_colleges.get().college.get_absolute_url() not in text
    assert world["published"]["91"].get_absolute_url() in text


# --- API reads ----------------------------------------------------------------------------

API_LISTS = [
    "clusters",
    "cluster-colleges",
    "cluster-employers",
    "funding-lines",
    "colleges",
    "employers",
]


def test_api_lists_and_csv_follow_the_gate(world, persona, api):
    who, _ = persona
    for name in API_LISTS:
        url = f"/api/v1/{name}/"
        body = api.get(url, {"page_size": 500}).content.decode()
        csv = b"".join(api.get(url, {"format": "csv"}).streaming_content).decode()
        secret = bool(_secrets_in(body)) or "777000000" in body
        assert secret == who.sees_draft, f"{who.name} on {name}"
        assert (bool(_secrets_in(csv)) or "777000000" in csv) == who.sees_draft, name


def test_api_detail_of_the_draft(world, persona, api):
    who, _ = persona
    response = api.get(f"/api/v1/clusters/{world['draft'].slug}/")
    assert response.status_code == (200 if who.sees_draft else 404)


def test_api_membership_filter_does_not_reveal_a_draft_by_slug(world, persona, api):
    who, _ = persona
    body = api.get("/api/v1/colleges/", {"cluster": "secret"}).json()
    assert (body["count"] == 1) == who.sees_draft


@pytest.mark.parametrize(
    "group_by",
    [
        "",
        "region",
        "federal_district",
        "industry",
        "fiscal_year",
        "funding_source",
        "region,fiscal_year",
        "industry,funding_source",
    ],
)
def test_stats_in_every_grouping_follow_the_gate(world, persona, api, group_by):
    who, _ = persona
    response = api.get("/api/v1/stats/", {"group_by": group_by})
    assert response.status_code == 200
    body = response.content.decode()
    # The draft's 777 000 000 ₽ leads every sum it is in (never match "777" in a timestamp).
    assert ('"amount_rub":"777' in body) == who.sees_draft
    assert (str(SECRET_YEAR) in body) == (who.sees_draft and "fiscal_year" in group_by)


# --- API writes ---------------------------------------------------------------------------


def test_api_write_to_the_draft(world, persona, api):
    who, _ = persona
    response = api.patch(
        f"/api/v1/clusters/{world['draft'].slug}/", {"name": "Новое имя"}, format="json"
    )
    if who.edits_draft:
        assert response.status_code == 200, response.content
        assert Cluster.objects.get(slug="secret").name == "Новое имя"
    else:
        assert response.status_code in (401, 403, 404), (who.name, response.status_code)
        assert Cluster.objects.get(slug="secret").name == SECRET_NAME


def test_api_write_to_region_bs_published_cluster(world, persona, api):
    who, _ = persona
    cluster = world["published"]["92"]
    name = cluster.name
    response = api.patch(f"/api/v1/clusters/{cluster.slug}/", {"name": "Икс"}, format="json")
    # The federal editor writes at once; region B's editor proposes (202): the public keeps
    # the approved name until a federal editor approves the change.
    expected = {"federal": 200, "regional_b": 202}.get(who.name)
    if expected:
        assert response.status_code == expected, (who.name, response.status_code)
    else:
        assert response.status_code in (401, 403, 404), (who.name, response.status_code)
    cluster.refresh_from_db()
    assert cluster.name == ("Икс" if who.name == "federal" else name)
    if who.name == "regional_b":
        change = PendingChange.objects.get()
        assert response.json()["pending_change"]["id"] == change.pk
        assert change.diff == [["Название", name, "Икс"]]


def test_api_funding_line_create_in_region_a(world, persona, api):
    who, _ = persona
    response = api.post(
        "/api/v1/funding-lines/",
        {
            "cluster": "secret",
            "fiscal_year": 2024,
            "funding_source": "regional",
            "amount_rub": "5.00",
            "source": world["source"].pk,
        },
        format="json",
    )
    assert (response.status_code == 201) == who.edits_draft, (who.name, response.content)
    assert FundingLine.objects.filter(amount_rub=5).exists() == who.edits_draft


def test_api_publishing_needs_the_publish_permission(world, persona, api):
    who, _ = persona
    response = api.patch("/api/v1/clusters/secret/", {"is_published": True}, format="json")
    assert Cluster.objects.get(slug="secret").is_published == who.publishes
    if who.edits_draft and not who.publishes:
        assert response.status_code == 403
        assert "проверку" in response.json()["detail"]


# --- admin --------------------------------------------------------------------------------

ADMIN_LISTS = [
    ("clusters", "cluster"),
    ("clusters", "college"),
    ("clusters", "employer"),
    ("funding", "fundingline"),
    ("funding", "clusterfundingtotal"),
]


def _is_admin_user(who: Persona) -> bool:
    return who.name in ("reviewer", "regional_a", "regional_b", "federal")


def test_admin_changelists_follow_the_gate(world, persona, web):
    who, _ = persona
    for app, model in ADMIN_LISTS:
        response = web.get(reverse(f"admin:{app}_{model}_changelist"))
        if not _is_admin_user(who):
            assert response.status_code in (302, 403), (who.name, model)
            continue
        if response.status_code == 403:  # no view permission for this model
            continue
        page = response.content.decode()
        assert bool(_secrets_in(page)) == who.sees_draft, (who.name, model)


def test_admin_change_page_of_the_draft(world, persona, web):
    who, _ = persona
    url = reverse("admin:clusters_cluster_change", args=[world["draft"].pk])
    response = web.get(url)
    if not who.sees_draft:
        # Not found for the gate (redirect to the admin index), or no admin at all.
        assert response.status_code in (302, 403)
        return
    assert response.status_code == 200
    editable = 'name="name"' in response.content.decode()
    assert editable == who.edits_draft, who.name


def test_admin_autocomplete_offers_only_writable_clusters_and_regions(world, persona, web):
    who, _ = persona
    if not _is_admin_user(who):
        return
    params = {"app_label": "funding", "model_name": "fundingline", "term": ""}
    clusters = web.get(reverse("admin:autocomplete"), {**params, "field_name": "cluster"})
    names = (
        {r["text"] for r in clusters.json()["results"]} if clusters.status_code == 200 else set()
    )
    assert (SECRET_NAME in names) == who.edits_draft, who.name
    regions = web.get(reverse("admin:autocomplete"), {**params, "field_name": "region"})
    texts = {r["text"] for r in regions.json()["results"]} if regions.status_code == 200 else set()
    if who.name == "regional_a":
        assert texts == {"Область А"}
    if who.name == "federal":
        assert {"Область А", "Область Б"} <= texts


def test_admin_publish_action(world, persona, web):
    who, _ = persona
    if not _is_admin_user(who):
        return
    web.post(
        reverse("admin:clusters_cluster_changelist"),
        {"action": "publish", "_selected_action": [world["draft"].pk]},
    )
    assert Cluster.objects.get(pk=world["draft"].pk).is_published == who.publishes


def test_admin_inline_edit_of_the_drafts_money(world, persona, web):
    """Saving the cluster page with a changed funding line, as staff would."""
    who, _ = persona
    if not who.edits_draft:
        return
    draft = world["draft"]
    line = draft.funding_lines.get()
    url = reverse("admin:clusters_cluster_change", args=[draft.pk])
    form = web.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "industry": draft.industry_id,
            "region": draft.region_id,
            "sources": [world["source"].pk],
        }
    )
    for prefix, rows in [
        ("cluster_colleges", draft.cluster_colleges.all()),
        ("cluster_employers", draft.cluster_employers.all()),
        ("figures", draft.figures.all()),
        ("funding_lines", [line]),
    ]:
        rows = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-cluster"] = draft.pk
            for field in row._meta.concrete_fields:
                if field.name in ("id", "cluster", "created_at", "updated_at", "region"):
                    continue
                value = getattr(row, field.attname)
                if value is not None:
                    data[f"{prefix}-{i}-{field.name}"] = value
    data["funding_lines-0-amount_rub"] = "778000000"
    data["funding_lines-0-amount_rub_reason"] = "Уточнено по постановлению"
    data["funding_lines-0-amount_rub_reason"] = "уточнено"  # a changed sum needs its reason
    response = web.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    line.refresh_from_db()
    assert line.amount_rub == Decimal("778000000")
