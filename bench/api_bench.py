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
first request, or any request after a write, costs.

With `--datasette PATH` (`make bench-api` passes bench/.venv-datasette/bin/datasette, installed
from bench/requirements-datasette.txt) the same rows are also written to a SQLite file
(bench/sqlite_export.py) and served by one `datasette serve` process; after checking that it
returns the API's page (same count, same rows in the same order) the same client measures its
table JSON, and for the funding lines a view joining the normalised tables too. Every server
listens on a free port. Not a test, and not run in CI.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from bench.demo_data import database_url, generate
from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
PATH = "/api/v1/clusters/?page_size=100&federal_district=SIB&status=operating"
LINES_PATH = "/api/v1/funding-lines/?page_size=100&fiscal_year=2022&funding_source=federal"
PAGING_PATH = (
    "/api/v1/funding-lines/?page_size=10&fiscal_year=2022&funding_source=federal&page={page}"
)
# The same pages from Datasette: its filters on the flat columns, the nested lists parsed from
# their JSON. A table's rows come in rowid order, which bench/sqlite_export.py assigns in the
# API's order; the view is sorted by region name (Datasette sorts by one column) and lines of a
# region come from SQLite's sort in id order, the API's next key — `same_as_datasette` checks.
DATASETTE_DB = "registry"
DATASETTE_PAGE = [("_size", 100), ("_shape", "objects")]
DS_CLUSTERS = f"/{DATASETTE_DB}/clusters.json?" + urlencode(
    [("federal_district_code", "SIB"), ("status", "operating")]
    + DATASETTE_PAGE
    + [
        ("_json", c)
        for c in (
            "network_colleges",
            "employers",
            "programmes",
            "figures",
            "funding_total_parts_known",
        )
    ]
)
DS_LINES_FILTER = [("fiscal_year", 2022), ("funding_source", "federal")]
DS_LINES = f"/{DATASETTE_DB}/funding_lines.json?" + urlencode(DS_LINES_FILTER + DATASETTE_PAGE)
DS_LINES_VIEW = f"/{DATASETTE_DB}/funding_lines_joined.json?" + urlencode(
    DS_LINES_FILTER + [("_sort", "region_name")] + DATASETTE_PAGE
)
# (row name in RESULTS.md, path, [(Datasette label, Datasette path, is the goal's baseline)])
LISTS = [
    ("API cluster list", PATH, [("Datasette table", DS_CLUSTERS, True)]),
    (
        "API funding-lines list",
        LINES_PATH,
        [("Datasette table", DS_LINES, True), ("Datasette joined view", DS_LINES_VIEW, False)],
    ),
]
DATASETTE_GOAL = 1.5


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_datasette(datasette: str, db_file: Path, port: int, threads: int) -> subprocess.Popen:
    """One Datasette process on the file, opened immutable (read-only, no change checks, as a
    published data set is served); no suggested facets (a JSON client never sees them)."""
    return subprocess.Popen(
        [datasette, "serve", "-i", str(db_file), "--host", "127.0.0.1", "--port", str(port)]
        + ["--setting", "num_sql_threads", str(threads), "--setting", "suggest_facets", "off"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def cached_responses(env: dict[str, str]) -> int:
    """How many responses the cached server has stored: each one is a miss. A commit anywhere
    on the PostgreSQL server renews the snapshot in the key, so on a shared machine others'
    writes turn some repeated requests into misses."""
    import redis

    client = redis.Redis.from_url(env["CACHE_URL"])
    return sum(1 for _ in client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*response:*"))


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


def _client(args: tuple[int, list[str]]) -> list[float]:
    """One keep-alive client asking `paths` in turn; the latency of each."""
    port, paths = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for path in paths:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} from port {port}")
        latencies.append(time.perf_counter() - started)
    conn.close()
    return latencies


def _timed(port: int, work: list[list[str]], warm_up: Sequence[str] = ()) -> dict[str, float]:
    """Each list of paths asked by a client of its own, all at once: req/s and latencies."""
    with multiprocessing.Pool(len(work)) as pool:
        if warm_up:
            pool.map(_client, [(port, list(warm_up))] * len(work))
        started = time.perf_counter()
        parts = pool.map(_client, [(port, paths) for paths in work])
        elapsed = time.perf_counter() - started
    latencies = sorted(x for part in parts for x in part)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def measure_pages(port: int, template: str, pages: int, concurrency: int) -> dict[str, float]:
    """Pages 1..`pages` of one list, each asked once, spread over the clients."""
    return _timed(
        port,
        [
            [template.format(page=page) for page in range(1 + i, pages + 1, concurrency)]
            for i in range(concurrency)
        ],
    )


def _compare_paging(row: str, template: str, servers: dict, args) -> None:
    """An analyst paging through one filtered list: no URL is asked twice, so no whole
    response is ever served from the cache; the count of the filtered rows is the same for
    every page, and the cached server keeps it (common/response_cache.cached_count)."""
    pages = args.requests
    print(f"GET {template.format(page='1…' + str(pages))}, each page once", flush=True)
    results = {}
    for name, (_, port) in servers.items():
        if name in ("django api", "no cache", "baseline"):
            results[name] = measure_pages(port, template, pages, args.concurrency)
            _print(name, results[name])
    api, plain, base = results["django api"], results["no cache"], results["baseline"]
    print(
        f"      ratios to the baseline: with the count cache {api['rps'] / base['rps']:.2f}×, "
        f"without {plain['rps'] / base['rps']:.2f}×"
    )
    record(
        f"{row}, paging, every request a new page, req/s",
        measured=f"{api['rps']:.0f} req/s (p50 {api['p50_ms']:.1f} ms) with the count cache; "
        f"{plain['rps']:.0f} req/s without",
        baseline=f"one-query app {base['rps']:.0f} req/s",
        ratio=api["rps"] / base["rps"],
        goal="— (for reference)",
        met=None,
        note=f"{args.clusters} DEMO clusters, {args.workers} sync workers; pages 1–{pages} of "
        "10 lines, each once (deep pages too): no response is ever a cache hit",
    )


def measure(port: int, path: str, requests: int, concurrency: int) -> dict[str, float]:
    """The same path, `requests` times over `concurrency` clients, after a warm-up."""
    return _timed(port, [[path] * (requests // concurrency)] * concurrency, warm_up=[path] * 20)


def _same_rows(api: bytes, baseline: bytes) -> None:
    a, b = json.loads(api), json.loads(baseline)
    assert a["count"] == b["count"], (a["count"], b["count"])
    for x, y in zip(a["results"], b["results"], strict=True):
        if x != y:
            diff = {k: (x.get(k), y.get(k)) for k in {*x, *y} if x.get(k) != y.get(k)}
            raise AssertionError(f"the baseline does not serve the same rows: {diff}")


def flat_row(row: dict) -> dict:
    """An API row as Datasette serves it: nested objects as prefixed columns, booleans 0/1
    (a null object stays one null key: compared with .get(), its columns are null too)."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{sub}": v for sub, v in value.items()})
        else:
            flat[key] = value
    return {k: int(v) if isinstance(v, bool) else v for k, v in flat.items()}


def same_as_datasette(api: bytes, datasette: bytes) -> int:
    """Assert Datasette's page is the API's (count, rows, order); return its row count."""
    a, d = json.loads(api), json.loads(datasette)
    assert a["count"] == d["filtered_table_rows_count"], (a["count"], d)
    assert len(a["results"]) == len(d["rows"]), (len(a["results"]), len(d["rows"]))
    for x, y in zip(a["results"], d["rows"], strict=True):
        x = flat_row(x)
        y = {k: v for k, v in y.items() if k != "rowid"}
        diff = {k: (x.get(k), y.get(k)) for k in {*x, *y} if x.get(k) != y.get(k)}
        if diff:
            raise AssertionError(f"Datasette does not serve the API's rows: {diff}")
    return len(d["rows"])


def _print(name: str, r: dict[str, float]) -> None:
    print(
        f"{name:>21}: {r['rps']:8.1f} req/s   p50 {r['p50_ms']:7.1f} ms   "
        f"p95 {r['p95_ms']:7.1f} ms   ({r['requests']} requests)",
        flush=True,  # before the next pool forks: its workers would print it again
    )


def _compare(row: str, path: str, datasette_paths: list, servers: dict, args) -> None:
    """One list on every server: same rows, then req/s of each and the ratios."""
    api_port, plain_port = servers["django api"][1], servers["no cache"][1]
    base_port = servers["baseline"][1]
    api_status, api_body = _get(api_port, path)
    base_status, base_body = _get(base_port, path)
    plain_status, plain_body = _get(plain_port, path)
    assert api_status == base_status == plain_status == 200, (api_status, base_status)
    _same_rows(api_body, base_body)
    _same_rows(_get(api_port, path)[1], base_body)  # the cached answer too
    # Equal but for the port in the `next` link.
    same = plain_body.replace(f"127.0.0.1:{plain_port}".encode(), f"127.0.0.1:{api_port}".encode())
    assert same == api_body, "the cached and the uncached API differ"
    datasette_port = servers["datasette"][1] if "datasette" in servers else None
    datasette_paths = datasette_paths if datasette_port else []
    for label, ds_path, _ in datasette_paths:
        status, body = _get(datasette_port, ds_path)
        assert status == 200, (status, ds_path, body[:500])
        n = same_as_datasette(api_body, body)
        print(f"{label}: GET {ds_path}\n  the API's {n} rows, count and order; {len(body)} bytes")
    print(f"GET {path}")
    print(
        f"{args.clusters} clusters, {args.workers} sync workers each, "
        f"{args.concurrency} keep-alive clients, {args.requests} requests per server, "
        f"{len(api_body)} bytes per response, rows identical"
    )
    results, misses = {}, 0
    for name, (_, port) in servers.items():
        if name != "datasette":
            stored = cached_responses(args.env)
            results[name] = measure(port, path, args.requests, args.concurrency)
            _print(name, results[name])
            if name == "django api":
                misses = cached_responses(args.env) - stored
                print(f"{'':>23}{misses} cache misses (others' commits renew the snapshot)")
    for label, ds_path, _ in datasette_paths:
        results[label] = measure(datasette_port, ds_path, args.requests, args.concurrency)
        _print(label, results[label])
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
        note=note + f"; repeated request, unchanged data ({misses} cache misses)",
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
    for label, _, is_goal in datasette_paths:
        ds = results[label]
        for cached, r in (("response cache", api), ("no response cache", plain)):
            ratio = r["rps"] / ds["rps"]
            print(f"      {label}: the API ({cached}) is {ratio:.2f}× its req/s")
            hits = f"; {misses} cache misses" if r is api else "; RESPONSE_CACHE_SECONDS=0"
            record(
                f"{row} vs {label}, page_size=100, req/s, {cached}",
                measured=f"{r['rps']:.0f} req/s (p50 {r['p50_ms']:.1f} ms)",
                baseline=f"{label} {ds['rps']:.0f} req/s (p50 {ds['p50_ms']:.1f} ms)",
                ratio=ratio,
                goal=f"≥ {DATASETTE_GOAL}×" if is_goal else "— (for reference)",
                met=ratio >= DATASETTE_GOAL if is_goal else None,
                note=f"{note} vs one datasette process ({args.datasette_threads} SQL threads, "
                f"immutable SQLite file of the same rows){hits}",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="registry_api_bench")
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep an existing demo database")
    parser.add_argument("--datasette", help="the datasette executable: also measure Datasette")
    parser.add_argument("--datasette-threads", type=int, default=4, help="its num_sql_threads")
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
    env = args.env = _env(args.database)
    uncached_env = {**env, "RESPONSE_CACHE_SECONDS": "0"}
    with tempfile.TemporaryDirectory(prefix="bench-datasette-") as tmp:
        servers = {}
        try:
            if args.datasette:
                db_file = Path(tmp) / f"{DATASETTE_DB}.db"
                subprocess.run(
                    [sys.executable, "-m", "bench.sqlite_export", "--out", str(db_file)],
                    cwd=ROOT,
                    env=env,
                    check=True,
                )
                port = free_port()
                process = _start_datasette(args.datasette, db_file, port, args.datasette_threads)
                servers["datasette"] = (process, port)
            for name, app, app_env in [
                ("django api", "config.wsgi:application", env),
                ("no cache", "config.wsgi:application", uncached_env),
                ("baseline", "bench.baseline_app:application", env),
            ]:
                port = free_port()
                servers[name] = (_start(app, port, args.workers, app_env), port)
            for _, port in servers.values():
                _wait(port)
            for row, path, datasette_paths in LISTS:
                _compare(row, path, datasette_paths, servers, args)
            _compare_paging("API funding-lines list", PAGING_PATH, servers, args)
        finally:
            for process, _ in servers.values():
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
