"""CSP and Permissions-Policy on every response; no inline code anywhere (issue 10)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_browser import ARTIFACTS, browser  # noqa: F401 — the Chromium fixture

TEMPLATES = Path(settings.BASE_DIR) / "templates"

PATHS = [
    "/",
    "/clusters/",
    "/clusters/?q=%D1%85",
    "/no-such-page/",
    "/api/v1/clusters/",
    "/api/v1/no-such/",
    "/api/v1/docs/",
    "/api/v1/schema/",
    "/admin/login/",
    "/robots.txt",
    "/static/css/site.css",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_csp_and_permissions_policy(client, seed, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if re.search(r"\sstyle\s*=", text) or re.search(r"<style[\s>]", text):
            offenders.append(f"{template}: inline style")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template}: inline script {tag}")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: inline event handler")
    assert offenders == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_docs_render_in_chromium_under_the_csp(live_server, seed, browser):  # noqa: F811
    page = browser.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    response = page.goto(live_server.url + "/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Профессионалитет" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    assert page.locator(".opblock-tag").count() >= 5
    # The page's own layout rules came from the static file, not an inline <style>.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    page.screenshot(path=str(ARTIFACTS / "swagger-under-csp.png"))
    for path in ("/", "/clusters/?region=38", "/admin/login/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    page.close()
    assert violations == []
