"""The Celery app. Periodic schedules live here and nowhere else."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def setup_periodic_tasks(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    # Reconcile every funding total with its lines: heals totals left stale while the broker
    # was down, and anything changed behind the signals' back (raw SQL).
    sender.add_periodic_task(
        float(settings.FUNDING_RECONCILE_EVERY_SECONDS),
        sender.signature("funding.tasks.funding_totals_reconcile_task"),
        name="funding-totals-reconcile",
    )
    # Recompute the totals flagged stale (broker down, a task out of retries) within a
    # minute of the broker coming back, not at the next hourly reconcile.
    sender.add_periodic_task(
        float(settings.FUNDING_STALE_SWEEP_EVERY_SECONDS),
        sender.signature("funding.tasks.funding_totals_sweep_stale_task"),
        name="funding-totals-sweep-stale",
    )
    # Regenerate the open data sets (a new dated version only where the data changed).
    sender.add_periodic_task(
        float(settings.OPENDATA_EVERY_SECONDS),
        sender.signature("opendata.tasks.opendata_publish_task"),
        name="opendata-publish",
    )
