"""Benchmark of the funding totals recompute on a large DEMO dataset (not a test).

    make bench-totals        # or: python -m bench.totals --database registry_totals_bench

Generates (bench/demo_data.py) a labelled demo database of its own — by default 100 000
clusters and 1 000 000 funding lines — then times, in the same run:

  (a) funding_totals_recompute_all(), the service that checks and fills the totals tables
      (the five public ones and the cluster×year and region×industry parts the roll-ups
      are summed from);
  (b) one hand-written SQL statement (GROUPING SETS) computing the same numbers into a
      scratch table — the floor for any implementation — and checks (a) == (b) row for row;
      (a) and (b) are run --runs times (3), each ratio printed;
  (c) editing one line through the write service in a transaction: it schedules, on commit,
      the recompute of only that line's scopes (tasks in-process: no broker configured);
      and the same scoped recompute alone, with the rows it wrote;
  (d) a scoped recompute started while a full one runs: how long it waits.

Each figure is recorded in bench/results.json (bench/results.py), which `make bench`
writes to bench/RESULTS.md. `--reuse` keeps an existing demo database (and migrates it).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_data import database_url, generate, migrate  # noqa: E402
from bench.results import record  # noqa: E402
from common.qualifiers import combine_sql  # noqa: E402

SOURCES = ["federal", "regional", "employer", "extrabudgetary"]

# A budget part no line gives is NULL, amount and qualifier (unknown is not zero).
AGGREGATES = f"""
       {", ".join(f"SUM(fl.amount_rub) FILTER (WHERE fl.funding_source = '{s}') AS {s}_rub" for s in SOURCES)},
       SUM(fl.amount_rub) AS total_rub,
       {", ".join(f"CASE WHEN COUNT(*) FILTER (WHERE fl.funding_source = '{s}') = 0 THEN NULL ELSE " + combine_sql("fl.qualifier", vendor="postgresql", where=f"fl.funding_source = '{s}'") + f" END AS {s}_qualifier" for s in SOURCES)},
       {combine_sql("fl.qualifier", vendor="postgresql")} AS qualifier,
       COUNT(*) AS line_count"""

# Every total of every table in one statement. A cluster's total counts all its lines; the
# region, district, industry and national ones are public figures (region-level lines and
# lines of published clusters), hence two branches of one UNION ALL.
HAND_SQL = f"""
CREATE UNLOGGED TABLE bench_totals AS
SELECT 'cluster' AS kind, fl.cluster_id AS scope_id, NULL::smallint AS fiscal_year, {AGGREGATES}
FROM funding_fundingline fl
WHERE fl.cluster_id IS NOT NULL
GROUP BY fl.cluster_id
UNION ALL
SELECT CASE WHEN GROUPING(fl.region_id) = 0 THEN 'region'
            WHEN GROUPING(r.federal_district_id) = 0 THEN 'district'
            WHEN GROUPING(c.industry_id) = 0 THEN 'industry'
            ELSE 'national' END,
       COALESCE(fl.region_id, r.federal_district_id, c.industry_id),
       fl.fiscal_year, {AGGREGATES}
FROM funding_fundingline fl
LEFT JOIN clusters_cluster c ON c.id = fl.cluster_id
JOIN regions_region r ON r.id = fl.region_id
WHERE fl.cluster_id IS NULL OR c.is_published
GROUP BY GROUPING SETS ((fl.region_id, fl.fiscal_year), (r.federal_district_id, fl.fiscal_year),
                        (c.industry_id, fl.fiscal_year), (fl.fiscal_year))
