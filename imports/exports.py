"""XLSX of any admin selection: the model's own columns with their Russian verbose names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet

from common.api.xlsx import Column, xlsx_file, xlsx_response

NUMBER_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)


def model_columns(model: type[models.Model]) -> list[tuple[Column, models.Field]]:
    """Every concrete field but the history's own, a foreign key shown as its target's name."""
    columns = []
    for field in model._meta.concrete_fields:
        label = str(field.verbose_name)
        is_number = isinstance(field, NUMBER_FIELDS) and not field.is_relation
        choices = tuple((str(k), str(v)) for k, v in field.flatchoices) if field.choices else ()
        columns.append(
            (Column(field.name, label[:1].upper() + label[1:], is_number, choices), field)
        )
    return columns


def _rows(queryset: QuerySet, columns: list[tuple[Column, models.Field]]) -> Iterator[dict]:
    related = [f.name for _, f in columns if f.is_relation]
    for obj in queryset.select_related(*related).iterator(chunk_size=500):
        row: dict[str, Any] = {}
        for column, field in columns:
            value = getattr(obj, field.name)
            if field.is_relation:
                value = None if value is None else str(value)
            elif isinstance(value, bool):
                value = "да" if value else "нет"
            elif value is not None and not column.is_number:
                value = str(value)
            row[column.path] = value
        yield row


def export_selected_xlsx(modeladmin, request, queryset):
    """Admin action: the selected rows (as the admin's gate lets this user see them) as XLSX."""
    model = queryset.model
    columns = model_columns(model)
    handle = xlsx_file(
        [column for column, _ in columns],
        _rows(queryset.order_by("pk"), columns),
        title=str(model._meta.verbose_name_plural),
    )
    return xlsx_response(handle, model._meta.model_name)


export_selected_xlsx.short_description = "Экспорт выбранного в XLSX"
export_selected_xlsx.allowed_permissions = ("view",)
