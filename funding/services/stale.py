"""Stale flags: when a recompute could not be scheduled, the totals it would have changed are
flagged stale; the sweep recomputes exactly the flagged rows."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction

from funding.scopes import Scopes
from funding.services.counts import cluster_counts_recompute
from funding.services.kinds import KINDS, TotalKind
from funding.services.recompute import RecomputeReport, _chunks, funding_totals_recompute, lock
from funding.services.statements import computed_and_stored

logger = logging.getLogger(__name__)


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
