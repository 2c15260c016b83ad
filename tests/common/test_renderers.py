"""The orjson renderer writes exactly the bytes DRF's JSONRenderer writes."""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from clusters.choices import ClusterStatus
from common.api.renderers import RegistryJSONRenderer

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")

SAMPLES = [
    None,
    {},
    [],
    {"count": 0, "next": None, "previous": None, "results": []},
    "Кластер «Энергетика» — 100 %",
    'controls \x00\x01\x1f\x7f \b\f\n\r\t quotes " \\ / and separators \u2028 \u2029',
    "astral 😀 and combining й",
    ReturnDict({"a": ReturnList([1, True, False, None], serializer=None)}, serializer=None),
    (1, 2, [3, (4,)]),
    {"status": ClusterStatus.OPERATING},
    {"lazy": gettext_lazy("This field is required.")},
    {"money": decimal.Decimal("153000000.00"), "tiny": decimal.Decimal("0.00001")},
    {"date": datetime.date(2024, 2, 29), "time": datetime.time(12, 30, 1, 5)},
    {
        "utc": datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.UTC),
        "moscow": datetime.datetime(2024, 1, 1, 12, 0, 0, 123, tzinfo=MOSCOW),
        "naive": datetime.datetime(2024, 1, 1, 12),
    },
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"big": 2**70, "negative": -(2**63) - 1},
    {1: "int key", None: "none key"},
    {"nested": [{"deep": [{"deeper": ["x"] * 3}]}]},
]


@pytest.mark.parametrize("data", SAMPLES)
def test_orjson_renderer_writes_the_same_bytes_as_drf(data):
    assert RegistryJSONRenderer().render(data) == JSONRenderer().render(data)


def test_indent_asked_in_the_media_type_is_honoured_like_drf():
    data = {"a": [1, {"b": "в"}]}
    media_type = "application/json; indent=4"
    expected = JSONRenderer().render(data, media_type)
    assert RegistryJSONRenderer().render(data, media_type) == expected
    assert b"\n    " in expected
