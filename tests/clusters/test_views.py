"""Public cluster pages with the real seed data: catalogue, cluster, industry, college, employer."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.choices import CollegeRole, FigureKind
from clusters.models import Cluster, College, Employer
from common.qualifiers import Qualifier
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    IndustryFactory,
    ProgrammeFactory,
    ReportedFigureFactory,
)
from tests.funding.factories import FundingLineFactory
from tests.regions.factories import RegionFactory
from tests.totals import recompute_totals

pytestmark = pytest.mark.django_db

SMOLENSK = "/clusters/smo-mechanical-engineering/"


# «0 ₽» / «0 млн ₽» as a whole figure (not the tail of «200 000 000 ₽»).
ZERO = re.compile(r"(?:^|[^\d\s])\s*0 (?:₽|млн|тыс)")


def text(response) -> str:
    """The page's text with no-break spaces read as spaces and tags stripped."""
    html = response.content.decode().replace("\u00a0", " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def result_names(response) -> set[str]:
    return {cluster.name for cluster in response.context["page_obj"].object_list}


@pytest.fixture
def seeded(seed):
    recompute_totals()


# --- the cluster page -------------------------------------------------------------------


def test_smolensk_cluster_page_shows_its_seed_facts(client, seeded):
    response = client.get(SMOLENSK)
    assert response.status_code == 200
    page = text(response)
    assert "Смоленская академия профессионального образования" in page
    assert "16 предприятий-работодателей по данным источника" in page
    assert "по названиям в реестре не перечислены" in page
    assert "не менее 560" in page
    assert "24 января 2025 г." in page
    assert "≈ 153 000 000 ₽" in page
    assert "≈ 153 млн ₽" in page
    assert "≈ 37 000 000 ₽" in page  # the employers' share, derived and so approximate
    # Years the source does not give stay empty, never guessed.
    assert re.search(r"Год отбора\s*не указан", page)
    assert re.search(r"Год первого набора\s*не указан", page)
    assert "Суммы по данным реестра на" in page
    assert "Итоги пересчитаны" not in page  # jargon to a visitor
    assert "Василий Анохин посетил Смоленскую академию" in page
    # A source reads as title, publisher and date, never as the registry's internal path.
    assert "seeds/004_c8ccfdd2582e0d5c.txt" not in page
    assert "Документ:" not in page
    assert "<svg" in response.content.decode()


def test_cluster_page_has_its_own_title_and_description(client, seeded):
    html = client.get(SMOLENSK).content.decode()
    assert "<title>ОПЦ машиностроения, Смоленская область — «Профессионалитет»</title>" in html
    assert re.search(r'<meta name="description" content="[^"]*Смоленская область', html)
    assert '<html lang="ru">' in html


def test_irkutsk_cluster_lists_base_and_network_colleges(client, seeded):
    page = text(client.get("/clusters/irk-energy/"))
    assert "Иркутский энергетический колледж" in page
    assert "Ангарский политехнический техникум" in page
    assert re.search(r"Год отбора\s*2022", page)
    assert re.search(r"Год первого набора\s*2023", page)


def test_cluster_page_says_when_totals_are_being_recomputed(client, seeded):
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    total = cluster.funding_total
    total.is_stale = True
    total.save(update_fields=["is_stale"])
    assert "Суммы обновляются" in text(client.get(SMOLENSK))


@pytest.mark.parametrize("slug", ["mos-mechanical-engineering", "ore-mechanical-engineering"])
def test_cluster_no_source_gives_money_for_says_unknown_not_zero(client, seeded, slug):
    page = text(client.get(f"/clusters/{slug}/"))
    assert "Всего: сведений нет" in page
    assert not ZERO.search(page)


@pytest.mark.parametrize(
    ("slug", "partner"),
    [
        ("alt-mechanical-engineering", "ОПЦ транспортной отрасли, Алтайский край"),
        ("alt-transport", "ОПЦ машиностроительной отрасли, Алтайский край"),
    ],
)
def test_cluster_with_joint_money_names_its_partner_and_links_the_region(
    client, seeded, slug, partner
):
    response = client.get(f"/clusters/{slug}/")
    page = text(response)
    assert not ZERO.search(page)
    assert f"выделено совместно с {partner}" in page
    assert "не менее 232 000 000 ₽ на всех" in page  # 200 + 10 + «более 22» млн
    assert 'href="/regions/' in response.content.decode()
    assert "ОПЦ легкой промышленности" not in page  # has money of its own, not a partner


def test_catalogue_cards_say_unknown_for_clusters_without_money(client, seeded):
    page = text(client.get("/clusters/?region=50"))
    assert "Финансирование сведений нет" in page
    assert not ZERO.search(page)


def test_unpublished_cluster_is_404_for_the_public(client, seeded):
    Cluster.objects.filter(slug="smo-mechanical-engineering").update(
        is_published=False, review_state="draft"
    )
    response = client.get(SMOLENSK)
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_staff_may_preview_an_unpublished_cluster(client, seeded, staff_editor):
    Cluster.objects.filter(slug="smo-mechanical-engineering").update(
        is_published=False, review_state="draft"
    )
    client.force_login(staff_editor)
    response = client.get(SMOLENSK)
    assert response.status_code == 200
    assert "Черновик" in text(response)


def test_unknown_cluster_is_a_russian_404(client, seeded):
    response = client.get("/clusters/no-such-cluster/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


# --- the catalogue ----------------------------------------------------------------------


def test_catalogue_lists_every_published_cluster_with_a_russian_count(client, seeded):
    response = client.get(reverse("clusters:list"))
    assert response.status_code == 200
    assert len(result_names(response)) == 8
    assert "8 кластеров" in text(response)


def test_catalogue_filters_by_region(client, seeded):
    response = client.get(reverse("clusters:list"), {"region": "38"})
    assert result_names(response) == {
        "ОПЦ (кластер) «Энергетика», Иркутская область",
        "ОПЦ (кластер) «Металлургия», Иркутская область",
    }
    assert "Найдено 2 кластера" in text(response)


def test_catalogue_filters_by_region_and_industry(client, seeded):
    response = client.get(
        reverse("clusters:list"), {"region": "22", "industry": "mechanical-engineering"}
    )
    assert result_names(response) == {"ОПЦ машиностроительной отрасли, Алтайский край"}
    assert "Найдено 1 кластер" in text(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"federal_district": "SIB"}, 5),
        ({"industry": "mechanical-engineering"}, 4),
        ({"kind": "education_cluster"}, 1),
        ({"selection_year": "2022"}, 3),
        ({"q": "Смоленская академия"}, 1),
        ({"q": "Оренбургская"}, 1),
    ],
)
def test_each_catalogue_filter_narrows_the_list(client, seeded, params, expected):
    response = client.get(reverse("clusters:list"), params)
    assert len(result_names(response)) == expected


