"""Benchmark: the cluster list of the Django API against a one-query baseline, side by side.

    python -m bench.api_bench [--clusters 10000] [--requests 1500] [--concurrency 4] [--reuse]

Builds (or reuses) a DEMO database with bench/demo_data.py, starts three gunicorn servers on
127.0.0.1 with the same settings (sync workers, DEBUG off) — the real API (config.wsgi) with
its response cache in Redis as production runs it, the same API with the cache off
(RESPONSE_CACHE_SECONDS=0: every request filters, counts and writes its rows), and
bench/baseline_app.py — checks they return the same rows, then fires the same bounded number
of keep-alive requests at each from a few client processes and prints requests/second,
latency p50/p95 and the ratios. The cached server answers repeated requests from the cache
(the same URL, unchanged data: the case of a popular public list); the uncached one is what a
first request, or any request after a write, costs. Not a test, and not run in CI.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.demo_data import database_url, generate
from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
PATH = "/api/v1/clusters/?page_size=100&federal_district=SIB&status=operating"
LINES_PATH = "/api/v1/funding-lines/?page_size=100&fiscal_year=2022&funding_source=federal"
# (row name in RESULTS.md, path)
LISTS = [("API cluster list", PATH), ("API funding-lines list", LINES_PATH)]


def _env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": "",
        "API_ANON_THROTTLE_RATE": "100000000/minute",
        "LOG_LEVEL": "WARNING",
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9"),
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}",
    }


def _start(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return subprocess.Popen(
        [gunicorn, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        + ["--worker-class", "sync", "--log-level", "warning", "--keep-alive", "5"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(port, "/robots.txt")  # any answer will do; "/" would need collectstatic
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def _client(args: tuple[int, str, int]) -> list[float]:
    port, path, count = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} from port {port}")
        latencies.append(time.perf_counter() - started)
    conn.close()
    return latencies


def measure(port: int, path: str, requests: int, concurrency: int) -> dict[str, float]:
    with multiprocessing.Pool(concurrency) as pool:
        pool.map(_client, [(port, path, 20)] * concurrency)  # warm-up
        started = time.perf_counter()
        parts = pool.map(_client, [(port, path, requests // concurrency)] * concurrency)
        elapsed = time.perf_counter() - started
    latencies = sorted(x for part in parts for x in part)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def _same_rows(api: bytes, baseline: bytes) -> None:
    a, b = json.loads(api), json.loads(baseline)
    assert a["count"] == b["count"], (a["count"], b["count"])
    for x, y in zip(a["results"], b["results"], strict=True):
        if x != y:
            diff = {k: (x.get(k), y.get(k)) for k in {*x, *y} if x.get(k) != y.get(k)}
            raise AssertionError(f"the baseline does not serve the same rows: {diff}")


def _compare(row: str, path: str, servers: dict, args) -> None:
    """One list on the three servers: same rows, then req/s of each and the two ratios."""
    api_status, api_body = _get(8611, path)
    base_status, base_body = _get(8612, path)
    plain_status, plain_body = _get(8613, path)
    assert api_status == base_status == plain_status == 200, (api_status, base_status)
    _same_rows(api_body, base_body)
    _same_rows(_get(8611, path)[1], base_body)  # the cached answer too
    # Equal but for the port in the `next` link.
    same = plain_body.replace(b"127.0.0.1:8613", b"127.0.0.1:8611") == api_body
    assert same, "the cached and the uncached API differ"
    print(f"GET {path}")
    print(
        f"{args.clusters} clusters, {args.workers} sync workers each, "
        f"{args.concurrency} keep-alive clients, {args.requests} requests per server, "
        f"{len(api_body)} bytes per response, rows identical"
    )
    results = {}
    for name, (_, port) in servers.items():
        results[name] = measure(port, path, args.requests, args.concurrency)
        r = results[name]
        print(
            f"{name:>11}: {r['rps']:8.1f} req/s   p50 {r['p50_ms']:7.1f} ms   "
            f"p95 {r['p95_ms']:7.1f} ms   ({r['requests']} requests)"
        )
    api, plain, base = results["django api"], results["no cache"], results["baseline"]
    print(
        f"      ratios to the baseline: cached {api['rps'] / base['rps']:.2f}×, "
        f"uncached {plain['rps'] / base['rps']:.2f}×"
    )
    note = f"{args.clusters} DEMO clusters, {args.workers} sync workers"
    record(
        f"{row}, page_size=100, req/s",
        measured=f"{api['rps']:.0f} req/s (p50 {api['p50_ms']:.1f} ms), response cache",
        baseline=f"one-query app {base['rps']:.0f} req/s",
        ratio=api["rps"] / base["rps"],
        goal="≥ 0.6×",
        met=api["rps"] / base["rps"] >= 0.6,
        note=note + "; repeated request, unchanged data (cache hit)",
    )
    record(
        f"{row}, page_size=100, req/s, no response cache",
        measured=f"{plain['rps']:.0f} req/s (p50 {plain['p50_ms']:.1f} ms)",
        baseline=f"one-query app {base['rps']:.0f} req/s",
        ratio=plain["rps"] / base["rps"],
        goal="≥ 0.6×",
        met=plain["rps"] / base["rps"] >= 0.6,
        note=note + "; RESPONSE_CACHE_SECONDS=0 (a first request, or any after a write)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="registry_api_bench")
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep an existing demo database")
    args = parser.parse_args()

    if not args.reuse:
        print(f"generating {args.clusters} DEMO clusters in {args.database} ...", flush=True)
        generate(args.database, clusters=args.clusters)
        subprocess.run(
            [sys.executable, "manage.py", "recompute_totals"],
            cwd=ROOT,
            env=_env(args.database),
            check=True,
        )
    env = _env(args.database)
    uncached_env = {**env, "RESPONSE_CACHE_SECONDS": "0"}
    servers = {
        "django api": (_start("config.wsgi:application", 8611, args.workers, env), 8611),
        "no cache": (_start("config.wsgi:application", 8613, args.workers, uncached_env), 8613),
        "baseline": (_start("bench.baseline_app:application", 8612, args.workers, env), 8612),
    }
    try:
        for _, port in servers.values():
            _wait(port)
        for row, path in LISTS:
            _compare(row, path, servers, args)
    finally:
        for process, _ in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
