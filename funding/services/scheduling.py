"""Schedule recomputes after commit, batched per transaction; enqueue them, or flag stale."""

from __future__ import annotations

import logging

from django.db import connection, transaction

from funding.scopes import Scopes
from funding.services.recompute import funding_totals_mark_stale

logger = logging.getLogger(__name__)


class _PendingRecompute:
    """The scopes touched in one transaction, enqueued as one task when it commits."""

    def __init__(self) -> None:
        self.scopes = Scopes()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        funding_totals_enqueue(scopes=self.scopes)


def _pending_of_current_transaction() -> _PendingRecompute | None:
    pending = getattr(connection, "_funding_pending", None)
    if pending is None or pending.done or not connection.in_atomic_block:
        return None
    # A rolled-back savepoint drops its on-commit callbacks; then start a new batch.
    if not any(func is pending for _sids, func, _robust in connection.run_on_commit):
        return None
    return pending


def funding_totals_schedule(*, scopes: Scopes) -> None:
    """Schedule the recompute of `scopes` for when the current transaction commits.

    All scopes touched in one transaction are merged and enqueued as one task
    (`funding_totals_recompute_task`); outside a transaction it is enqueued at once.
    Nothing is enqueued if the transaction rolls back.
    """
    if not scopes:
        return
    pending = _pending_of_current_transaction()
    if pending is not None:
        pending.scopes.update(scopes)
        return
    pending = _PendingRecompute()
    pending.scopes.update(scopes)
    connection._funding_pending = pending
    transaction.on_commit(pending)


def funding_totals_enqueue(*, scopes: Scopes) -> bool:
    """Enqueue `funding_totals_recompute_task` for `scopes` now (in-process when eager).

    If the broker cannot take the message (down, refused, timed out) or the in-process
    recompute fails, the edit that caused it is already committed: the totals of `scopes`
    are flagged stale instead, the failure is logged, and False is returned. The periodic
    reconcile recomputes them.
    """
    from funding.tasks import funding_totals_recompute_task

    try:
        # No publish retries: the request that saved the line must not hang on a dead broker.
        funding_totals_recompute_task.apply_async(
            kwargs={"scopes": scopes.to_primitives()}, retry=False
        )
        return True
    except Exception:
        logger.exception(
            "funding totals: could not recompute %d scopes; flagging stale", len(scopes)
        )
    try:
        funding_totals_mark_stale(scopes=scopes)
    except Exception:
        logger.exception("funding totals: could not flag stale either; reconcile will fix")
    return False
