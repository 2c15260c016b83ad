"""Celery tasks of the imports app; each one calls its service."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

from imports.services import import_job_run

logger = get_task_logger(__name__)


@shared_task(soft_time_limit=1800, time_limit=2000, acks_late=True)
def import_job_run_task(job_id: int, commit: bool) -> dict[str, int]:
    """Dry-run or commit import job `job_id` (claimed, so running it twice is harmless)."""
    logger.info("import job %s, commit=%s", job_id, commit)
    job = import_job_run(job_id=job_id, commit=commit)
    return dict(job.counts) if job else {}
