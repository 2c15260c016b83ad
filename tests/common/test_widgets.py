"""QuickSelect (common/widgets.py) writes the HTML Django's select templates write."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from common import filtersets as filtersets_module
from common.widgets import QuickSelect
from tests.clusters.factories import ClusterFactory

CASES = [
    # (widget arguments, value)
    ({"choices": [("", "---"), ("a", "A & <b>"), (1, "Один"), ("g", [("x", "X")])]}, "x"),
    ({"choices": [("", "Все"), ("a", mark_safe("<i>A</i>")), ("b", 'B "q"')]}, "a"),
    ({"choices": [("1", "один"), ("2", "два")], "attrs": {"id": "id_f", "data-x": 'a"b'}}, 2),
    (
        {"choices": [("x", "X")], "attrs": {"disabled": True, "hidden": False, "required": True}},
        None,
    ),
    ({"choices": []}, None),
    ({"choices": [("группа", [("1", "1"), ("2", "2")]), ("3", "3")]}, ["2", "3"]),
]


@pytest.mark.parametrize(("arguments", "value"), CASES)
def test_quick_select_writes_djangos_bytes(arguments, value):
    attrs = {"class": "filter", "aria-describedby": "hint"}
    expected = forms.Select(**arguments).render("field", value, attrs=attrs)
    assert QuickSelect(**arguments).render("field", value, attrs=attrs) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/clusters/",
        "/clusters/?federal_district=SIB&kind=industry&industry=mechanical-engineering",
        "/clusters/?region=38&selection_year=2022&q=%3Cb%3E",
        "/colleges/?federal_district=SIB&cluster_kind=industry",
        "/employers/?region=38",
    ],
)
def test_public_filter_forms_are_the_same_page_with_quick_selects(seed, client, monkeypatch, url):
    ClusterFactory(name='Кластер «<b>» & "кавычки"')
    quick = client.get(url)
    assert quick.status_code == 200
    assert b"<select" in quick.content and "QuickSelect" not in quick.content.decode()
    with monkeypatch.context() as patched:
        patched.setattr(filtersets_module, "quick_selects", lambda form: form)
        plain = client.get(url)
    assert quick.content == plain.content


@pytest.mark.django_db
def test_the_catalogue_renders_its_selects_without_a_template_per_option(seed, client):
    from django.test.signals import template_rendered

    names = []

    def seen(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    try:
        assert client.get("/clusters/").status_code == 200
    finally:
        template_rendered.disconnect(seen)
    assert "django/forms/widgets/select_option.html" not in names
