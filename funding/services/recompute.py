"""Recompute totals from the lines (exact scopes, everything, or clusters), and flag them stale."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clusters.models import Cluster
from funding.models import (
    FundingLine,
)
from funding.scopes import Scopes, scopes_of_lines
from funding.services.sql import KINDS, TotalKind, _chunks, _lock, _recompute_kind

logger = logging.getLogger(__name__)


@dataclass
class RecomputeReport:
    """What a recompute wrote: rows per totals table, and how long it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        parts = ", ".join(f"{name}: {count}" for name, count in self.rows.items())
        return f"{parts} ({self.seconds:.2f} с)"


def funding_totals_recompute(*, scopes: Scopes, now: datetime | None = None) -> RecomputeReport:
    """Recompute exactly the given scopes from the lines.

    Effect: for each totals table, deletes the rows of the given scopes and inserts them anew
    (computed_at = now, is_stale = False); a scope that no longer has lines keeps no row,
    except a cluster, which always has one (zero when it has no lines). One transaction per
    table and chunk of scopes, each holding the scopes' advisory locks on PostgreSQL.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    for kind in KINDS:
        keys = kind.keys_of(scopes)
        if not keys:
            continue
        report.rows[kind.name] = sum(_recompute_kind(kind, chunk, now) for chunk in _chunks(keys))
    report.seconds = time.monotonic() - started
    logger.info("funding totals recomputed for %d scopes: %s", len(scopes), report)
    return report


def funding_totals_recompute_all(*, now: datetime | None = None) -> RecomputeReport:
    """Recompute every total of every table from the lines.

    Effect: each totals table is emptied and refilled by one INSERT ... SELECT, in its own
    transaction holding that table's exclusive advisory lock (PostgreSQL), so no per-scope
    recompute runs inside it. Clears every stale flag and removes rows of vanished scopes.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    for kind in KINDS:
        report.rows[kind.name] = _recompute_kind(kind, None, now)
    report.seconds = time.monotonic() - started
    logger.info("funding totals recomputed in full: %s", report)
    return report


def funding_totals_recompute_for_clusters(
    *, cluster_ids: Iterable[int], now: datetime | None = None
) -> RecomputeReport:
    """Recompute the given clusters' totals and every region/district/industry/national total
    their lines count in. Effect as `funding_totals_recompute`."""
    cluster_ids = set(cluster_ids)
    scopes = scopes_of_lines(FundingLine.objects.filter(cluster_id__in=cluster_ids))
    scopes.cluster_ids |= cluster_ids
    return funding_totals_recompute(scopes=scopes, now=now)


# --- stale flags ----------------------------------------------------------------------------


def _key_q(kind: TotalKind, key: Any, fields: tuple[str, ...]) -> Q:
    values = key if isinstance(key, tuple) else (key,)
    q = Q()
    for name, value in zip(fields, values, strict=True):
        q &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return q


def funding_totals_mark_stale(*, scopes: Scopes) -> int:
    """Flag the totals of `scopes` as stale, creating (zero, stale) rows where none exist.

    Used when a recompute could not be scheduled. Takes the same per-scope locks as a
    recompute, so a flag is never overwritten by a recompute that read the lines before the
    edit. Returns the number of rows flagged or created.
    """
    flagged = 0
    for kind in KINDS:
        keys = kind.keys_of(scopes)
        if kind.name == "cluster":
            keys = set(Cluster.objects.filter(pk__in=keys).values_list("pk", flat=True))
        if not keys:
            continue
        fields = kind.key_columns
        for chunk in _chunks(keys):
            with transaction.atomic():
                _lock(kind, chunk)
                q = Q()
                for key in chunk:
                    q |= _key_q(kind, key, fields)
                rows = kind.model.objects.filter(q)
                existing = {row if len(fields) > 1 else row[0] for row in rows.values_list(*fields)}
                flagged += rows.update(is_stale=True)
                missing = [k for k in chunk if k not in existing]
                kind.model.objects.bulk_create(
                    [
                        kind.model(
                            is_stale=True,
                            **dict(zip(fields, k if isinstance(k, tuple) else (k,), strict=True)),
                        )
                        for k in missing
                    ]
                )
                flagged += len(missing)
    logger.warning("funding totals flagged stale: %d rows", flagged)
    return flagged
