"""The press-release assistant as a test of itself on the press items brought in (issue 22).

Two commands:

* `propose FILE` (or `-` for stdin): the assistant's proposals for a pasted passage, exactly as
  `POST /api/v1/extract/` answers them, as JSON on stdout. Needs no database: the vocabulary
  (regions, industries) comes from fixtures/.
* `report [DIR]`: reads the review logs (`fixtures/press/review/*.jsonl` by default) and prints,
  per kind of fact and overall, how many the assistant proposed, how many review accepted
  without edits, edited, rejected, and how many it missed: the share accepted without edits
  (of what it proposed: its precision) and the share of the item's facts it proposed right
  (its recall).

A review log holds one JSON object per press item:

    {"address": "https://…", "date": "2025-05-03", "region": "Калининградская область",
     "passage": "<the text pasted into the assistant>",
     "proposed": <the answer of `propose`>,
     "facts": [{"cluster": "<base college as accepted, or empty>", "kind": "base_college",
                "proposed": "<value or null>", "accepted": "<value or null>",
                "verdict": "accepted" | "edited" | "rejected" | "missed"}, …]}

Kinds: base_college, network_college, employer, region, industry, cluster_kind,
selection_year, launch_year, money, figure. A verdict says what review did with one fact:
`accepted` (proposed and kept as it was), `edited` (proposed, kept after a correction: a
wrong budget, qualifier, cluster, name form…), `rejected` (proposed, not a fact of the item),
`missed` (a fact of the item the assistant did not propose).

Usage: python scripts/press_review.py propose passage.txt
       python scripts/press_review.py report [fixtures/press/review]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOGS = ROOT / "fixtures" / "press" / "review"
VERDICTS = ("accepted", "edited", "rejected", "missed")


def propose(text: str) -> dict:
    """The assistant's answer for `text` (the vocabulary of fixtures/, no database)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from extraction.extractor import extract
    from extraction.reference import Reference

    return extract(text, Reference.from_fixtures()).as_api()


def read_logs(directory: Path) -> list[dict]:
    items = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{number}: not JSON ({exc})") from None
    return items


def tally(items: list[dict]) -> dict[str, Counter]:
    """Verdicts per kind of fact, and overall under the key «all»."""
    by_kind: dict[str, Counter] = {}
    for item in items:
        for fact in item.get("facts", []):
            verdict = fact.get("verdict")
            if verdict not in VERDICTS:
                raise SystemExit(f"{item.get('address')}: unknown verdict {verdict!r}")
            for key in (fact.get("kind", "?"), "all"):
                by_kind.setdefault(key, Counter())[verdict] += 1
    return by_kind


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def report(directory: Path) -> str:
    items = read_logs(directory)
    by_kind = tally(items)
    lines = [
        f"{len(items)} items, {sum(len(i.get('facts', [])) for i in items)} facts",
        f"{'kind':<16} {'proposed':>8} {'accepted':>8} {'edited':>6} {'rejected':>8} "
        f"{'missed':>6}  {'precision':>9} {'recall':>6}",
    ]
    for kind in sorted(by_kind, key=lambda k: (k == "all", k)):
        c = by_kind[kind]
        proposed = c["accepted"] + c["edited"] + c["rejected"]
        facts = c["accepted"] + c["edited"] + c["missed"]
        lines.append(
            f"{kind:<16} {proposed:>8} {c['accepted']:>8} {c['edited']:>6} {c['rejected']:>8} "
            f"{c['missed']:>6}  {_share(c['accepted'], proposed):>9} "
            f"{_share(c['accepted'], facts):>6}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("propose")
    p.add_argument("file")
    r = sub.add_parser("report")
    r.add_argument("directory", nargs="?", type=Path, default=DEFAULT_LOGS)
    args = parser.parse_args()
    if args.command == "propose":
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        print(json.dumps(propose(text), ensure_ascii=False, indent=1))
    else:
        print(report(args.directory))


if __name__ == "__main__":
    main()
