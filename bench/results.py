"""Figures of `make bench`: each benchmark records its rows here; `python -m bench.results`
writes them to bench/RESULTS.md (linked from the README), newest run of each row kept."""

from __future__ import annotations

import json
import platform
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORE = HERE / "results.json"
REPORT = HERE / "RESULTS.md"


def record(row: str, *, measured: str, baseline: str, ratio: float | None, goal: str,
           met: bool | None, note: str = "") -> None:  # fmt: skip
    """Store one row (replacing an older run of the same row) and print it."""
    rows = json.loads(STORE.read_text()) if STORE.exists() else {}
    rows[row] = {
        "measured": measured,
        "baseline": baseline,
        "ratio": None if ratio is None else round(ratio, 2),
        "goal": goal,
        "met": met,
        "note": note,
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": _load(),
    }
    STORE.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    shown = "—" if ratio is None else f"{ratio:.2f}×"
    print(f"[bench] {row}: {measured} | baseline {baseline} | ratio {shown} | goal {goal}")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def write_report() -> None:
    rows = json.loads(STORE.read_text()) if STORE.exists() else {}
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        "# Benchmark figures",
        "",
        f"Written by `make bench` (commit {commit}, {platform.machine()}, "
        f"{_cpus()} CPUs). Every ratio is measured against its baseline in the same run; "
        "`load` is the 1-minute load average when the row was measured (this machine is "
        "shared, so absolute times vary between runs — the ratios much less).",
        "",
        "| measure | measured | baseline | ratio | goal | met | when (load) | note |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in rows.items():
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        met = {True: "yes", False: "**no**", None: "—"}[r["met"]]
        lines.append(
            f"| {name} | {r['measured']} | {r['baseline']} | {ratio} | {r['goal']} | {met} "
            f"| {r['at']} ({r['load']}) | {r['note']} |"
        )
    REPORT.write_text("\n".join(lines) + "\n")
    print(f"figures written to {REPORT.relative_to(HERE.parent)}")


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    write_report()
