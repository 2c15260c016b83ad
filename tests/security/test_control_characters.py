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
