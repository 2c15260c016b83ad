"""Names and texts refuse control and bidirectional-override characters at every door (issue 10)."""

import pytest
from django.core.exceptions import ValidationError

from clusters.models import Industry
from tests.clusters.factories import ClusterFactory

pytestmark = pytest.mark.django_db

RLO_NAME = "ОПЦ \u202e«яимиХ»"


@pytest.mark.parametrize(
    "char",
    [
        "\u202e",
        "\u202a",
        "\u2066",
        "\u2069",
        "\u200f",
        "\u061c",
        "\x00",
        "\x1b",
        "\x85",
        "\n",
        "\t",
        "\ufeff",
    ],
)
def test_a_name_with_a_control_character_is_refused(char):
    cluster = ClusterFactory.build(name=f"ОПЦ{char}«Химия»")
    with pytest.raises(ValidationError) as caught:
        cluster.full_clean(exclude=["industry", "region"], validate_unique=False)
    messages = caught.value.message_dict["name"]
    assert f"U+{ord(char):04X}" in messages[0]
    assert "позиция 4" in messages[0]


def test_long_text_keeps_line_breaks_and_tabs_but_not_overrides():
    cluster = ClusterFactory.build(description="Первая строка\r\nвторая\tс табуляцией")
    cluster.full_clean(exclude=["industry", "region"], validate_unique=False)
    cluster.description = "Текст \u202eпереворот"
    with pytest.raises(ValidationError) as caught:
        cluster.full_clean(exclude=["industry", "region"], validate_unique=False)
    assert "description" in caught.value.message_dict


def test_plain_russian_text_passes():
    cluster = ClusterFactory.build(name="ОПЦ «Химия» — Иркутская обл., № 1 (2023)")
    cluster.full_clean(exclude=["industry", "region"], validate_unique=False)


def test_api_write_refuses_an_override_with_a_field_message(editor_api_client, seed):
    response = editor_api_client.post(
        "/api/v1/clusters/",
        {
            "name": RLO_NAME,
            "slug": "rlo",
            "kind": "production_center",
            "industry": "mechanical-engineering",
            "region": "38",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "U+202E" in response.json()["name"][0]


def test_admin_form_refuses_an_override(admin_client_logged):
    response = admin_client_logged.post(
        "/admin/clusters/industry/add/", {"slug": "rlo", "name": RLO_NAME, "name_en": "rlo"}
    )
    assert response.status_code == 200
    assert "управляющий символ U+202E" in response.content.decode()
    assert not Industry.objects.filter(slug="rlo").exists()


# Issue 20: invisible and format characters are refused with the control characters, by the
# same validator at every door, with a Russian message naming the character.
INVISIBLE = {
    "\u200b": "пробел нулевой ширины",
    "\u200c": "несоединитель нулевой ширины",
    "\u200d": "соединитель нулевой ширины",
    "\u2060": "невидимый соединитель слов",
    "\u00ad": "мягкий перенос",
    "\u180e": "монгольский разделитель гласных",
    "\u3164": "корейский заполнитель",
    "\u115f": "корейский заполнитель",
    "\u1160": "корейский заполнитель",
    "\U000e0041": "невидимый символ-тег",
    "\U000e0001": "невидимый символ-тег",
    "\U000e007f": "невидимый символ-тег",
    "\u202e": "переключатель направления текста",
    "\u2067": "изоляция направления текста",
    "\ufeff": "метка порядка байтов",
}


@pytest.mark.parametrize(("char", "name"), INVISIBLE.items())
def test_an_invisible_character_is_refused_and_named(char, name):
    cluster = ClusterFactory.build(name=f"ОПЦ{char}«Химия»", description=f"Текст{char}")
    with pytest.raises(ValidationError) as caught:
        cluster.full_clean(exclude=["industry", "region"], validate_unique=False)
    for field in ("name", "description"):  # a line and a long text alike
        message = caught.value.message_dict[field][0]
        assert f"U+{ord(char):04X}" in message and name in message


def test_every_format_character_of_unicode_is_refused():
    import unicodedata

    from common.models import forbidden_character

    format_characters = [
        chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"
    ]
    assert len(format_characters) > 150
    for char in format_characters:
        assert forbidden_character(f"a{char}b", multiline=True) == (2, char), hex(ord(char))


@pytest.mark.parametrize(
    "text", ["ОПЦ «Ёлка»\u00a0— 1\u202f000 ₽", "Колледж № 5 (г. Москва)", "ОПЦ 😀", "Ąžuolas"]
)
def test_visible_text_with_no_break_spaces_passes(text):
    cluster = ClusterFactory.build(name=text)
    cluster.full_clean(exclude=["industry", "region"], validate_unique=False)


def test_api_refuses_a_zero_width_space_naming_it(editor_api_client, seed):
    response = editor_api_client.post(
        "/api/v1/clusters/",
        {
            "name": "ОПЦ\u200b«Химия»",
            "slug": "zwsp",
            "kind": "production_center",
            "industry": "mechanical-engineering",
            "region": "38",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "U+200B «пробел нулевой ширины»" in response.json()["name"][0]


def test_admin_form_refuses_a_soft_hyphen(admin_client_logged):
    response = admin_client_logged.post(
        "/admin/clusters/industry/add/", {"slug": "shy", "name": "Хи\u00adмия", "name_en": "x"}
    )
    assert response.status_code == 200
    assert "U+00AD «мягкий перенос»" in response.content.decode()
    assert not Industry.objects.filter(slug="shy").exists()


def test_admin_review_comment_refuses_a_tag_character():
    from clusters.review_admin import DecisionForm

    form = DecisionForm({"comment": "ок\U000e0041"})
    assert not form.is_valid()
    assert "U+E0041" in form.errors["comment"][0]
    assert DecisionForm({"comment": "Верните,\nпожалуйста"}).is_valid()


def test_import_refuses_a_hangul_filler_in_a_name(admin_client_logged):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from clusters.models import College
    from tests.imports.conftest import csv_bytes
    from tests.regions.factories import RegionFactory

    RegionFactory(code="38", name="Иркутская область", slug="irkutsk")
    header = ["ИНН", "Полное наименование", "Субъект РФ (код)"]
    upload = SimpleUploadedFile("colleges.csv", csv_bytes(header, ["", "Колледж\u3164связи", "38"]))
    response = admin_client_logged.post(
        reverse("admin:imports_importjob_add"), {"kind": "colleges", "file": upload}
    )
    page = admin_client_logged.get(response["Location"]).content.decode()
    assert "U+3164 «корейский заполнитель»" in page
    assert "Подтвердить и записать" not in page
    assert not College.objects.exists()
