"""The changes a page shows: one object's, a cluster's with its parts', or the whole feed."""

from __future__ import annotations

from django.db import models

from clusters import gate
from clusters.models import Cluster
from history.changes import Change, describe, with_previous
from history.filtersets import ChangeFilterSet
from history.tracked import CLUSTER_PARTS, TRACKED

OBJECT_LIMIT = 300


def _newest(records: models.QuerySet) -> list[models.Model]:
    return list(with_previous(records).order_by("-history_date", "-history_id")[:OBJECT_LIMIT])


def object_changes(obj: models.Model) -> list[Change]:
    """Every save of `obj`, newest first (at most OBJECT_LIMIT)."""
    model = type(obj)
    return describe({model: _newest(model.history.filter(id=obj.pk))})


def cluster_changes(cluster: Cluster) -> list[Change]:
    """The cluster's saves and those of its colleges, employers, figures and funding lines."""
    records = {Cluster: _newest(Cluster.history.filter(id=cluster.pk))}
    for part in CLUSTER_PARTS:
        records[part] = _newest(part.history.filter(cluster_id=cluster.pk))
    return describe(records)[:OBJECT_LIMIT]


def visible_history(model: type[models.Model], user) -> models.QuerySet:
    """The history rows of `model` that `user` may read: those of the rows the gate shows
    the user (clusters/gate.py); every row's, deleted ones included, for those who see all."""
    records = model.history.all()
    if gate.can_view_drafts(user):
        return records
    return records.filter(id__in=model._default_manager.visible_to(user).values("pk"))


def feed(
    data, *, user, page: int = 1, page_size: int = 50
) -> tuple[ChangeFilterSet, list[Change], bool]:
    """A page of all changes matching the filters, newest first, and whether more follow.

    Each model's history table is filtered and cut to the rows this page could need; the
    keys are merged, and only the page's rows are loaded and described.
    """
    data = data if data is not None else {}
    filtersets = [(m, ChangeFilterSet(data, queryset=visible_history(m, user))) for m in TRACKED]
    first = filtersets[0][1]
    if not first.is_valid():
        return first, [], False
    wanted = page * page_size + 1
    keys = []
    for model, filterset in filtersets:
        rows = filterset.qs.order_by("-history_date", "-history_id").values_list(
            "history_date", "history_id"
        )[:wanted]
        keys += [(date, history_id, model) for date, history_id in rows]
    keys.sort(key=lambda k: (k[0], k[1]), reverse=True)
    start = (page - 1) * page_size
    chosen = keys[start : start + page_size]
    by_model: dict[type[models.Model], list[int]] = {}
    for _, history_id, model in chosen:
        by_model.setdefault(model, []).append(history_id)
    records = {
        model: list(with_previous(model.history.filter(history_id__in=ids)))
        for model, ids in by_model.items()
    }
    return first, describe(records), len(keys) > start + page_size
