"""Request body parsers that refuse what the database or the interpreter cannot take.

JSON nested past `API_MAX_JSON_DEPTH` (Python's parser would raise RecursionError, a 500) and
NUL characters in any key or value (PostgreSQL refuses them in every text column and lookup)
are answered with 400 and a Russian message, before a serializer ever sees the data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

TOO_DEEP = "Слишком глубокая вложенность JSON: допускается не более {limit} уровней."
HAS_NUL = "Запрос содержит недопустимый символ NUL (\\u0000)."


def check_parsed(data: Any, *, max_depth: int) -> None:
    """Walk parsed data without recursion: refuse NUL in strings and nesting past max_depth."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(HAS_NUL)
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise ParseError(TOO_DEEP.format(limit=max_depth))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    raise ParseError(HAS_NUL)
                stack.append((item, depth + 1))


class RegistryJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP.format(limit=settings.API_MAX_JSON_DEPTH)) from exc
        check_parsed(data, max_depth=settings.API_MAX_JSON_DEPTH)
        return data


def _check_querydict(data) -> None:
    for key, values in data.lists():
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
            raise ParseError(HAS_NUL)


class RegistryFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_querydict(data)
        return data


class RegistryMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check_querydict(result.data)
        return result
