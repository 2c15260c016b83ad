"""Celery tasks of the funding app; each one calls its service and returns a small result."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import DatabaseError

from funding.scopes import Scopes
from funding.services import (
    funding_totals_mark_stale,
    funding_totals_recompute,
    funding_totals_recompute_all,
    funding_totals_reconcile,
    funding_totals_sweep_stale,
)

logger = get_task_logger(__name__)

# Database hiccups (a lost connection, a lock timeout) are retried with growing pauses;
# the recompute is idempotent, so running it twice is harmless.
RETRYING = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(bind=True, soft_time_limit=120, time_limit=180, **RETRYING)
def funding_totals_recompute_task(self, scopes: dict[str, list[Any]]) -> dict[str, int]:
    """Recompute the totals of `scopes` (Scopes.to_primitives()); returns rows per table.

    When the last retry fails too, the scopes are flagged stale for the reconcile to fix.
    """
    parsed = Scopes.from_primitives(scopes)
    logger.info("recompute funding totals %s (try %d)", scopes, self.request.retries)
    try:
        return funding_totals_recompute(scopes=parsed).rows
    except DatabaseError:
        if self.request.retries >= self.max_retries:
            logger.exception("giving up on funding totals %s; flagging stale", scopes)
            funding_totals_mark_stale(scopes=parsed)
        raise


@shared_task(soft_time_limit=1800, time_limit=2000, **RETRYING)
def funding_totals_recompute_all_task() -> dict[str, int]:
    """Recompute every funding total; returns rows per table."""
    return funding_totals_recompute_all().rows


@shared_task(soft_time_limit=1800, time_limit=2000, **RETRYING)
def funding_totals_reconcile_task() -> dict[str, int]:
    """The periodic reconcile: check every total, recompute everything, log what was wrong."""
    report = funding_totals_reconcile()
    logger.info("funding totals reconciled: %d corrected", report.corrected)
    return {"corrected": report.corrected, **report.recompute.rows}


@shared_task(soft_time_limit=300, time_limit=360, **RETRYING)
def funding_totals_sweep_stale_task() -> dict[str, int]:
    """Recompute the totals flagged stale; returns rows written per table (empty: none)."""
    return funding_totals_sweep_stale().rows
