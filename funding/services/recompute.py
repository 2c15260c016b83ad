"""Recompute totals from the lines (exact scopes, everything, or clusters), and flag them stale."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from funding.models import (
    FundingLine,
)
from funding.scopes import Scopes, scopes_of_lines
from funding.services.counts import NAME as COUNTS
from funding.services.counts import cluster_counts_recompute
from funding.services.kinds import KINDS, TotalKind
from funding.services.locks import lock
from funding.services.runs import CHUNK, _chunks, _recompute_all, _recompute_kind, _recompute_scopes
from funding.services.statements import computed_and_stored

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

    Effect: for each totals table, in dependency order (cluster×year rows from the lines;
    cluster and region×industry totals from cluster×year; region totals from region×industry
    and the region-level lines; district and national from region totals; industry from
    region×industry), writes the rows of the given scopes whose values changed or that were
    stale (computed_at = now, is_stale = False), inserts new ones and deletes those of
    scopes left without lines, except a cluster's, which always has one (zero, with
    line_count 0, when it has no lines). Rows that do not change are not touched. One
    transaction holding every scope's advisory lock on PostgreSQL (taken first, in one
    statement); past CHUNK scopes of one table, one transaction per table and chunk. A
    scope's roll-up reads the rows its parts have; the invariant check
    (`funding_totals_check`) compares every table with the lines themselves.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    parts = [(kind, list(kind.keys_of(scopes))) for kind in KINDS if kind.keys_of(scopes)]
    if all(len(keys) <= CHUNK for _kind, keys in parts):
        # An edit's few scopes: one transaction, every lock taken in one statement.
        report.rows = _recompute_scopes(parts, now)
    else:
        for kind, keys in parts:
            report.rows[kind.name] = sum(_recompute_kind(kind, c, now) for c in _chunks(keys))
    if scopes.count_region_ids:
        report.rows[COUNTS] = cluster_counts_recompute(region_ids=scopes.count_region_ids)
    report.seconds = time.monotonic() - started
    logger.info("funding totals recomputed for %d scopes: %s", len(scopes), report)
    return report


def funding_totals_recompute_all(*, now: datetime | None = None) -> RecomputeReport:
    """Recompute every total of every table from the lines.

    Effect: each totals table, in dependency order (from the lines, or rolled up from the
    table before it): one set-based statement finds every row that differs from what the
    lines give, is stale, missing or vanished, and only those scopes are rewritten, each
    under its per-scope locks (PostgreSQL; see runs._recompute_kind_all; runs._recompute_all
    runs the cluster×year check beside the cluster and region×industry ones, on a second
    connection) — no table lock, so scoped recomputes never wait for it. An empty table is filled by one INSERT ... SELECT.
    Clears every stale flag and removes rows of vanished scopes.
    """
    now = now or timezone.now()
    started = time.monotonic()
    report = RecomputeReport()
    report.rows = _recompute_all(now)
    report.rows[COUNTS] = cluster_counts_recompute()
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


def funding_totals_mark_stale(*, scopes: Scopes) -> int:
    """Flag stale the totals of `scopes` that the lines no longer match; returns rows flagged.

    Used when a recompute could not be scheduled. Each row of `scopes` is compared with what
    the lines give (straight from the lines, roll-ups included) under the same per-scope
    locks as a recompute: a row that differs or should vanish is flagged, a row that should
    exist is created (zero, stale, computed_at empty). A row the edit did not change is left
    alone — editing a draft's line flags no public total. The stale sweep
    (`funding_totals_sweep_stale`) recomputes exactly the flagged rows.
    """
    flagged = 0
    # One transaction for every table (fewer round trips in the request that failed to
    # publish); locks are taken table by table in KINDS order, as every recompute does.
    with transaction.atomic():
        for kind in KINDS:
            flagged += _mark_kind_stale(kind, kind.keys_of(scopes))
    # The counts of clusters have no stale flag: a region's are a few rows read from the
    # clusters, rewritten here at once.
    cluster_counts_recompute(region_ids=scopes.count_region_ids)
    logger.warning("funding totals flagged stale: %d rows", flagged)
    return flagged


def _mark_kind_stale(kind: TotalKind, keys: set[Any]) -> int:
    """Flag (or create stale) the rows of `keys` of one table that the lines no longer match."""
    flagged = 0
    width = len(kind.key_columns)
    extra = len(kind.extra_columns)
    for chunk in _chunks(keys):
        lock(kind, chunk)
        computed, stored = computed_and_stored(kind, chunk, from_lines=True)
        stale_pks = [
            pk
            for key, (pk, values, is_stale) in stored.items()
            if not is_stale and computed.get(key) != values
        ]
        pk_name = kind.model._meta.pk.attname
        flagged += kind.model.objects.filter(**{f"{pk_name}__in": stale_pks}).update(is_stale=True)
        missing = [row for key, row in computed.items() if key not in stored]
        kind.model.objects.bulk_create(
            [
                kind.model(
                    is_stale=True,
                    **dict(
                        zip(
                            (*kind.key_columns, *kind.extra_columns),
                            row[: width + extra],
                            strict=True,
                        )
                    ),
                )
                for row in missing
            ]
        )
        flagged += len(missing)
    return flagged


def _stale_scopes() -> Scopes:
    """The scopes of every row flagged stale."""
    scopes = Scopes()
    for kind in KINDS:
        rows = kind.model.objects.filter(is_stale=True).values_list(*kind.scope_columns)
        keys = kind.keys_of(scopes)
        for row in rows:
            keys.add(row if len(row) > 1 else row[0])
    return scopes


def funding_totals_sweep_stale(*, now: datetime | None = None) -> RecomputeReport:
    """Recompute every total flagged stale (and nothing else).

    Effect: as `funding_totals_recompute` for the scopes of the stale rows; cheap when none
    is stale (one query per table). Run by the beat every
    FUNDING_STALE_SWEEP_EVERY_SECONDS, so totals flagged while the broker was down heal
    within a minute of it coming back.
    """
    scopes = _stale_scopes()
    if not scopes:
        return RecomputeReport()
    logger.warning("funding totals: sweeping %d stale scopes", len(scopes))
    return funding_totals_recompute(scopes=scopes, now=now)