def test_catalogue_hides_unpublished_clusters(client, seeded):
    Cluster.objects.filter(slug="irk-energy").update(is_published=False, review_state="draft")
    response = client.get(reverse("clusters:list"), {"region": "38"})
    assert len(result_names(response)) == 1


def test_catalogue_renders_the_filterset_form_with_labels(client, seeded):
    html = client.get(reverse("clusters:list")).content.decode()
    for name in ("q", "federal_district", "region", "industry", "kind", "selection_year"):
        assert f'<label for="id_{name}">' in html
        assert f'name="{name}"' in html


def test_facet_counts_sit_beside_each_option(client, seeded):
    html = client.get(reverse("clusters:list"), {"federal_district": "SIB"}).content.decode()
    # The district facet ignores its own filter; the others respect it.
    assert "Сибирский федеральный округ (5)" in html
    assert "Центральный федеральный округ (2)" in html
    assert "Иркутская область (2)" in html
    assert "Алтайский край (3)" in html
    assert "Смоленская область" not in re.search(
        r'<select name="region".*?</select>', html, re.S
    ).group(0)
    assert "2022 (3)" in html


def test_csv_link_and_pagination_keep_the_current_filters(client, seeded):
    html = client.get(reverse("clusters:list"), {"region": "22"}).content.decode()
    assert 'href="/api/v1/clusters/?region=22&amp;format=csv"' in html


