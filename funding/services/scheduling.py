"""Schedule recomputes after commit, batched per transaction; enqueue them, or flag stale."""

from __future__ import annotations

import logging
import time
import weakref
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from funding.scopes import Scopes
from funding.services.stale import funding_totals_mark_stale

logger = logging.getLogger(__name__)


class _Batch:
    """The scopes scheduled in one transaction, enqueued as ONE task when it commits.

    The scopes are kept per atomic block (the path of `connection.savepoint_ids` they were
    scheduled in), each block's share as one `on_commit` callback (`_Part`). Django drops
    the callbacks of a savepoint that rolls back, and with them the last reference to that
    part: the batch only holds weak references, so a rolled-back block's scopes vanish on
    their own, with nothing read from Django's private state. At commit the first part
    that runs gathers every part still alive (all of them are about to run), enqueues their
    union once, and the others then do nothing.
    """

    def __init__(self) -> None:
        self.parts: dict[tuple[str | None, ...], weakref.ref[_Part]] = {}
        self.done = False

    def alive_parts(self) -> list[_Part]:
        parts = [ref() for ref in self.parts.values()]
        return [part for part in parts if part is not None]

    def part_for(self, path: tuple[str | None, ...]) -> _Part:
        part = self.parts[path]() if path in self.parts else None
        if part is None:
            part = _Part(self)
            self.parts[path] = weakref.ref(part)
            transaction.on_commit(part)
        return part

    def flush(self) -> None:
        if self.done:
            return
        self.done = True
        scopes = Scopes()
        for part in self.alive_parts():
            scopes.update(part.scopes)
        if scopes:
            funding_totals_enqueue(scopes=scopes)


class _Part:
    """One atomic block's scopes; called by Django when the transaction commits."""

    def __init__(self, batch: _Batch) -> None:
        self.batch = batch
        self.scopes = Scopes()

    def __call__(self) -> None:
        self.batch.flush()


# One open batch per connection (connections are per thread): weak keys, so a closed
# connection takes its batch along.
_batches: weakref.WeakKeyDictionary[Any, _Batch] = weakref.WeakKeyDictionary()


def _batch_of_current_transaction() -> _Batch:
    wrapper = transaction.get_connection()  # this thread's connection, not the global proxy
    batch = _batches.get(wrapper)
    # A batch whose parts are all gone belongs to a transaction that ended (rolled back, or
    # committed and flushed): this is a new transaction.
    if batch is None or batch.done or not batch.alive_parts():
        batch = _batches[wrapper] = _Batch()
    return batch


def funding_totals_schedule(*, scopes: Scopes) -> None:
    """Schedule the recompute of `scopes` for when the current transaction commits.

    All scopes scheduled in one transaction, in any of its atomic blocks, are merged and
    enqueued as one task (`funding_totals_recompute_task`, via `funding_totals_enqueue`)
    after the commit; a savepoint that rolls back drops the scopes scheduled inside it,
    and nothing is enqueued if the whole transaction rolls back. Outside a transaction the
    task is enqueued at once.
    """
    if not scopes:
        return
    if transaction.get_autocommit():
        funding_totals_enqueue(scopes=scopes)
        return
    path = tuple(connection.savepoint_ids)
    _batch_of_current_transaction().part_for(path).scopes.update(scopes)


# Monotonic time until which publishing is skipped after a failure (per process).
_broker_down_until = 0.0


def funding_totals_enqueue(*, scopes: Scopes) -> bool:
    """Enqueue `funding_totals_recompute_task` for `scopes` now (in-process when eager).

    If the broker cannot take the message (down, refused, timed out: the publish makes one
    attempt with a short connect timeout, see CELERY_BROKER_TRANSPORT_OPTIONS) or the
    in-process recompute fails, the edit that caused it is already committed: the totals of
    `scopes` that the lines no longer match are flagged stale instead, the failure is
    logged, and False is returned. For FUNDING_BROKER_BACKOFF_SECONDS after a failed
    publish, later writes flag stale without trying the broker. The stale sweep (beat,
    every FUNDING_STALE_SWEEP_EVERY_SECONDS) recomputes what was flagged.
    """
    global _broker_down_until
    from funding.tasks import funding_totals_recompute_task

    eager = funding_totals_recompute_task.app.conf.task_always_eager
    if eager or time.monotonic() >= _broker_down_until:
        try:
            # No publish retries: the request that saved the line must not hang on a dead broker.
            funding_totals_recompute_task.apply_async(
                kwargs={"scopes": scopes.to_primitives()}, retry=False
            )
            return True
        except Exception:
            if not eager:
                _broker_down_until = time.monotonic() + settings.FUNDING_BROKER_BACKOFF_SECONDS
            logger.exception(
                "funding totals: could not recompute %d scopes; flagging stale", len(scopes)
            )
    else:
        logger.warning(
            "funding totals: broker down recently; flagging stale %d scopes", len(scopes)
        )
    try:
        funding_totals_mark_stale(scopes=scopes)
    except Exception:
        logger.exception("funding totals: could not flag stale either; reconcile will fix")
    return False


def funding_totals_broker_reset() -> None:
    """Forget a recent publish failure: the next write tries the broker again (tests, ops)."""
    global _broker_down_until
    _broker_down_until = 0.0
