"""A visitor in real headless Chromium: home → catalogue filtered by region and industry →
cluster page with its colleges and funding, on a desktop and on a 375 px phone.

Drives Debian's /usr/bin/chromium through Playwright (never a downloaded browser).
Screenshots go to test-artifacts/ at the repository root.
"""

import re
from pathlib import Path

import pytest

from tests.totals import recompute_totals

pytestmark = [pytest.mark.browser, pytest.mark.long_module]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module; each test opens a context of its own (no state shared)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it (seeding, recompute) are plain synchronous code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def site(transactional_db, live_server, seed):
    recompute_totals()
    return live_server.url


def assert_no_horizontal_scroll(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url}: {scroll_width}px > {inner_width}px"


def visit_home_filter_and_open_cluster(page, site, shot_prefix, phone=False):
    # Home: national figures, the chart and the entry points.
    page.goto(site + "/")
    assert page.locator("h1").inner_text().startswith("Образовательно-производственные")
    assert page.locator("#national-funding-title").count() == 1
    first_figure = page.locator(".stats li").first
    assert first_figure.is_visible()
    assert first_figure.inner_text().split() == ["8", "кластеров"]
    page.screenshot(path=ARTIFACTS / f"{shot_prefix}-1-home.png", full_page=True)
    if phone:
        assert_no_horizontal_scroll(page)

    # Catalogue, filtered by region and industry through the labelled form controls.
    page.get_by_role("navigation", name="Основные разделы").get_by_role(
        "link", name="Кластеры"
    ).click()
    page.wait_for_url(re.compile(r"/clusters/$"))
    filters = page.locator("details.filters-fold")
    if phone:  # folded under «Фильтры» so the list comes first
        assert filters.get_attribute("open") is None
        assert not page.get_by_label("Субъект РФ").is_visible()
        filters.locator("summary").click()
    else:
        assert filters.get_attribute("open") is not None
    page.get_by_label("Субъект РФ").select_option("67")
    page.get_by_label("Отрасль").select_option("mechanical-engineering")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(re.compile(r"region=67"))
    assert "industry=mechanical-engineering" in page.url
    assert page.locator(".results-count").inner_text().replace("\u00a0", " ") == (
        "Найдено 1 кластер"
    )
    csv = page.get_by_role("link", name="CSV для русского Excel").get_attribute("href")
    assert csv.startswith("/api/v1/clusters/?") and "format=csv" in csv and "region=67" in csv
    assert "dialect=excel-ru" in csv
    page.screenshot(path=ARTIFACTS / f"{shot_prefix}-2-catalogue.png", full_page=True)
    if phone:
        assert_no_horizontal_scroll(page)

    # The cluster page: its colleges and its funding.
    page.get_by_role("link", name="ОПЦ машиностроения, Смоленская область").click()
    page.wait_for_url(re.compile(r"/clusters/smo-mechanical-engineering/$"))
    assert page.locator("h1").inner_text() == "ОПЦ машиностроения, Смоленская область"
    colleges = page.locator("section", has=page.locator("#colleges-heading"))
    assert colleges.get_by_role(
        "link", name="Смоленская академия профессионального образования"
    ).is_visible()
    funding = page.locator("section", has=page.locator("#funding-heading"))
    assert "≈ 153 000 000 ₽" in funding.inner_text().replace("\u00a0", " ")
    assert funding.locator("svg[role=img]").is_visible()
    assert "16 предприятий-работодателей" in page.locator("body").inner_text().replace(
        "\u00a0", " "
    )
    page.screenshot(path=ARTIFACTS / f"{shot_prefix}-3-cluster.png", full_page=True)
    if phone:
        assert_no_horizontal_scroll(page)


