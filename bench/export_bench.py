"""Benchmark: a whole CSV export through gunicorn vs `psql \\copy` of the same rows.

    python -m bench.export_bench [--database registry_export_bench] [--reuse] [--query fiscal_year=2023]
        [--port 8621]

Serves the API with the worker settings the README documents (gthread, its timeout), fetches
`/api/v1/funding-lines/?format=csv` as one anonymous client, and measures the time to the first
data row, the total time, the rows (and that the `#END,<rows>` marker closes them) and the peak
RSS of the worker; then the same rows as XLSX (`?format=xlsx`: time to the first byte, total,
RSS, and that the file is a whole workbook); then times `psql \\copy` of the same rows (the
public lines, same joins) to /dev/null. Not a test.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

from bench.api_bench import _env, _wait
from bench.demo_data import database_url, generate
from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
PORT = 8621
TIMEOUT = 120  # gunicorn --timeout as the README gives it

COPY_SQL = """
SELECT f.id, c.slug, c.name, r.code, r.name, fd.code, fd.name, i.slug, i.name, f.fiscal_year,
       f.funding_source, f.amount_rub, f.qualifier, s.id, s.title, s.publisher,
       s.published_on, s.url, s.document_ref, f.exact_wording, f.note, f.updated_at
FROM funding_fundingline f
LEFT JOIN clusters_cluster c ON c.id = f.cluster_id
JOIN regions_region r ON r.id = f.region_id
LEFT JOIN regions_federaldistrict fd ON fd.id = r.federal_district_id
LEFT JOIN clusters_industry i ON i.id = c.industry_id
JOIN clusters_source s ON s.id = f.source_id
WHERE (f.cluster_id IS NULL OR c.is_published) {extra}
ORDER BY f.id
"""


def _children_rss_kb(parent: int) -> int:
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(parent):
            total = max(total, int(fields.get("VmRSS", "0 kB").split()[0]))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="registry_export_bench")
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--query", default="", help="extra filter, e.g. fiscal_year=2023")
    parser.add_argument("--no-xlsx", action="store_true", help="measure the CSV only")
    parser.add_argument("--port", type=int, default=PORT, help="another one beside a running bench")
    args = parser.parse_args()
    if not args.reuse:
        generate(args.database, clusters=args.clusters)
    env = _env(args.database)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{args.port}", "--workers", "1",
         "--worker-class", "gthread", "--threads", "4", "--timeout", str(TIMEOUT),
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _children_rss_kb(server.pid))
            time.sleep(0.2)

    try:
        _wait(args.port)
        path = "/api/v1/funding-lines/?format=csv" + (f"&{args.query}" if args.query else "")
        threading.Thread(target=sample, daemon=True).start()
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=TIMEOUT * 2)
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200, response.status
        first_row_s = None
        lines = 0
        tail = b""
        buffer = b""
        while chunk := response.read1(1 << 16):
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            lines += len(complete)
            if first_row_s is None and lines >= 2:
                first_row_s = time.perf_counter() - started
            if complete:
                tail = complete[-1]
        total_s = time.perf_counter() - started
        rows = lines - 2  # header and marker
        marker_ok = tail.strip() == f"#END,{rows}".encode()
        csv_peak = peak[0]
        copy_s = _psql_copy_seconds(args)  # right after the export, under the same load
        xlsx = (
            None
            if args.no_xlsx
            else _fetch_xlsx(path.replace("format=csv", "format=xlsx"), peak, args.port)
        )
    finally:
        done.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    ratio = total_s / copy_s
    rss_mb = csv_peak / 1024
    print(f"GET {path}: {rows} rows, first data row {first_row_s:.2f} s, all in {total_s:.1f} s, "
          f"worker RSS peak {rss_mb:.0f} MB, end marker {'ok' if marker_ok else 'MISSING'}")  # fmt: skip
    print(f"psql \\copy of the same rows: {copy_s:.1f} s; ratio {ratio:.1f}×")
    scope = f"{rows} funding lines" + (f" ({args.query})" if args.query else "")
    record(
        "CSV export, first data row",
        measured=f"{first_row_s:.2f} s ({scope})",
        baseline="—",
        ratio=None,
        goal="< 1 s",
        met=first_row_s < 1,
    )
    record(
        "CSV export, whole (gthread worker)",
        measured=f"{total_s:.1f} s, RSS {rss_mb:.0f} MB, #END {'ok' if marker_ok else 'missing'}",
        baseline=f"psql \\copy {copy_s:.1f} s",
        ratio=ratio,
        goal="≤ 3×, RSS < 150 MB, never cut off",
        met=ratio <= 3 and rss_mb < 150 and marker_ok,
        note=scope,
    )
    if xlsx is not None:
        first_s, whole_s, xlsx_rss_kb, size, whole_ok = xlsx
        print(f"XLSX of the same rows: first byte {first_s:.1f} s, all in {whole_s:.1f} s, "
              f"{size / 1e6:.0f} MB, RSS peak {xlsx_rss_kb / 1024:.0f} MB, "
              f"{'a whole workbook' if whole_ok else 'BROKEN'}")  # fmt: skip
        record(
            "XLSX export, whole (gthread worker)",
            measured=f"first byte {first_s:.1f} s, all in {whole_s:.1f} s, {size / 1e6:.0f} MB, "
            f"RSS {xlsx_rss_kb / 1024:.0f} MB, {'whole' if whole_ok else 'broken'}",
            baseline=f"psql \\copy {copy_s:.1f} s",
            ratio=whole_s / copy_s,
            goal=f"bounded memory, never cut off (worker timeout {TIMEOUT} s)",
            met=whole_ok and xlsx_rss_kb / 1024 < 150,
            note=scope,
        )


def _psql_copy_seconds(args: argparse.Namespace) -> float:
    """`psql \\copy` of the same rows (the public lines, the same joins) to /dev/null."""
    extra = ""
    if args.query:
        key, value = args.query.split("=", 1)
        extra = {"fiscal_year": f"AND f.fiscal_year = {int(value)}"}[key]
    started = time.perf_counter()
    subprocess.run(
        ["psql", database_url(args.database), "-q", "-c",
         f"\\copy ({' '.join(COPY_SQL.format(extra=extra).split())}) TO '/dev/null' WITH CSV HEADER"],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _fetch_xlsx(path: str, peak: list[int], port: int) -> tuple[float, float, int, int, bool]:
    """GET an XLSX export: time to the first byte, total, peak worker RSS, size, and whether the
    body is a whole workbook (a zip whose central directory lists the sheet)."""
    peak[0] = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    assert response.status == 200, response.status
    first = response.read1(1 << 16)
    first_s = time.perf_counter() - started
    body = io.BytesIO(first)
    while chunk := response.read1(1 << 16):
        body.write(chunk)
    whole_s = time.perf_counter() - started
    try:
        names = zipfile.ZipFile(body).namelist()
        whole_ok = any(name.startswith("xl/worksheets/") for name in names)
    except zipfile.BadZipFile:
        whole_ok = False
    return first_s, whole_s, peak[0], body.tell(), whole_ok


if __name__ == "__main__":
    main()
