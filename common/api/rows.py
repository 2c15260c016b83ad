"""A flat read serializer's output built from `.values()` dicts or plain attributes.

DRF spends most of a list's time per field and per row on attribute lookup; a page of 100
clusters also builds ~1 500 model instances for its nested lists. `PlainRow` keeps what decides
the output — each field's own `to_representation`, None passed through as DRF does — and drops
the rest, so a row comes out exactly as the serializer would write it for a model instance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rest_framework import serializers


class PlainRow:
    """The readable fields of a flat serializer, each with the column it reads.

    A field's column is its source path with `__` (`college.full_name` → `college__full_name`),
    under `prefix`, so `paths` can be passed to `.values()` as they are.
    """

    def __init__(self, serializer: serializers.BaseSerializer, prefix: str = "") -> None:
        if isinstance(serializer, serializers.ListSerializer):
            serializer = serializer.child
        self.columns: list[tuple[str, str, Callable[[Any], Any]]] = []
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            if isinstance(field, serializers.BaseSerializer) or field.source == "*":
                raise TypeError(f"{name}: PlainRow takes flat serializers only")
            path = prefix + "__".join(field.source_attrs)
            self.columns.append((name, path, field.to_representation))

    @property
    def paths(self) -> list[str]:
        return [path for _, path, _ in self.columns]

    def from_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: None if (value := values[path]) is None else represent(value)
            for name, path, represent in self.columns
        }

    def from_object(self, obj: Any) -> dict[str, Any]:
        """For an instance whose fields are its own attributes (no dotted sources)."""
        return {
            name: None if (value := getattr(obj, path)) is None else represent(value)
            for name, path, represent in self.columns
        }


def grouped(rows: Iterable[Mapping[str, Any]], key: str) -> dict[Any, list[Mapping[str, Any]]]:
    """Rows by the value of `key`, each group in the rows' order."""
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups
