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
KINDS = ["clusters", "organisations", "money", "figures"]


def _pct(value: float | None) -> str:
    return "  —  " if value is None else f"{value:6.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per text for the timing")
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
    press_sample(extract, reference)
    return 0


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
