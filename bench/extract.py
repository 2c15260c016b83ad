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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
