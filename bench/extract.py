"""Benchmark of the press-release extractor on the five seeds (not a test).

    make bench-extract        # or: python -m bench.extract

Runs `extraction.extractor.extract` over each seed text in tests/extraction/seeds/, compares
the answer with the facts written by hand from seed-facts.md (tests/extraction/expected/),
and prints precision and recall per kind — clusters (by base college), organisations (base,
network colleges, employers), money (amount + qualifier + funding source), figures (kind +
value + qualifier) — and the time per text. No database: the extractor is pure.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

SEEDS = ROOT / "tests" / "extraction" / "seeds"
PRESS_SAMPLE = ROOT.parent / "shared" / "data" / "press-sample-clusters.csv"
EXPECTED = ROOT / "tests" / "extraction" / "expected"
DEVSET = ROOT / "tests" / "extraction" / "devset" / "press-items.json"
KINDS = ["clusters", "organisations", "money", "figures"]


def _pct(value: float | None) -> str:
    return "  —  " if value is None else f"{value:6.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per text for the timing")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="list the misses of the development set's tuning part (never of the held-back or fresh parts)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from extraction.extractor import Reference, extract
    from extraction.scoring import Score, score

    reference = Reference.from_fixtures()
    start = time.perf_counter()
    extract("Прогрев: 1 млн рублей.", reference)  # dictionaries load once per process
    warmup = time.perf_counter() - start

    totals = {kind: Score() for kind in KINDS}
    print(f"dictionary load and first call: {warmup:.2f} s\n")
    print(f"{'seed':<28}{'chars':>7}{'ms/text':>9}  " + "  ".join(f"{k:>13}" for k in KINDS))
    times = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        expected = json.loads((EXPECTED / (path.stem + ".json")).read_text(encoding="utf-8"))
        runs = []
        for _ in range(args.repeat):
            begin = time.perf_counter()
            answer = extract(text, reference).as_api()
            runs.append(time.perf_counter() - begin)
        elapsed = min(runs)
        times.append(elapsed)
        scores = score(expected, answer)
        cells = []
        for kind in KINDS:
            totals[kind].add(scores[kind])
            s = scores[kind]
            cells.append(f"{s.found}/{s.proposed}/{s.expected}".rjust(13))
        print(f"{path.name:<28}{len(text):>7}{elapsed * 1000:>9.0f}  " + "  ".join(cells))
    print("\n(cells: found / proposed / expected)\n")
    print(f"{'kind':<16}{'precision':>10}{'recall':>9}{'found':>7}{'proposed':>10}{'expected':>10}")
    for kind in KINDS:
        s = totals[kind]
        print(
            f"{kind:<16}{_pct(s.precision):>10}{_pct(s.recall):>9}{s.found:>7}{s.proposed:>10}{s.expected:>10}"
        )
    print(
        f"\ntime per text: mean {sum(times) / len(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (best of {args.repeat}; dictionaries already loaded)"
    )
    development_set(extract, reference, args.repeat, args.misses)
    press_sample(extract, reference)
    return 0


def development_set(extract, reference, repeat: int, show_misses: bool) -> None:
    """Real press items the extractor was not written against, labelled by hand; scored per kind
    for the tuning, held-back, fresh and second fresh parts separately
    (tests/extraction/devset/README.md).
    Only the tuning part's misses are ever listed."""
    from extraction.scoring import DEVSET_KINDS, Score, item_text, score_item

    items = json.loads(DEVSET.read_text(encoding="utf-8"))["items"]
    parts = ("tune", "held", "fresh", "fresh2")
    totals = {part: {kind: Score() for kind in DEVSET_KINDS} for part in parts}
    times: list[float] = []
    cpu_times: list[float] = []
    misses = []
    for item in items:
        text = item_text(item)
        runs, cpu = [], []
        for _ in range(repeat):
            begin, begin_cpu = time.perf_counter(), time.process_time()
            extraction = extract(text, reference)
            extraction.as_api()
            runs.append(time.perf_counter() - begin)
            cpu.append(time.process_time() - begin_cpu)
        times.append(min(runs))
        cpu_times.append(min(cpu))
        scores, item_misses = score_item(item, extraction)
        for kind, value in scores.items():
            totals[item["part"]][kind].add(value)
        if item["part"] == "tune":
            misses += [f"{item['id']}: {miss}" for miss in item_misses]
    counts = {part: sum(i["part"] == part for i in items) for part in parts}
    print(
        f"\ndevelopment set: {len(items)} real press items (tuning part {counts['tune']}, "
        f"held-back part {counts['held']}, fresh part {counts['fresh']} and second fresh part "
        f"{counts['fresh2']}: each fresh part labelled before the extractor ever read it)\n"
    )
    print(
        f"{'kind':<38}{'tuning P':>9}{'R':>7}{'held-back P':>13}{'R':>7}{'fresh P':>9}{'R':>7}"
        f"{'fresh2 P':>10}{'R':>7}   (found/proposed/expected: held | fresh | fresh2)"
    )
    for kind in DEVSET_KINDS:
        tune, held, fresh, fresh2 = (totals[part][kind] for part in parts)
        print(
            f"{kind:<38}{_pct(tune.precision):>9}{_pct(tune.recall):>7}"
            f"{_pct(held.precision):>13}{_pct(held.recall):>7}"
            f"{_pct(fresh.precision):>9}{_pct(fresh.recall):>7}"
            f"{_pct(fresh2.precision):>10}{_pct(fresh2.recall):>7}"
            f"   {held.found}/{held.proposed}/{held.expected} | {fresh.found}/{fresh.proposed}/{fresh.expected}"
            f" | {fresh2.found}/{fresh2.proposed}/{fresh2.expected}"
        )
    for label, values in (("wall clock", times), ("CPU", cpu_times)):
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
        print(
            f"{'' if label == 'CPU' else chr(10)}time per item ({label}): "
            f"median {ordered[len(ordered) // 2] * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms (best of {repeat})"
        )
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if show_misses:
        print("\nmisses of the tuning part:")
        for miss in misses:
            print("  " + miss)


def press_sample(extract, reference) -> None:
    """Beyond the seeds: the base college of each row of the real press sample, read from the
    one sentence the row quotes (often not the sentence naming the base: a floor, not a score)."""
    if not PRESS_SAMPLE.exists():
        print(f"\n(press sample not found at {PRESS_SAMPLE}: skipped)")
        return
    import csv

    from extraction.scoring import same_name

    with PRESS_SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    rows = [r for r in rows if r["base_college"] and r["quote"]]
    found = proposed = 0
    begin = time.perf_counter()
    for row in rows:
        clusters = extract(row["quote"], reference).clusters
        proposed += len(clusters)
        found += any(same_name(c.base_college.name, row["base_college"]) for c in clusters)
    elapsed = time.perf_counter() - begin
    print(
        f"\npress sample ({len(rows)} rows with a base college, one quoted sentence each): "
        f"base college found in {found} ({found / len(rows):.0%}); "
        f"{proposed} clusters proposed; {elapsed / len(rows) * 1000:.0f} ms per sentence"
    )


if __name__ == "__main__":
    raise SystemExit(main())
