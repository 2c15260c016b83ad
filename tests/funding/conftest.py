"""Celery for the funding tests: a real worker on the real Redis broker, or a dead broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections
from kombu import pools as kombu_pools

from config.celery import app as celery_app

# A port nothing listens on: connecting is refused at once.
DEAD_BROKER_URL = "redis://127.0.0.1:1/0"


def _reset_broker_pools() -> None:
    # Connection and producer pools are cached per broker URL (kombu's are global, and a
    # stopped test worker closes them): drop them all so the next publish opens new ones.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@contextmanager
def celery_broker(url: str, queue: str | None = None) -> Iterator[None]:
    """Send tasks to the broker at `url` (not in-process) while the block runs."""
    # Celery prefers the CELERY_BROKER_URL environment variable to `broker_url`, but takes
    # the read/write URLs from its configuration first: set those.
    keys = ("broker_read_url", "broker_write_url", "task_always_eager", "task_default_queue")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(broker_read_url=url, broker_write_url=url, task_always_eager=False)
    if queue:
        celery_app.conf.task_default_queue = queue
    _reset_broker_pools()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reset_broker_pools()


def _close_worker_connections(**kwargs) -> None:
    # The worker thread's own DB connections: closed after each task, so none is left open
    # when the test database is flushed or dropped.
    connections.close_all()


@pytest.fixture
def dead_broker() -> Iterator[None]:
    with celery_broker(DEAD_BROKER_URL):
        yield


@pytest.fixture
def redis_worker(transactional_db):
    """A Celery worker thread consuming from the real Redis broker (settings.CELERY_BROKER_URL).

    It listens on a queue of its own, so that test runs sharing the Redis database never
    take each other's tasks.
    """
    queue = f"registry-test-{uuid.uuid4().hex[:12]}"
    with celery_broker(settings.CELERY_BROKER_URL, queue=queue):
        task_postrun.connect(_close_worker_connections, weak=False)
        try:
            with start_worker(
                celery_app,
                pool="solo",
                concurrency=1,
                perform_ping_check=False,
                queues=[queue],
                shutdown_timeout=30,
                loglevel="WARNING",
            ) as worker:
                yield worker
        finally:
            task_postrun.disconnect(_close_worker_connections)


def wait_until(condition: Callable[[], bool], *, timeout: float = 30.0) -> bool:
    """Poll `condition` until true or the deadline passes (never a blind sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
