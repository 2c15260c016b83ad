"""Import benchmark: 10 000 DEMO rows through the dry run and the commit, beside loaddata.

    make bench-import        # or: python -m bench.import_bench --database registry_import_bench

Recreates its own database (the name must contain 'bench'), migrates it and loads the
reference lists, then builds a CSV of DEMO colleges (every name starts with «DEMO»; not a
fact) in the colleges template, and measures in one run:

  (a) the dry run: every row checked through the write services, then rolled back;
  (b) the commit of the same file (all rows or none);
  (c) `manage.py loaddata` of the same rows as a JSON fixture, into the emptied table —
      the baseline: no natural keys, no diff, no per-row validation or savepoints.

For each: rows per second and peak memory (Python allocations, tracemalloc).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_data import database_url, migrate_and_load_reference, recreate_database  # noqa: E402

TIMES: dict[str, tuple[float, float]] = {}  # label → (seconds, peak MiB)


def measure(label: str, rows: int, func):
    tracemalloc.start()
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    TIMES[label] = (elapsed, peak / 2**20)
    print(
        f"{label:<34} {elapsed:7.2f} s  {rows / elapsed:8.0f} rows/s  peak {peak / 2**20:6.1f} MiB"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="registry_import_bench")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    if "bench" not in args.database:
        raise SystemExit("The benchmark database name must contain 'bench'.")
    recreate_database(args.database)
    migrate_and_load_reference(args.database)
    os.environ.update(
        DATABASE_URL=database_url(args.database),
        CELERY_BROKER_URL="",
        DEBUG="1",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.base",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from clusters.models import College
    from imports.services import import_part_read, import_run
    from regions.models import Region

    regions = list(Region.objects.order_by("code").values_list("code", "pk"))
    demo = [
        {
            "full_name": f"DEMO Колледж № {n} (демо-данные, не факт)",
            "region": regions[n % len(regions)],
            "town": f"DEMO-город {n % 97}",
        }
        for n in range(args.rows)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["full_name", "region", "town"])
    writer.writerows([r["full_name"], r["region"][0], r["town"]] for r in demo)
    content = buffer.getvalue().encode("utf-8")
    print(f"database {args.database}: {args.rows} DEMO college rows, {len(content)} bytes of CSV")

    part = import_part_read(kind="colleges", filename="demo.csv", content=content)
    dry = measure(
        "(a) import dry run", args.rows, lambda: import_run(parts=[part], actor=None, commit=False)
    )
    assert dry.counts["new"] == args.rows and not College.objects.exists()
    done = measure(
        "(b) import commit", args.rows, lambda: import_run(parts=[part], actor=None, commit=True)
    )
    assert done.committed and College.objects.count() == args.rows
    again = measure(
        "    same file again (unchanged)",
        args.rows,
        lambda: import_run(parts=[part], actor=None, commit=False),
    )
    assert again.counts["unchanged"] == args.rows

    College.objects.all().delete()
    fixture = [
        {
            "model": "clusters.college",
            "fields": {
                "full_name": r["full_name"],
                "short_name": "",
                "region": r["region"][1],
                "town": r["town"],
                "website": "",
                "created_at": "2026-12-01T00:00:00Z",
                "updated_at": "2026-12-01T00:00:00Z",
            },
        }
        for r in demo
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(fixture, handle, ensure_ascii=False)
    try:
        measure(
            "(c) loaddata (baseline)",
            args.rows,
            lambda: call_command("loaddata", handle.name, verbosity=0),
        )
    finally:
        os.unlink(handle.name)
    assert College.objects.count() == args.rows
    from bench.results import record

    base_s, _ = TIMES["(c) loaddata (baseline)"]
    for label, row in (("(a) import dry run", "dry run"), ("(b) import commit", "commit")):
        seconds, peak = TIMES[label]
        record(
            f"import of {args.rows} college rows: {row}",
            measured=f"{seconds:.1f} s ({args.rows / seconds:.0f} rows/s), peak {peak:.0f} MiB",
            baseline=f"loaddata {base_s:.1f} s ({args.rows / base_s:.0f} rows/s)",
            ratio=seconds / base_s,
            goal="— (no goal set; a Celery job with progress)",
            met=None,
            note="DEMO rows; full validation, matching and history per row",
        )


if __name__ == "__main__":
    main()
