"""History rows as people read them: who, when, why, and each field before → after in Russian.

django-simple-history keeps one row per save (a full copy of the object). Here consecutive
rows of the same object are compared field by field, and values are shown the way the
registry shows them elsewhere: «16 000 000 ₽», «приблизительно», the region's name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import NoReverseMatch, reverse

# capfirst, not str.capitalize(), which would lower «РФ» and «СПО» («Субъект рф»)
from django.utils.text import capfirst

from common.templatetags.ru_format import format_date, format_number, format_rub
from history.tracked import SKIPPED_FIELDS

EMPTY = "не указано"
ACTIONS = {"+": "создание", "~": "изменение", "-": "удаление"}
# Fields no form edits but a history must show: the review steps change them
# (clusters.services: submit, publish, return, withdraw).
WORKFLOW_FIELDS = {"is_published", "review_state", "review_comment"}
# A review step, named by the state it leads to (and, for a withdrawal, the one it left).
REVIEW_EVENTS = {
    "in_review": "отправка на проверку",
    "published": "публикация",
    "returned": "возврат на доработку",
}
WITHDRAWAL = "снятие с публикации"


def review_event(before_state: str | None, after_state: str | None) -> str:
    """The review step a cluster's save made, or "" when its review state did not change."""
    if before_state is None or before_state == after_state:
        return ""
    if before_state == "published" and after_state != "published":
        return WITHDRAWAL
    return REVIEW_EVENTS.get(after_state or "", "смена состояния проверки")


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Change:
    """One save of one object, ready for a page or the API."""

    at: dt.datetime
    action: str
    model_key: str
    model_label: str
    object_id: int
    object_label: str
    object_url: str
    user: str
    reason: str
    fields: list[FieldChange] = field(default_factory=list)
    history_id: int = 0
    event: str = ""  # a review step (publication, return…), "" for any other save

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "action": self.action,
            "event": self.event or None,
            "model": self.model_key,
            "model_label": self.model_label,
            "object_id": self.object_id,
            "object": self.object_label,
            "user": self.user,
            "reason": self.reason,
            "changes": [
                {"field": f.label, "before": f.before, "after": f.after} for f in self.fields
            ],
        }


def _editable_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS
        and not f.primary_key
        and (f.editable or f.name in WORKFLOW_FIELDS)
    ]


