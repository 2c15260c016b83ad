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
        # The seeds' facts are the clusters' figures; counts of the region are scored by the
        # development set (score_item), which labels them.
        "figures": _counter_score(
            [figure_key(f) for f in expected["figures"]],
            [figure_key(f) for f in proposed["figures"] if f.get("scope") != "region"],
        ),
    }


# --- the development set (tests/extraction/devset/press-items.json) ----------------------------

DEVSET_KINDS = [
    "base colleges",
    "network colleges",
    "employers",
    "money (amount)",
    "money (amount, qualifier, budget)",
    "money per cluster",
    "joint money joint",
    "figures",
    "figure scope",
    "region of matched clusters",
    "industry of matched clusters",
]


def _pairs(expected: list[dict], proposed: list) -> dict[str, object]:
    """Expected cluster key → the proposed cluster with the same base college (each used once)."""
    left = list(proposed)
    matched: dict[str, object] = {}
    for cluster in expected:
        hit = next(
            (p for p in left if same_name(cluster["base_college"], p.base_college.name)), None
        )
        if hit is not None:
            left.remove(hit)
            matched[cluster["key"]] = hit
    return matched


def _names(expected: list[str], proposed: list[str]) -> tuple[int, list[str]]:
    """How many `expected` names `proposed` holds, and the expected names left unfound."""
    left = list(proposed)
    missing = []
    for name in expected:
        hit = next((p for p in left if same_name(name, p)), None)
        if hit is None:
            missing.append(name)
        else:
            left.remove(hit)
    return len(expected) - len(missing), missing