def test_visitor_filters_the_catalogue_and_opens_a_cluster_on_desktop(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    visit_home_filter_and_open_cluster(page, site, "desktop")
    page.close()


def test_visitor_does_the_same_on_a_375px_phone_without_horizontal_scrolling(site, browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    visit_home_filter_and_open_cluster(page, site, "phone", phone=True)
    # The other public pages fit the phone as well.
    for path in ("/regions/altai-krai/", "/districts/sib/", "/regions/", "/open-data/"):
        page.goto(site + path)
        assert_no_horizontal_scroll(page)
    page.screenshot(path=ARTIFACTS / "phone-4-open-data.png", full_page=True)
    context.close()


def test_pages_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/clusters/?region=38")
    assert "Найдено 2 кластера" in page.locator("body").inner_text().replace("\u00a0", " ")
    page.goto(site + "/")
    assert page.locator("svg[role=img]").first.is_visible()
    context.close()


# --- every public page at 320, 375 and 1280 px; the map; axe-core -------------------------

PUBLIC_PAGES = {
    "home": "/",
    "catalogue": "/clusters/",
    "catalogue-search": "/clusters/?q=смоленск",
    "cluster": "/clusters/smo-mechanical-engineering/",
    "cluster-joint": "/clusters/alt-transport/",
    "regions": "/regions/",
    "regions-money": "/regions/?map=money",
    "region": "/regions/altai-krai/",
    "district": "/districts/sib/",
    "industries": "/industries/",
    "industry": "/industries/mechanical-engineering/",
    "colleges": "/colleges/",
    "college": None,  # filled from the data: the Smolensk academy
    "employers": "/employers/",
    "employer": None,  # filled from the data: the Smolensk employer
    "completeness": "/completeness/",
    "open-data": "/open-data/",
    "region-without-records": "/regions/moscow/",
    "region-reported-none": "/regions/republic-of-bashkortostan/",
    "catalogue-not-given": "/clusters/?kind=none",
    "catalogue-bad-filter": "/clusters/?region=999",
    "catalogue-page-2": "/clusters/?page=2",
    "api-docs": "/api/v1/docs/",
}
WIDTHS = (320, 375, 1280)
# Beyond axe's defaults: the visible text of a link is in its name (WCAG 2.5.3; the map's
# tiles) and targets are at least 24 px (WCAG 2.5.8; the map's tiles on a phone).
AXE_OPTIONS = {
    "rules": {"label-content-name-mismatch": {"enabled": True}, "target-size": {"enabled": True}},
    # Only the violations are read: axe then details one node of the passes, not all of them
    # (its documented speed option; the same violations, checked on every page here).
    "resultTypes": ["violations"],
}


def open_page(page, url: str) -> None:
    page.goto(url)
    if "/api/v1/docs/" in url:  # Swagger UI renders the operations after loading the schema
        page.wait_for_selector("#operations h2.operations-heading")


def public_pages() -> dict[str, str]:
    from clusters.models import ClusterEmployer, College

    pages = dict(PUBLIC_PAGES)
    pages["college"] = College.objects.get(short_name="СмолАПО").get_absolute_url()
    pages["employer"] = ClusterEmployer.objects.first().employer.get_absolute_url()
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_no_public_page_scrolls_sideways(site, browser, width):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 1000, locale="ru-RU"
    )
    page = context.new_page()
    for name, path in public_pages().items():
        open_page(page, site + path)
        assert_no_horizontal_scroll(page)
        if name in {"home", "catalogue", "cluster", "region", "completeness", "colleges"}:
            page.screenshot(path=ARTIFACTS / f"w{width}-{name}.png", full_page=True)
    # Wide tables scroll inside their frame, with a visible hint on narrow screens.
    page.goto(site + "/regions/altai-krai/")
    hint = page.locator(".scroll-hint").first
    assert hint.is_visible() == (width < 1000)
    context.close()


@pytest.mark.parametrize(("width", "folded"), [(320, True), (375, True), (1280, False)])
def test_catalogue_filters_are_folded_on_phones_only(site, browser, width, folded):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for path in ("/clusters/", "/colleges/", "/employers/"):
        page.goto(site + path)
        details = page.locator("details.filters-fold")
        assert (details.get_attribute("open") is None) == folded, path
        assert page.get_by_role("button", name="Показать").is_visible() != folded, path
    context.close()


def test_the_map_is_clickable_and_switches_to_money(site, browser):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(site + "/regions/")
    tiles = page.locator("svg.tile-grid a")
    assert tiles.count() == 89
    # Tiles are 24 px or more on a 375 px phone (the frame scrolls sideways instead).
    box = tiles.first.locator("rect").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    page.locator('svg.tile-grid a[aria-label*="Иркутская область"]').click()
    page.wait_for_url(re.compile(r"/regions/irkutsk-oblast/$"))
    assert page.locator("h1").inner_text() == "Иркутская область"
    page.goto(site + "/")
    page.get_by_role("link", name="по вложенным деньгам").click()
    page.wait_for_url(re.compile(r"map=money"))
    label = page.locator('svg.tile-grid a[aria-label*="Московская область"]').get_attribute(
        "aria-label"
    )
    assert label == "МОС — Московская область: сведений нет"
    page.locator("#map").screenshot(path=ARTIFACTS / "map-money-375.png")
    page.close()


@pytest.mark.parametrize("width", (375, 1280))
def test_axe_finds_no_violations_on_any_public_page(site, browser, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for name, path in public_pages().items():
        open_page(page, site + path)
        results = axe.run(page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        if violations:
            found[name] = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
            ]
    context.close()
    (ARTIFACTS / f"axe-{width}.txt").write_text(
        "\n".join(f"{k}: {v}" for k, v in found.items()) or "0 violations on every page\n"
    )
    assert not found, found