class _Labels:
    """Names of the objects foreign keys point at, fetched once per related model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        self.objects: dict[type[models.Model], dict[int, models.Model]] = {}

    def want(self, related: type[models.Model], pk: int | None) -> None:
        if pk is not None:
            self.wanted[related].add(pk)

    def fetch(self) -> None:
        for related, pks in self.wanted.items():
            objects = related._base_manager.filter(pk__in=pks)
            self.objects[related] = {obj.pk: obj for obj in objects}

    def get(self, related: type[models.Model], pk: int | None) -> models.Model | None:
        return self.objects.get(related, {}).get(pk)

    def name(self, related: type[models.Model], pk: int) -> str:
        obj = self.get(related, pk)
        return str(obj) if obj is not None else f"удалённый объект № {pk}"


def format_value(model_field: models.Field, value: Any, labels: _Labels | None = None) -> str:
    """One stored value as staff read it; empty values read «не указано», never «None»."""
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation and labels is not None:
        return labels.name(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, Decimal):
        return format_rub(value) if model_field.name.endswith("_rub") else format_number(value)
    if isinstance(value, dt.date | dt.datetime):
        return format_date(value)
    return str(value)


def _value(record: models.Model, model_field: models.Field) -> Any:
    return getattr(record, model_field.attname)


def _object_url(model: type[models.Model], pk: int) -> str:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def _user_name(user) -> str:
    if user is None:
        return "система (загрузка данных)"
    return user.get_full_name() or user.get_username()


def with_previous(records: models.QuerySet) -> models.QuerySet:
    """Annotate each history row with the id of the same object's row before it."""
    history_model = records.model
    previous = (
        history_model._default_manager.filter(
            id=OuterRef("id"), history_id__lt=OuterRef("history_id")
        )
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    return records.annotate(previous_history_id=Subquery(previous)).select_related("history_user")


def describe(records_by_model: dict[type[models.Model], list[models.Model]]) -> list[Change]:
    """Changes for history rows (annotated by `with_previous`) of several models, newest first.

    Queries: one for the previous rows of each model, one per related model named by a
    foreign key — whatever the number of rows.
    """
    labels = _Labels()
    prepared = []
    for model, records in records_by_model.items():
        if not records:
            continue
        history_model = type(records[0])
        previous_ids = [r.previous_history_id for r in records if r.previous_history_id]
        previous = {
            p.history_id: p
            for p in history_model._default_manager.filter(history_id__in=previous_ids)
        }
        fields = _editable_fields(model)
        members = _m2m_members(records, previous_ids, labels)
        for record in records:
            before = previous.get(record.previous_history_id)
            for f in fields:
                if f.is_relation:
                    labels.want(f.related_model, _value(record, f))
                    if before is not None:
                        labels.want(f.related_model, _value(before, f))
            prepared.append((model, record, before, fields, members))
    labels.fetch()

    changes = []
    for model, record, before, fields, members in prepared:
        change = _change(model, record, before, fields, labels)
        change.fields += _m2m_changes(record, before, members, labels)
        changes.append(change)
    changes.sort(key=lambda c: (c.at, c.history_id), reverse=True)
    return changes


def _m2m_members(records, previous_ids, labels: _Labels) -> dict:
    """For each tracked many-to-many field: {history_id: set of related ids}; one query each."""
    history_model = type(records[0])
    members = {}
    ids = [r.history_id for r in records] + list(previous_ids)
    for m2m in getattr(history_model, "_history_m2m_fields", []):
        through = getattr(records[0], m2m.name).model
        target = m2m.m2m_reverse_field_name()
        rows = through._default_manager.filter(history_id__in=ids).values_list(
            "history_id", f"{target}_id"
        )
        by_record: dict[int, set[int]] = defaultdict(set)
        for history_id, related_id in rows:
            by_record[history_id].add(related_id)
            labels.want(m2m.related_model, related_id)
        members[m2m] = by_record
    return members


def _m2m_changes(record, before, members: dict, labels: _Labels) -> list[FieldChange]:
    rows = []
    for m2m, by_record in members.items():
        new = by_record.get(record.history_id, set())
        old = by_record.get(before.history_id, set()) if before is not None else set()
        if new == old and before is not None:
            continue
        if before is None and not new:
            continue
        label = capfirst(str(m2m.verbose_name))
        was = _names(labels, m2m.related_model, old) if before is not None else ""
        rows.append(FieldChange(label, was, _names(labels, m2m.related_model, new)))
    return rows


def _names(labels: _Labels, related: type[models.Model], ids: set[int]) -> str:
    return "; ".join(sorted(labels.name(related, i) for i in ids)) or EMPTY


def _change(model, record, before, fields, labels: _Labels) -> Change:
    rows = []
    if record.history_type == "~" and before is not None:
        for f in fields:
            old, new = _value(before, f), _value(record, f)
            if old != new and not (old in (None, "") and new in (None, "")):
                rows.append(
                    FieldChange(
                        capfirst(str(f.verbose_name)),
                        format_value(f, old, labels),
                        format_value(f, new, labels),
                    )
                )
    elif record.history_type == "+" or before is None:
        # A first record: every value it started with (the "before" of the first edit).
        for f in fields:
            new = _value(record, f)
            if new not in (None, ""):
                rows.append(
                    FieldChange(capfirst(str(f.verbose_name)), "", format_value(f, new, labels))
                )
    # The object as it was then, its foreign keys filled from the fetched labels so that
    # its name costs no query.
    instance = record.instance
    for f in fields:
        related = labels.get(f.related_model, _value(record, f)) if f.is_relation else None
        if related is not None:
            setattr(instance, f.name, related)
    try:
        label = str(instance)
    except models.ObjectDoesNotExist:  # a related row deleted since
        label = f"№ {record.id}"
    return Change(
        at=record.history_date,
        action=ACTIONS.get(record.history_type, record.history_type),
        model_key=model._meta.label_lower,
        model_label=capfirst(str(model._meta.verbose_name)),
        object_id=record.id,
        object_label=label,
        object_url=_object_url(model, record.id) if record.history_type != "-" else "",
        user=_user_name(record.history_user),
        reason=record.history_change_reason or "",
        fields=rows,
        history_id=record.history_id,
        event=review_event(
            getattr(before, "review_state", None), getattr(record, "review_state", None)
        )
        if record.history_type == "~"
        else "",
    )