"""

VALUES = ", ".join(
    [f"{s}_rub" for s in SOURCES]
    + ["total_rub"]
    + [f"{s}_qualifier" for s in SOURCES]
    + ["qualifier", "line_count"]
)
# (kind, totals table, its scope column or None, whether the key has a year, rows to drop
# from the hand result: groups whose scope is NULL — lines without a cluster, regions in no
# district — are not totals)
TABLES = [
    ("cluster", "funding_clusterfundingtotal", "cluster_id", False),
    ("region", "funding_regionfundingtotal", "region_id", True),
    ("district", "funding_federaldistrictfundingtotal", "federal_district_id", True),
    ("industry", "funding_industryfundingtotal", "industry_id", True),
    ("national", "funding_nationalfundingtotal", None, True),
]


def compare_sql(kind: str, table: str, column: str | None, has_year: bool) -> str:
    scope = column or "0"
    year = "fiscal_year" if has_year else "NULL::smallint"
    stored = f"SELECT {scope} AS scope_id, {year} AS fiscal_year, {VALUES} FROM {table}"
    if kind == "cluster":  # clusters without lines have a NULL row the hand SQL cannot see
        stored += " WHERE line_count > 0"
    hand_scope = "scope_id" if column else "0"
    hand = (
        f"SELECT {hand_scope}, {'fiscal_year' if has_year else 'NULL::smallint'}, {VALUES} "
        f"FROM bench_totals WHERE kind = '{kind}'" + (" AND scope_id IS NOT NULL" if column else "")
    )
    return f"SELECT count(*) FROM (({stored} EXCEPT ALL {hand}) UNION ALL ({hand} EXCEPT ALL {stored})) d"


def seconds(started: float) -> str:
    return f"{time.perf_counter() - started:8.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="registry_totals_bench")
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--lines-per-cluster", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="keep an existing demo database (migrated first)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of (a) and (b)")
    args = parser.parse_args()
    if "bench" not in args.database:
        raise SystemExit("The benchmark database name must contain 'bench'.")

    if not args.reuse:
        started = time.perf_counter()
        generate(args.database, clusters=args.clusters, lines_per_cluster=args.lines_per_cluster)
        print(f"demo data generated in {seconds(started)}")
    else:
        migrate(args.database)

    os.environ.update(
        DATABASE_URL=database_url(args.database),
        CELERY_BROKER_URL="",  # tasks in-process: (c) measures the recompute, not a queue
        DEBUG="1",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.base",
    )
    import django

    django.setup()
    from django.db import connection, transaction

    from funding.models import FundingLine
    from funding.scopes import scopes_of_lines
    from funding.services import funding_totals_recompute, funding_totals_recompute_all
    from funding.services.lines import funding_line_update

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clusters_cluster")
        n_clusters = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM funding_fundingline")
        n_lines = cursor.fetchone()[0]
    print(f"database {args.database}: {n_clusters} clusters, {n_lines} funding lines (DEMO)")

    funding_totals_recompute_all()  # warm the cache once, so (a) and (b) read the same pages
    ratios = []
    full_times = []
    hand_times = []
    mismatches = 0
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        report = funding_totals_recompute_all()
        service_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_totals")
            started = time.perf_counter()
            cursor.execute(HAND_SQL)
            hand_s = time.perf_counter() - started
            hand_rows = cursor.rowcount
            for kind, table, column, has_year in TABLES:
                cursor.execute(compare_sql(kind, table, column, has_year))
                mismatches += cursor.fetchone()[0]
            cursor.execute("DROP TABLE bench_totals")
        ratios.append(service_s / hand_s)
        full_times.append(service_s)
        hand_times.append(hand_s)
        print(f"run {run}/{args.runs}")
        print(f"(a) funding_totals_recompute_all():   {service_s:8.2f} s  rows {report.rows}")
        print(f"(b) one hand-written SQL statement:   {hand_s:8.2f} s  rows {hand_rows}")
        print(f"    ratio (a) / (b): {service_s / hand_s:.2f}")
    print(f"ratio (a) / (b) over {args.runs} runs: " + ", ".join(f"{r:.2f}" for r in ratios))
    print(f"    (a) and (b) agree: {'yes' if mismatches == 0 else f'NO, {mismatches} rows differ'}")

    line = (
        FundingLine.objects.filter(cluster__isnull=False, fiscal_year=2023)
        .filter(
            pk__gte=FundingLine.objects.order_by("pk").values("pk")[n_lines // 2 : n_lines // 2 + 1]
        )
        .order_by("pk")
        .first()
    )
    before = scopes_of_lines(FundingLine.objects.filter(pk=line.pk))
    edits = []
    for step in range(11):  # the first edit also warms the connection and caches
        started = time.perf_counter()
        with transaction.atomic():
            funding_line_update(  # on commit: funding_totals_recompute_task, in-process
                actor=None,
                line=line,
                amount_rub=line.amount_rub + 1,
                fiscal_year=2024 if step % 2 == 0 else 2023,
            )
        edits.append(time.perf_counter() - started)
    scopes = before.update(scopes_of_lines(FundingLine.objects.filter(pk=line.pk)))
    edit_ms = sorted(edits[1:])[len(edits[1:]) // 2] * 1000
    print(
        f"(c) edit one line, commit, recompute: {min(edits[1:]) * 1000:8.1f} ms best, "
        f"{edit_ms:.1f} ms median of {len(edits) - 1} ({len(scopes)} scopes)"
    )
    timings = []
    for step in range(11):
        # A different amount each time, so that every recompute really writes its rows.
        FundingLine.objects.filter(pk=line.pk).update(amount_rub=line.amount_rub + 7 + step)
        started = time.perf_counter()
        scoped = funding_totals_recompute(scopes=scopes)
        timings.append(time.perf_counter() - started)
    scoped_ms = sorted(timings)[len(timings) // 2] * 1000
    print(
        f"    the scoped recompute alone:       {min(timings) * 1000:8.1f} ms best, "
        f"{scoped_ms:.1f} ms median of {len(timings)}, rows {scoped.rows}"
    )
    # A full recompute on a filled table takes no table lock (it reads, then rewrites only
    # the scopes it found wrong under their own locks): a scoped one started meanwhile
    # should not wait for it.
    import threading

    from django.db import connections

    def full() -> None:
        funding_totals_recompute_all()
        connections.close_all()

    worker = threading.Thread(target=full)
    started_full = time.perf_counter()
    worker.start()
    time.sleep(0.3)
    started = time.perf_counter()
    funding_totals_recompute(scopes=scopes)
    waited = time.perf_counter() - started
    worker.join()
    full_s = time.perf_counter() - started_full
    print(
        f"(d) scoped recompute during a full one: {waited:6.2f} s (the full one took {full_s:.2f} s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_totals")
        cursor.execute(HAND_SQL)
        bad = 0
        for kind, table, column, has_year in TABLES:
            cursor.execute(compare_sql(kind, table, column, has_year))
            bad += cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_totals")
    print(f"    totals after the edit equal the lines: {'yes' if bad == 0 else f'NO ({bad})'}")
    median = sorted(ratios)[len(ratios) // 2]
    size = f"{n_clusters} DEMO clusters, {n_lines} lines; database {args.database}"
    record(
        "totals: full recompute vs one SQL statement",
        measured=f"{min(full_times):.2f} s best of {args.runs}",
        baseline=f"one hand-written statement {min(hand_times):.2f} s",
        ratio=median,
        goal="≤ 1.2×",
        met=median <= 1.2 and mismatches == 0,
        note=f"median of ratios {', '.join(f'{r:.2f}' for r in ratios)}; {size}",
    )
    record(
        "totals: one-line edit",
        measured=f"recompute {scoped_ms:.1f} ms (median of {len(timings)}, best "
        f"{min(timings) * 1000:.1f}); edit + commit + recompute {edit_ms:.1f} ms",
        baseline="—",
        ratio=None,
        goal="< 20 ms",
        met=scoped_ms < 20,
        note=f"{len(scopes)} scopes; {size}",
    )
    record(
        "totals: scoped recompute during a full one",
        measured=f"waited {waited * 1000:.0f} ms",
        baseline=f"the full recompute {full_s:.2f} s",
        ratio=waited / full_s,
        goal="never waits for the full run",
        met=waited < full_s / 10,
        note="started 0.3 s into the full run",
    )
    if mismatches or bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
