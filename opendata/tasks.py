"""Celery tasks of the opendata app."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

from opendata.services import opendata_publish

logger = get_task_logger(__name__)


@shared_task(soft_time_limit=1800, time_limit=2000, acks_late=True)
def opendata_publish_task() -> dict[str, str]:
    """Regenerate the open data files (idempotent: unchanged sets get no new version)."""
    result = opendata_publish()
    logger.info("open data published: %s", result)
    return result