def test_catalogue_paginates_and_page_links_keep_filters(client, db):
    industry = IndustryFactory()
    region = RegionFactory(code="77")
    ClusterFactory.create_batch(25, industry=industry, region=region)
    first = client.get(reverse("clusters:list"), {"industry": industry.slug})
    assert len(first.context["page_obj"].object_list) == 20
    assert f'href="?industry={industry.slug}&amp;page=2"' in first.content.decode()
    second = client.get(reverse("clusters:list"), {"industry": industry.slug, "page": 2})
    assert len(second.context["page_obj"].object_list) == 5


# --- query counts -----------------------------------------------------------------------


def make_clusters(count: int) -> None:
    """Clusters with everything a row or a page shows, across several regions/industries."""
    industries = IndustryFactory.create_batch(3)
    regions = RegionFactory.create_batch(3)
    for i in range(count):
        cluster = ClusterFactory(industry=industries[i % 3], region=regions[i % 3])
        ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
        ClusterCollegeFactory(cluster=cluster)
        ClusterEmployerFactory(cluster=cluster)
        ReportedFigureFactory(cluster=cluster, kind=FigureKind.EMPLOYERS, value=10)
        FundingLineFactory(cluster=cluster)
    recompute_totals()


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_catalogue_query_count_does_not_grow_with_the_data(client, db):
    make_clusters(5)
    few = count_queries(client, reverse("clusters:list"))
    make_clusters(50)
    many = count_queries(client, reverse("clusters:list"))
    assert few == many


def test_catalogue_query_count_is_pinned(client, db, django_assert_num_queries):
    make_clusters(30)
    # the 5 facets (district, region, industry, kind, selection year) in one GROUPING SETS
    # statement and the list's count, both over the counts of clusters; the page's cluster
    # ids, then those clusters (region, district, industry, funding total joined); their base
    # colleges (the card's one prefetch); 3 option lists (district, region, industry); the
    # country's reported count the list's count is set against.
    with django_assert_num_queries(9):
        client.get(reverse("clusters:list"))
    region = Cluster.objects.first().region
    # + 1: the region filter looks its code up while validating; + 1: the region facet counts
    # without its own filter, in a GROUP BY of its own (the other 4 stay grouped); the
    # region's reported count instead of the country's.
    with django_assert_num_queries(11):
        client.get(reverse("clusters:list"), {"region": region.code})


def test_cluster_page_query_count_does_not_grow_with_its_members(client, db):
    cluster = ClusterFactory()
    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    FundingLineFactory(cluster=cluster)
    recompute_totals()
    url = cluster.get_absolute_url()
    few = count_queries(client, url)
    ClusterCollegeFactory.create_batch(40, cluster=cluster)
    ClusterEmployerFactory.create_batch(40, cluster=cluster)
    ReportedFigureFactory.create_batch(10, cluster=cluster)
    cluster.programmes.add(*ProgrammeFactory.create_batch(20))
    FundingLineFactory.create_batch(10, cluster=cluster, qualifier=Qualifier.APPROXIMATELY)
    many = count_queries(client, url)
    # The cluster (region, district, industry, funding total joined); colleges; employers;
    # programmes; figures with sources; sources; funding lines with sources; the lines'
    # citations with their sources; the cluster's citations with their sources.
    # «Чего в реестре ещё нет» reads the facts its gaps need as columns of the first query.
    assert few == many == 9


# --- industry, college and employer pages -----------------------------------------------


def test_industry_page_lists_its_clusters_and_money(client, seeded):
    response = client.get(reverse("clusters:industry", kwargs={"slug": "metallurgy"}))
    page = text(response)
    assert "ОПЦ (кластер) «Металлургия», Иркутская область" in page
    assert "Энергетика" not in page.split("Кластеры отрасли")[1].split("Финансирование")[0]
    assert "100 000 000 ₽" in page


def test_industry_list_counts_clusters_in_russian(client, seeded):
    page = text(client.get(reverse("clusters:industries")))
    assert "Машиностроение 4 кластера" in page
    assert "Металлургия 1 кластер" in page


def test_college_page_lists_its_published_clusters(client, seeded):
    college = College.objects.get(full_name="Иркутский энергетический колледж")
    page = text(client.get(college.get_absolute_url()))
    assert "ОПЦ (кластер) «Энергетика», Иркутская область" in page
    assert "базовая организация" in page
    Cluster.objects.filter(slug="irk-energy").update(is_published=False, review_state="draft")
    # Its only cluster is now a draft: the college itself is hidden from the public.
    assert client.get(college.get_absolute_url()).status_code == 404


