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

pytestmark = pytest.mark.long_module  # scheduled first (tests/conftest.py)

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


# --- side doors (issue 20): history, relation filters, organisations in no cluster ---------


def _draft_with_published_members(world):
    """A second draft in region A, of an industry and a kind no published cluster has, that
    lists region A's published base college and partner: every relation filter naming the
    draft's industry, kind or slug must list them only to those who may see the draft."""
    from clusters.choices import ClusterKind

    published = world["published"]["91"]
    college = published.cluster_colleges.get().college
    employer = published.cluster_employers.get().employer
    industry = IndustryFactory(slug="draft-only", name="Отрасль только черновика")
    draft = ClusterFactory(
        region=world["a"],
        industry=industry,
        kind=ClusterKind.EDUCATION_CLUSTER,
        slug="second-secret",
        name="Второй черновик",
        is_published=False,
    )
    ClusterCollegeFactory(cluster=draft, college=college, role=CollegeRole.NETWORK)
    ClusterEmployerFactory(cluster=draft, employer=employer)
    FundingLineFactory(cluster=draft, fiscal_year=2024, amount_rub=Decimal("5"))
    return draft, college, employer


RELATION_FILTERS = [
    # (API list, page or None, filter, value): each names only the second draft
    ("colleges", "clusters:colleges", "industry", "draft-only"),
    ("colleges", "clusters:colleges", "cluster_kind", "education_cluster"),
    ("colleges", "clusters:colleges", "cluster", "second-secret"),
    ("employers", "clusters:employers", "cluster_kind", "education_cluster"),
    ("employers", "clusters:employers", "cluster", "second-secret"),
    ("cluster-colleges", None, "cluster", "second-secret"),
    ("cluster-employers", None, "cluster", "second-secret"),
    ("funding-lines", None, "industry", "draft-only"),
    ("funding-lines", None, "cluster", "second-secret"),
]


@pytest.mark.parametrize(
    ("endpoint", "page", "name", "value"),
    RELATION_FILTERS,
    ids=[f"{e}?{n}" for e, _, n, _ in RELATION_FILTERS],
)
def test_relation_filters_apply_the_gate_inside_the_relation(
    world, persona, api, web, endpoint, page, name, value
):
    """A published college or employer that a draft includes is never listed by the draft's
    industry, kind or slug to those who may not see the draft: JSON, CSV and the page."""
    who, _ = persona
    _draft_with_published_members(world)
    url = f"/api/v1/{endpoint}/"
    body = api.get(url, {name: value}).json()
    assert (body["count"] > 0) == who.sees_draft, (who.name, body)
    rows = b"".join(api.get(url, {name: value, "format": "csv"}).streaming_content).decode()
    data = [line for line in rows.strip().splitlines()[1:] if not line.startswith("#END")]
    assert bool(data) == who.sees_draft, (who.name, rows)
    if page is not None:
        response = web.get(reverse(page), {name: value})
        assert response.status_code == 200
        assert (len(response.context["object_list"]) > 0) == who.sees_draft, who.name


def test_the_public_filters_still_find_what_published_clusters_hold(world, persona, api):
    """The gate inside the relation takes away only what is hidden."""
    body = api.get("/api/v1/colleges/", {"industry": "test-industry"}).json()
    names = {row["full_name"] for row in body["results"]}
    published = {c.cluster_colleges.get().college.full_name for c in world["published"].values()}
    assert published <= names


def test_a_college_and_an_employer_in_no_cluster_are_not_public(world, persona, api, web):
    """Public only through a published cluster: one in no cluster is seen by those who see
    drafts and by the editors of its region, in every door."""
    from tests.clusters.factories import CollegeFactory, EmployerFactory

    who, _ = persona
    college = CollegeFactory(full_name="Колледж вне кластеров", region=world["a"])
    employer = EmployerFactory(name="ООО «Вне кластеров»", region=world["a"])
    for kind, obj in [("colleges", college), ("employers", employer)]:
        detail = api.get(f"/api/v1/{kind}/{obj.pk}/")
        assert detail.status_code == (200 if who.sees_draft else 404), (who.name, kind)
        listed = api.get(f"/api/v1/{kind}/", {"page_size": 500}).content.decode()
        assert (str(obj) in listed) == who.sees_draft, (who.name, kind)
        csv = b"".join(api.get(f"/api/v1/{kind}/", {"format": "csv"}).streaming_content)
        assert (str(obj) in csv.decode()) == who.sees_draft, (who.name, kind)
        xlsx = api.get(f"/api/v1/{kind}/", {"format": "xlsx"})
        assert xlsx.status_code == 200
        page = web.get(obj.get_absolute_url())
        assert page.status_code == (200 if who.sees_draft else 404), (who.name, kind)
        directory = web.get(reverse(f"clusters:{kind}")).content.decode()
        assert (str(obj) in directory) == who.sees_draft, (who.name, kind)
    sitemaps = "".join(
        web.get(f"/sitemap-{kind}.xml").content.decode() for kind in ("colleges", "employers")
    )
    assert college.get_absolute_url() not in sitemaps
    assert employer.get_absolute_url() not in sitemaps


