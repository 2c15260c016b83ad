"""Benchmarks: the catalogue page vs the API for the same 20 rows, and an admin cluster save.

    python -m bench.page_bench [--database registry_api_bench] [--rounds 15]

(1) Under one gunicorn (DEBUG off), `/clusters/` and `/api/v1/clusters/?page_size=20` are fetched
in interleaved rounds; p50 latencies and their ratio (goal ≤ 1.5) — once with the response
cache off (every request renders) and once with it on (repeated requests are cache hits).
(2) A staff member saves a cluster's admin page with its inlines (the form as the browser sends
it) through Django's test client, on the embedded SQLite default and on PostgreSQL, each freshly
seeded; p50 (goal < 300 ms). Not a test.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.api_bench import _env, _get, _start, _wait
from bench.demo_data import database_url, recreate_database
from bench.results import record

ROOT = Path(__file__).resolve().parent.parent

ADMIN_SAVE = """
import statistics, sys, time
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.contrib.auth import get_user_model
from django.urls import reverse
from clusters.models import Cluster
from tests.test_admin import _change_form_data
boss = get_user_model().objects.create_superuser("bench-boss", "b@example.org", "pw")
client = Client()
client.force_login(boss)
cluster = Cluster.objects.get(slug="irk-metallurgy")
url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
form = _change_form_data(client, url)
times = []
for i in range(int(sys.argv[1])):
    form["description"] = f"Правка {i}"
    started = time.perf_counter()
    response = client.post(url, form)
    times.append(time.perf_counter() - started)
    assert response.status_code == 302, response.status_code
print(statistics.median(times[1:]) * 1000)
"""


def page_vs_api(database: str, rounds: int, *, cached: bool) -> None:
    env = {**_env(database), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    if not cached:
        env["RESPONSE_CACHE_SECONDS"] = "0"
    server = _start("config.wsgi:application", 8631, 2, env)
    try:
        _wait(8631)
        api, page = "/api/v1/clusters/?page_size=20", "/clusters/"
        times: dict[str, list[float]] = {api: [], page: []}
        for path in times:
            assert _get(8631, path)[0] == 200, path
        for _ in range(rounds):
            for path in times:
                started = time.perf_counter()
                _get(8631, path)
                times[path].append(time.perf_counter() - started)
        api_ms = statistics.median(times[api]) * 1000
        page_ms = statistics.median(times[page]) * 1000
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ratio = page_ms / api_ms
    record(
        "catalogue page vs API, same 20 rows (p50)" + ("" if cached else ", no response cache"),
        measured=f"{page_ms:.0f} ms",
        baseline=f"API {api_ms:.0f} ms",
        ratio=ratio,
        goal="≤ 1.5×",
        met=ratio <= 1.5,
        note=f"database {database}"
        + ("; repeated requests (cache hits)" if cached else "; RESPONSE_CACHE_SECONDS=0"),
    )


def admin_save(saves: int) -> None:
    backends = {}
    with tempfile.TemporaryDirectory() as tmp:
        backends["SQLite (embedded default)"] = f"sqlite:///{tmp}/bench.sqlite3"
        recreate_database("registry_admin_bench")
        backends["PostgreSQL"] = database_url("registry_admin_bench")
        for name, url in backends.items():
            env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "CELERY_BROKER_URL": "",
                   "DJANGO_SETTINGS_MODULE": "config.settings.base", "PYTHONPATH": str(ROOT)}  # fmt: skip
            subprocess.run([sys.executable, "manage.py", "seed"], cwd=ROOT, env=env, check=True,
                           capture_output=True)  # fmt: skip
            out = subprocess.run(
                [sys.executable, "-c", ADMIN_SAVE, str(saves)],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            p50 = float(out.stdout.strip().splitlines()[-1])
            record(
                f"admin: save a cluster with its inlines, {name} (p50)",
                measured=f"{p50:.0f} ms",
                baseline="—",
                ratio=None,
                goal="< 300 ms",
                met=p50 < 300,
                note=f"{saves} saves of a seed cluster (2.7 s before)",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="registry_api_bench")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()
    if not args.skip_pages:
        page_vs_api(args.database, args.rounds, cached=False)
        page_vs_api(args.database, args.rounds, cached=True)
    admin_save(args.saves)


if __name__ == "__main__":
    main()
