"""Compare an extraction with hand-written expected facts: precision and recall per kind.

Used by `make bench-extract` and by the seed tests. Pure (no database). Names are compared
as the registry compares them (lemmas, case, quotes, an abbreviation in brackets, an
organisational form such as «ГАПОУ» left off), so «колледж «Энергия»» finds itself however
the text inflects it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extraction.language import normalise_name

_FORMS = re.compile(r"^(?:ГАПОУ|ГБПОУ|ГПОУ|ОГАПОУ|ОГБПОУ|КГБПОУ|КГАПОУ|ГБОУ|ПК)\s+", re.I)


def name_keys(name: str | None) -> set[str]:
    """Comparable keys of an organisation name: with and without its form and bracketed part."""
    if not name:
        return set()
    keys = set()
    for variant in {name, re.sub(r"\s*\([^)]*\)", "", name)}:
        bare = _FORMS.sub("", variant)
        keys.add(normalise_name(variant))
        keys.add(normalise_name(bare))
        quoted = re.search(r"«(.+)»", bare)
        if quoted:
            keys.add("quoted:" + normalise_name(quoted.group(1)))
    for bracket in re.findall(r"\(([^)]*)\)", name):
        keys.add(normalise_name(bracket))
    return {k for k in keys if k}


def same_name(a: str | None, b: str | None) -> bool:
    return bool(name_keys(a) & name_keys(b))


@dataclass
class Score:
    found: int = 0  # true positives
    proposed: int = 0
    expected: int = 0

    @property
    def precision(self) -> float | None:
        return self.found / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None

    def add(self, other: Score) -> None:
        self.found += other.found
        self.proposed += other.proposed
        self.expected += other.expected


def _match_names(expected: list[str], proposed: list[str]) -> Score:
    left = list(proposed)
    found = 0
    for name in expected:
        hit = next((p for p in left if same_name(name, p)), None)
        if hit is not None:
            left.remove(hit)
            found += 1
    return Score(found, len(proposed), len(expected))


def _counter_score(expected: list[tuple], proposed: list[tuple]) -> Score:
    common = Counter(expected) & Counter(proposed)
    return Score(sum(common.values()), len(proposed), len(expected))


def money_key(item: dict) -> tuple:
    return (int(item["amount"]), str(item["qualifier"]), item["source"])


def figure_key(item: dict) -> tuple:
    return (item["kind"], int(item["value"]), str(item["qualifier"]))


def score(expected: dict, proposed: dict) -> dict[str, Score]:
    """Scores per kind: clusters (by base college), organisations, money, figures."""
    orgs_expected = [
        name
        for c in expected["clusters"]
        for name in [c["base_college"], *c["network_colleges"], *c["employers"]]
    ]
    orgs_proposed = [
        name
        for c in proposed["clusters"]
        for name in [c["base_college"], *c["network_colleges"], *c["employers"]]
    ]
    return {
        "clusters": _match_names(
            [c["base_college"] for c in expected["clusters"]],
            [c["base_college"] for c in proposed["clusters"]],
        ),
        "organisations": _match_names(orgs_expected, orgs_proposed),
        "money": _counter_score(
            [money_key(m) for m in expected["money"]], [money_key(m) for m in proposed["money"]]
        ),
        "figures": _counter_score(
            [figure_key(f) for f in expected["figures"]],
            [figure_key(f) for f in proposed["figures"]],
        ),
    }
