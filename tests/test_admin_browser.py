"""Staff in real headless Chromium at 1280 px: the cluster pages fit, a refused save scrolls
to its error, and date fields carry no time-zone notes (the browser sits in Irkutsk)."""

import pytest

from clusters.models import Cluster
from tests.test_browser import ARTIFACTS, assert_no_horizontal_scroll, browser  # noqa: F401
from tests.totals import recompute_totals

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_site(transactional_db, live_server, seed, django_user_model):
    recompute_totals()
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    return live_server.url


@pytest.fixture
def staff_page(browser, admin_site):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU", timezone_id="Asia/Irkutsk"
    )
    page = context.new_page()
    page.goto(admin_site + "/admin/login/")
    page.get_by_label("Имя пользователя").fill("boss")
    page.get_by_label("Пароль").fill("pw")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(admin_site + "/admin/")
    yield page
    context.close()


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_cluster_list_and_change_page_fit_1280px(staff_page, admin_site):
    page = staff_page
    page.goto(admin_site + "/admin/clusters/cluster/")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=ARTIFACTS / "admin-1-cluster-list.png", full_page=True)
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    page.goto(admin_site + f"/admin/clusters/cluster/{cluster.pk}/change/")
    assert page.locator("h1").inner_text() == "Изменить кластер"
    assert_no_horizontal_scroll(page)
    # Inlines open (they start collapsed) and still fit.
    for summary in page.locator("fieldset.module details > summary").all():
        summary.click()
    assert_no_horizontal_scroll(page)
    assert page.locator(".timezonewarning").count() == 0
    page.screenshot(path=ARTIFACTS / "admin-2-cluster-change.png", full_page=True)


def test_a_refused_sum_is_shown_next_to_its_field_in_view(staff_page, admin_site):
    page = staff_page
    cluster = Cluster.objects.get(slug="smo-mechanical-engineering")
    line = cluster.funding_lines.get(funding_source="regional")
    page.goto(admin_site + f"/admin/clusters/cluster/{cluster.pk}/change/")
    page.locator("#funding_lines-group summary").click()
    amount = page.locator(
        f"#funding_lines-group tr:has(input[name$='-id'][value='{line.pk}']) input.vRubField"
    )
    amount.fill("17млн")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state("load")
    error = page.locator("#funding_lines-group .errorlist").first
    assert "Сумма «17млн» не прочитана" in error.inner_text()
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('vRubField')"
    )
    assert _in_viewport(page, error)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=ARTIFACTS / "admin-3-error-in-view.png")
