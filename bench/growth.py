"""Benchmark: pages whose output does not grow, at a small and a large registry, in one run.

    python -m bench.growth [--small 1000] [--large 100000] [--rounds 15] [--reuse]

Builds two DEMO databases (`perf_bench_growth_<size>`, bench/demo_data.py), starts one gunicorn
(2 sync workers, DEBUG off, the response cache OFF: every request renders) on each, and asks
the catalogue, a region, a federal district and an industry page, `/api/v1/stats/` and the
sitemap index and a section page in interleaved rounds; prints each page's p50 at both sizes
and the growth (goal ≤ 2×). Then the searched catalogue (`?q=` several queries) beside the
unfiltered one at the large size (goal ≤ 1.5×). Not a test.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg

from bench.api_bench import _env, _get, _start, _wait, free_port
from bench.demo_data import database_url, generate, migrate, recompute_totals
from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = ["машиностроение", "смоленск", "колледж", "нет-такого-слова"]


def pages(database: str) -> dict[str, str]:
    with psycopg.connect(database_url(database)) as conn:
        region = conn.execute(
            "SELECT r.slug FROM regions_region r JOIN clusters_cluster c ON c.region_id = r.id "
            "GROUP BY r.slug ORDER BY count(*) DESC, r.slug LIMIT 1"
        ).fetchone()[0]
        industry = conn.execute(
            "SELECT i.slug FROM clusters_industry i JOIN clusters_cluster c ON c.industry_id = i.id "
            "GROUP BY i.slug ORDER BY count(*) DESC, i.slug LIMIT 1"
        ).fetchone()[0]
    return {
        "catalogue": "/clusters/",
        "region page": f"/regions/{region}/",
        "district page": "/districts/SIB/",
        "industry page": f"/industries/{industry}/",
        "stats by region": "/api/v1/stats/?group_by=region",
        "sitemap index": "/sitemap.xml",
        "sitemap section": "/sitemap-clusters.xml",
    }


def _server(database: str) -> tuple[subprocess.Popen, int]:
    env = {
        **_env(database),
        "RESPONSE_CACHE_SECONDS": "0",
        "PAGE_THROTTLE_RATE": "100000000/minute",
        "SEARCH_THROTTLE_RATE": "100000000/minute",
    }
    port = free_port()
    return _start("config.wsgi:application", port, 2, env), port


def _p50(port: int, paths: dict[str, str], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in paths}
    for path in paths.values():
        status = _get(port, path)[0]
        assert status == 200, (path, status)
    for _ in range(rounds):
        for name, path in paths.items():
            started = time.perf_counter()
            _get(port, path)
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) * 1000 for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    databases = {size: f"perf_bench_growth_{size}" for size in (args.small, args.large)}
    for size, database in databases.items():
        if args.reuse:
            migrate(database)
        else:
            generate(database, clusters=size)
        recompute_totals(database)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=_env(databases[args.small]), check=True,
    )  # fmt: skip
    servers = {size: _server(database) for size, database in databases.items()}
    try:
        for _server_process, port in servers.values():
            _wait(port)
        results = {
            size: _p50(port, pages(databases[size]), args.rounds)
            for size, (server, port) in servers.items()
        }
        # A section page holds up to SITEMAP_LIMIT addresses: its output grows until then, so
        # its row compares the time per address.
        addresses = {
            size: _get(port, "/sitemap-clusters.xml")[1].count(b"<loc>")
            for size, (_server_process, port) in servers.items()
        }
        large_port = servers[args.large][1]
        searched = _p50(
            large_port,
            {"plain": "/clusters/"} | {q: f"/clusters/?q={quote(q)}" for q in SEARCHES},
            args.rounds,
        )
    finally:
        for server, _port in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    small, large = results[args.small], results[args.large]
    for size, result in results.items():
        result["sitemap section"] /= addresses[size] / 1000  # ms per 1 000 addresses
    for name in small:
        growth = large[name] / small[name]
        per = " per 1 000 addresses" if name == "sitemap section" else ""
        record(
            f"{name}{per}: p50 at {args.large:,} vs {args.small:,} DEMO clusters".replace(",", " "),
            measured=f"{large[name]:.0f} ms",
            baseline=f"{small[name]:.0f} ms",
            ratio=growth,
            goal="≤ 2×",
            met=growth <= 2,
            note=f"response cache off, {args.rounds} rounds, databases {', '.join(databases.values())}",
        )
    plain = searched.pop("plain")
    worst = max(searched.values())
    record(
        f"searched catalogue (`?q=`, {len(SEARCHES)} queries, worst p50) vs the unfiltered one, "
        f"{args.large:,} DEMO clusters".replace(",", " "),
        measured=f"{worst:.0f} ms",
        baseline=f"{plain:.0f} ms",
        ratio=worst / plain,
        goal="≤ 1.5×, p50 < 50 ms",
        met=worst / plain <= 1.5 and worst < 50,
        note="; ".join(f"{q}: {ms:.0f} ms" for q, ms in searched.items()),
    )


if __name__ == "__main__":
    main()
