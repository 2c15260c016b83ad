"""Benchmark: the response cache under mixed reads with one funding-line write a second.

    python -m bench.soak [--clusters 10000] [--seconds 300] [--clients 3] [--reuse]

Builds (or reuses) a DEMO database (`perf_bench_soak`, bench/demo_data.py), starts gunicorn
(2 sync workers, DEBUG off, the response cache in Redis as production runs it, tasks in-process
so each write's recompute commits right after it), and for `--seconds`:

- readers (`--clients` processes) ask a mix of public pages and API lists — the catalogue and
  its filters, region, district and industry pages, cluster pages, the API's cluster, college,
  region and funding-line lists, stats — the popular ones more often (Zipf weights, as real
  traffic), every request counted as a hit when it carries `X-Cache: hit`;
- a writer changes one random funding line's amount a second through the write service
  (`funding_line_update`, as the admin does), whose recompute updates the totals.

Prints the hit ratio (goal ≥ 70 %; 11–13 % with the snapshot key of before, issue 23), errors,
the number of writes, p50 of hits and misses, and Redis's memory for the cache's keys.
Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench.api_bench import _env, _start, _wait, free_port
from bench.demo_data import database_url, generate, migrate, recompute_totals
from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
CACHE_URL = os.environ.get("BENCH_SOAK_CACHE_URL", "redis://127.0.0.1:6379/5")

WRITER = """
import random, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from clusters.models import Cluster
from funding.models import FundingLine
from funding.services.lines import funding_line_update
boss, _ = get_user_model().objects.get_or_create(
    username="bench-soak-boss", defaults={"is_staff": True, "is_superuser": True}
)
ids = list(FundingLine.objects.filter(cluster__is_published=True).values_list("pk", flat=True))
rng = random.Random(7)
deadline = time.monotonic() + float(sys.argv[1])
writes = 0
while time.monotonic() < deadline:
    started = time.monotonic()
    line = FundingLine.objects.get(pk=rng.choice(ids))
    funding_line_update(actor=boss, line=line, amount_rub=line.amount_rub + 1000)
    writes += 1
    time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
print(writes)
"""


def urls(database: str) -> list[str]:
    """The read mix, most popular first."""
    with psycopg.connect(database_url(database)) as conn:
        regions = [r for r in conn.execute("SELECT slug, code FROM regions_region ORDER BY id")]
        districts = [r[0] for r in conn.execute("SELECT code FROM regions_federaldistrict")]
        industries = [r[0] for r in conn.execute("SELECT slug FROM clusters_industry")]
        clusters = [
            r[0]
            for r in conn.execute(
                "SELECT slug FROM clusters_cluster WHERE is_published ORDER BY id LIMIT 300"
            )
        ]
    api = [
        "/api/v1/clusters/",
        "/api/v1/regions/",
        "/api/v1/colleges/",
        "/api/v1/stats/?group_by=region",
        "/api/v1/stats/?group_by=industry",
        "/api/v1/funding-lines/?fiscal_year=2023",
        "/api/v1/clusters/?status=operating",
    ]
    pages = ["/clusters/", "/regions/", "/industries/", "/clusters/?page=2", "/colleges/"]
    mix = pages[:2] + api[:3] + pages[2:] + api[3:]
    for i in range(max(len(regions), len(clusters))):
        if i < len(districts):
            mix.append(f"/districts/{districts[i]}/")
            mix.append(f"/clusters/?federal_district={districts[i]}")
        if i < len(industries):
            mix.append(f"/industries/{industries[i]}/")
        if i < len(regions):
            mix.append(f"/regions/{regions[i][0]}/")
            mix.append(f"/api/v1/clusters/?region={regions[i][1]}")
        if i < len(clusters):
            mix.append(f"/clusters/{clusters[i]}/")
    return mix


def _reader(args: tuple[int, list[str], float, int]) -> tuple[list[float], list[float], int]:
    port, mix, seconds, seed = args
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(mix))]  # Zipf
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    hits: list[float] = []
    misses: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        path = rng.choices(mix, weights)[0]
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": "*/*"})
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        took = time.perf_counter() - started
        if response.status != 200:
            errors += 1
        elif response.getheader("X-Cache") == "hit":
            hits.append(took)
        else:
            misses.append(took)
    return hits, misses, errors


def _redis_memory(prefix: str) -> tuple[int, int]:
    import redis

    client = redis.Redis.from_url(CACHE_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    used = sum(client.memory_usage(key) or 0 for key in keys)
    return len(keys), used


def soak(database: str, seconds: float, clients: int, *, writes_per_second: float = 1.0) -> None:
    env = {
        **_env(database),  # production settings (DEBUG off), one cache shared by the workers
        "CACHE_URL": CACHE_URL,
        "RESPONSE_CACHE_VERSION": "soak",  # as production: the workers of a release share entries
        "CACHE_KEY_PREFIX": f"soak-{os.getpid()}",
        "CELERY_BROKER_URL": "",
        "PAGE_THROTTLE_RATE": "100000000/minute",
        "SEARCH_THROTTLE_RATE": "100000000/minute",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    server = _start("config.wsgi:application", port, 2, env)
    try:
        _wait(port)
        mix = urls(database)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(seconds if writes_per_second else 0)],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.base"},
            stdout=subprocess.PIPE,
            text=True,
        )
        with multiprocessing.Pool(clients) as pool:
            results = pool.map(_reader, [(port, mix, seconds, seed) for seed in range(clients)])
        writes = int(writer.communicate(timeout=120)[0].strip().splitlines()[-1])
        keys, used = _redis_memory(env["CACHE_KEY_PREFIX"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    hits = [t for r in results for t in r[0]]
    misses = [t for r in results for t in r[1]]
    errors = sum(r[2] for r in results)
    total = len(hits) + len(misses)
    ratio = len(hits) / total if total else 0.0
    p50 = lambda values: statistics.median(values) * 1000 if values else float("nan")  # noqa: E731
    if not writes_per_second:
        print(f"[soak] no writes: hit ratio {ratio * 100:.0f} % of {total} requests")
        return
    record(
        "response cache hit ratio, mixed reads with one write a second",
        measured=f"{ratio * 100:.0f} %",
        baseline="11–13 % (snapshot key, issue 23)",
        ratio=None,
        goal="≥ 70 %",
        met=ratio >= 0.70,
        note=(
            f"{seconds:.0f} s, {total} requests over {len(mix)} URLs (Zipf), {clients} clients, "
            f"{writes} funding-line writes with their recompute, {errors} errors; p50 hit "
            f"{p50(hits):.1f} ms, miss {p50(misses):.1f} ms; Redis: {keys} keys, "
            f"{used / 1e6:.1f} MB; database {database}"
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="perf_bench_soak")
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--no-writes", action="store_true", help="the same mix, no writer")
    args = parser.parse_args()
    if args.reuse:
        migrate(args.database)
    else:
        generate(args.database, clusters=args.clusters)
    recompute_totals(args.database)
    soak(args.database, args.seconds, args.clients, writes_per_second=0 if args.no_writes else 1)


if __name__ == "__main__":
    main()