def score_item(item: dict, extraction) -> tuple[dict[str, Score], list[str]]:
    """Scores per kind of one labelled press item (see the development set's README), and the
    misses in words (for tuning on the tuning part only)."""
    scores = {kind: Score() for kind in DEVSET_KINDS}
    misses: list[str] = []
    expected_clusters = item["clusters"]
    matched = _pairs(expected_clusters, extraction.clusters)
    key_of = {id(p): k for k, p in matched.items()}
    scores["base colleges"] = Score(len(matched), len(extraction.clusters), len(expected_clusters))
    for cluster in expected_clusters:
        if cluster["key"] not in matched:
            misses.append(f"base not found: {cluster['base_college']}")
    proposed_bases = [c.base_college.name for c in extraction.clusters if id(c) not in key_of]
    misses += [f"base proposed, not expected: {name}" for name in proposed_bases]

    # Network colleges and employers: right when proposed in the cluster they belong to.
    network, employers = scores["network colleges"], scores["employers"]
    network.proposed = sum(len(c.network_colleges) for c in extraction.clusters)
    unassigned = [o.name for o in getattr(extraction, "unassigned_employers", [])]
    employers.proposed = sum(len(c.employers) for c in extraction.clusters) + len(unassigned)
    loose = list(item.get("employers_without_cluster", []))
    employers.expected = len(loose)
    for cluster in expected_clusters:
        network.expected += len(cluster["network_colleges"])
        employers.expected += len(cluster["employers"])
        got = matched.get(cluster["key"])
        found, missing = _names(
            cluster["network_colleges"], [o.name for o in got.network_colleges] if got else []
        )
        network.found += found
        misses += [f"network not found: {name}" for name in missing]
        found, missing = _names(
            cluster["employers"], [o.name for o in got.employers] if got else []
        )
        employers.found += found
        misses += [f"employer not found: {name}" for name in missing]
    proposed_employers = [o.name for c in extraction.clusters for o in c.employers] + unassigned
    found, missing = _names(loose, proposed_employers)
    employers.found += found
    misses += [f"employer not found: {name}" for name in missing]
    every_employer = [n for c in expected_clusters for n in c["employers"]] + loose
    misses += [
        f"employer proposed, not expected: {name}"
        for name in proposed_employers
        if not any(same_name(name, e) for e in every_employer)
    ]

    # Money: amount, qualifier and budget as a multiset; then the scope of each expected sum.
    proposed_money = extraction.money
    amounts = Counter(int(m["amount"]) for m in item["money"])
    got_amounts = Counter(int(m.amount) for m in proposed_money)
    scores["money (amount)"] = Score(
        sum((amounts & got_amounts).values()), len(proposed_money), len(item["money"])
    )
    keys = Counter((int(m["amount"]), m["qualifier"], m["source"]) for m in item["money"])
    got_keys = Counter((int(m.amount), str(m.qualifier), m.source) for m in proposed_money)
    scores["money (amount, qualifier, budget)"] = Score(
        sum((keys & got_keys).values()), len(proposed_money), len(item["money"])
    )
    for key in keys - got_keys:
        misses.append(f"money not found as stated: {key}")
    for key in got_keys - keys:
        misses.append(f"money proposed, not expected: {key}")
    left = list(proposed_money)
    for money in item["money"]:
        scope = money["scope"]
        if not scope or scope == ["national"]:
            continue
        kind = "money per cluster" if len(scope) == 1 else "joint money joint"
        scores[kind].expected += 1
        candidates = [m for m in left if int(m.amount) == int(money["amount"])]
        if len(scope) == 1:
            want = matched.get(scope[0])
            hit = next(
                (m for m in candidates if want is not None and m.clusters == [want.key]), None
            )
        else:
            # Joint money is right as joint (several clusters) or as the region's (none):
            # never as one cluster's.
            hit = next((m for m in candidates if len(m.clusters) != 1), None)
        if hit is None:
            misses.append(f"{kind} wrong: {money['amount']} {scope}")
            continue
        left.remove(hit)
        scores[kind].found += 1
    for kind in ("money per cluster", "joint money joint"):
        scores[kind].proposed = scores[kind].expected

    # Figures: kind, value and qualifier; then whether the scope (cluster or region) is right.
    figures = Counter((f["kind"], int(f["value"]), f["qualifier"]) for f in item["figures"])
    got_figures = Counter((f.kind, int(f.value), str(f.qualifier)) for f in extraction.figures)
    scores["figures"] = Score(
        sum((figures & got_figures).values()), len(extraction.figures), len(item["figures"])
    )
    for key in figures - got_figures:
        misses.append(f"figure not found: {key}")
    for key in got_figures - figures:
        misses.append(f"figure proposed, not expected: {key}")
    left_figures = list(extraction.figures)
    for figure in item["figures"]:
        hit = next(
            (
                f
                for f in left_figures
                if (f.kind, int(f.value), str(f.qualifier))
                == (figure["kind"], int(figure["value"]), figure["qualifier"])
            ),
            None,
        )
        if hit is None:
            continue
        left_figures.remove(hit)
        scores["figure scope"].expected += 1
        scope = figure["scope"]
        if scope == "region":
            right = hit.cluster is None and hit.scope == "region"
        elif scope == "unnamed":
            right = hit.scope == "cluster"
        else:
            want = matched.get(scope)
            right = want is not None and hit.cluster == want.key
        scores["figure scope"].found += right
        if not right:
            misses.append(f"figure scope wrong: {figure['kind']} {figure['value']} ≠ {scope}")
    scores["figure scope"].proposed = scores["figure scope"].expected

    for field, kind in (
        ("region", "region of matched clusters"),
        ("industry", "industry of matched clusters"),
    ):
        for cluster in expected_clusters:
            got = matched.get(cluster["key"])
            if got is None or not cluster.get(field):
                continue
            scores[kind].expected += 1
            scores[kind].proposed += 1
            if getattr(got, field) == cluster[field]:
                scores[kind].found += 1
            else:
                misses.append(
                    f"{field} of {cluster['base_college']}: {getattr(got, field)} ≠ {cluster[field]}"
                )
    return scores, misses


def item_text(item: dict) -> str:
    """The text the extractor reads for a development-set item: its passages, one a paragraph."""
    return "\n\n".join(item["passages"])