def test_open_data_never_holds_an_organisation_in_no_cluster(world):
    from opendata.datasets import DATASETS
    from tests.clusters.factories import CollegeFactory, EmployerFactory

    college = CollegeFactory(full_name="Колледж вне кластеров", region=world["a"])
    employer = EmployerFactory(name="ООО «Вне кластеров»", region=world["a"])
    rows = {d.model: set(d.rows().values_list("pk", flat=True)) for d in DATASETS}
    assert college.pk not in rows[type(college)]
    assert employer.pk not in rows[type(employer)]
    published = world["published"]["91"].cluster_colleges.get().college
    assert published.pk in rows[type(published)]


# History: the list, a version page and revert, for the draft of region A.

HISTORY_ADMINS = [
    ("clusters", "cluster", lambda w: w["draft"]),
    ("clusters", "college", lambda w: w["draft"].cluster_colleges.get().college),
    ("funding", "fundingline", lambda w: w["draft"].funding_lines.get()),
]


def _version_form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = getattr(value, "pk", value)
    return data


@pytest.mark.parametrize(
    ("app", "model", "target"), HISTORY_ADMINS, ids=lambda x: x if isinstance(x, str) else "target"
)
def test_history_list_version_page_and_revert_follow_the_gate(
    world, persona, web, app, model, target
):
    who, _ = persona
    obj = target(world)
    version = obj.history.earliest("history_date")
    listing = reverse(f"admin:{app}_{model}_history", args=[obj.pk])
    page = reverse(f"admin:{app}_{model}_simple_history", args=[obj.pk, version.history_id])
    missing_listing = reverse(f"admin:{app}_{model}_history", args=[99_999_999])
    missing_page = reverse(
        f"admin:{app}_{model}_simple_history", args=[99_999_999, version.history_id]
    )
    if not _is_admin_user(who):
        # No admin, or no right on the model at all: the same answer for every id.
        for url, missing in [(listing, missing_listing), (page, missing_page)]:
            seen, none = web.get(url), web.get(missing)
            assert seen.status_code == none.status_code and seen.status_code in (302, 403)
            assert not _secrets_in(seen.content.decode())
        return
    if not who.sees_draft:
        # Another region's draft: 404, exactly as an id that does not exist.
        for url, missing in [(listing, missing_listing), (page, missing_page)]:
            seen, none = web.get(url), web.get(missing)
            assert seen.status_code == none.status_code == 404, (who.name, url)
            assert seen.content == none.content
        assert web.post(page, {"name": "Икс"}).status_code == 404
        return
    assert web.get(listing).status_code == 200
    response = web.get(page)
    assert response.status_code == 200, who.name
    data = _version_form_data(response.context["adminform"].form)
    reverted = web.post(page, data)
    if who.edits_draft:
        assert reverted.status_code == 302, (who.name, reverted.content.decode()[:3000])
    else:
        assert reverted.status_code == 403, who.name


def test_a_version_id_of_another_object_is_not_found(world, persona, web):
    """A version page shows only versions of its own object: a draft's history id under a
    published cluster's URL is 404 for everyone."""
    who, _ = persona
    if not who.sees_draft:
        return
    draft_version = world["draft"].history.earliest("history_date")
    published = world["published"]["91"]
    url = reverse(
        "admin:clusters_cluster_simple_history", args=[published.pk, draft_version.history_id]
    )
    assert web.get(url).status_code == 404


def test_revert_of_public_data_by_a_regional_editor_is_a_pending_change(world_and_users, world):
    """Region B's editor reverts B's published cluster to an earlier name: it goes through
    the write service, so it waits for a federal editor; the public keeps the name."""
    from django.test import Client

    from clusters.services import cluster_update

    users = world_and_users[1]
    cluster = Cluster.objects.get(pk=world["published"]["92"].pk)  # as stored, not as cached
    old_name = cluster.name
    cluster_update(actor=users["federal"], cluster=cluster, name="Новое имя")
    version = cluster.history.filter(name=old_name).earliest("history_date")
    client = Client()
    client.force_login(users["regional_b"])
    url = reverse("admin:clusters_cluster_simple_history", args=[cluster.pk, version.history_id])
    data = _version_form_data(client.get(url).context["adminform"].form)
    assert data["name"] == old_name
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cluster.refresh_from_db()
    assert cluster.name == "Новое имя"
    change = PendingChange.objects.get()
    assert ["Название", "Новое имя", old_name] in change.diff


def test_the_change_feed_shows_only_the_rows_its_reader_may_see(world_and_users, world):
    """Even a holder of `history.view_change` who may not see drafts reads no draft there."""
    from django.test import Client

    users = world_and_users[1]
    regional_b = users["regional_b"]
    regional_b.user_permissions.add(Permission.objects.get(codename="view_change"))
    regional_b = type(regional_b).objects.get(pk=regional_b.pk)
    client = Client()
    client.force_login(regional_b)
    feed = client.get(reverse("admin:history_change_changelist"))
    assert feed.status_code == 200
    assert not _secrets_in(feed.content.decode())
    api = APIClient()
    api.force_authenticate(regional_b)
    body = api.get("/api/v1/changes/", {"page_size": 200}).content.decode()
    assert not _secrets_in(body)
    federal = Client()
    federal.force_login(users["federal"])
    assert SECRET_NAME in federal.get(reverse("admin:history_change_changelist")).content.decode()