def test_employer_page_lists_its_published_clusters(client, seeded):
    employer = Employer.objects.get(name="АО «БТК групп»")
    page = text(client.get(employer.get_absolute_url()))
    assert "ОПЦ легкой промышленности, Алтайский край" in page
    assert "партнёр" in page


def test_a_bad_filter_value_is_a_russian_error_tied_to_its_field(client, seeded):
    response = client.get("/clusters/", {"region": "00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_region-error"' in html
    assert 'aria-describedby="id_region-error"' in html
    assert 'aria-invalid="true"' in html


# --- colleges and employers catalogues ----------------------------------------------------


def names(response) -> set[str]:
    return {str(obj) for obj in response.context["page_obj"].object_list}


def test_college_catalogue_filters_by_region_industry_and_cluster_kind(client, seeded):
    response = client.get("/colleges/")
    assert response.status_code == 200
    assert "СмолАПО" in names(response)
    assert names(client.get("/colleges/", {"region": "67"})) == {"СмолАПО"}
    by_kind = names(client.get("/colleges/", {"cluster_kind": "education_cluster"}))
    smolensk_industry = Cluster.objects.get(slug="smo-mechanical-engineering").industry.slug
    by_industry = names(client.get("/colleges/", {"industry": smolensk_industry}))
    assert "СмолАПО" in by_industry and "СмолАПО" not in by_kind
    assert "<details" in response.content.decode() and "Фильтры" in text(response)


def test_employer_catalogue_lists_partners_and_hides_drafts(client, draft_cluster):
    response = client.get("/employers/")
    assert response.status_code == 200
    assert "ООО «Тайный партнёр»" not in text(response)
    assert "АО «БТК групп»" in text(response)


def test_college_page_has_breadcrumbs_to_the_catalogue(client, seeded):
    college = College.objects.get(short_name="СмолАПО")
    html = client.get(college.get_absolute_url()).content.decode()
    assert 'href="/colleges/"' in html and 'class="breadcrumbs"' in html


def test_catalogue_finds_the_clusters_whose_industry_or_kind_is_not_given(client, db):
    unknown = ClusterFactory(industry=None, kind="", name="Кластер без отрасли и типа")
    known = ClusterFactory(name="Кластер с отраслью")
    page = client.get(reverse("clusters:list"))
    html = page.content.decode()
    assert '<option value="none">Отрасль не указана (1)</option>' in html
    assert '<option value="none">Тип не указан (1)</option>' in html
    for params in ({"industry": "none"}, {"kind": "none"}):
        listed = [c.pk for c in client.get(reverse("clusters:list"), params).context["clusters"]]
        assert listed == [unknown.pk], params
    api = client.get("/api/v1/clusters/", {"industry": "none"}).json()
    assert [row["slug"] for row in api["results"]] == [unknown.slug]
    assert known.pk not in [c.pk for c in client.get("/clusters/?kind=none").context["clusters"]]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/clusters/?region=999", "Субъект РФ"),
        ("/clusters/?industry=no-such-industry", "Отрасль"),
        ("/colleges/?region=999", "Субъект РФ"),
        ("/employers/?region=999", "Субъект РФ"),
    ],
)
def test_a_filter_value_the_registry_does_not_know_shows_nothing_and_says_why(
    client, db, url, field
):
    ClusterFactory()
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    page = text(response)
    assert "Отбор не выполнен" in page and f"{field} — «" in page
    assert 'role="alert"' in response.content.decode()


def test_pages_of_a_long_list_are_links_by_number(client, db):
    industry = IndustryFactory()
    ClusterFactory.create_batch(20 * 12 + 1, industry=industry)
    html = client.get(reverse("clusters:list"), {"page": 6}).content.decode()
    nav = html[
        html.index('<nav class="pagination"') : html.index("</nav>", html.index("pagination"))
    ]
    assert "Страница 6 из 13" in nav
    for number in (1, 4, 5, 7, 8, 13):
        assert f'?page={number}">{number}<' in nav, number
    assert '<span aria-current="page" class="current">6</span>' in nav
    assert nav.count("…") == 2
