"""The invariant: every stored total equals what its lines give; and the reconcile that restores it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, Sum, Value, When

from clusters.models import Cluster
from common.qualifiers import FLAG, from_flags
from funding.models import (
    FundingLine,
)
from funding.services.counts import NAME as COUNTS
from funding.services.counts import cluster_counts_check
from funding.services.kinds import KINDS, TotalKind
from funding.services.recompute import RecomputeReport, funding_totals_recompute_all
from funding.services.values import SOURCES, VALUE_FIELDS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TotalDiscrepancy:
    """One stored total that does not equal what its lines give (or is flagged stale)."""

    kind: str
    key: tuple[Any, ...]
    problem: str  # "wrong", "missing", "extra" or "stale"
    stored: dict[str, Any] | None
    expected: dict[str, Any] | None

    def __str__(self) -> str:
        label = ", ".join("год не указан" if v is None else str(v) for v in self.key)
        text = f"{self.kind} [{label}]: {self.problem}"
        if self.problem == "wrong":
            diffs = [
                f"{name} {self.stored[name]} → {self.expected[name]}"
                for name in self.expected
                if self.stored.get(name) != self.expected[name]
            ]
            text += " (" + "; ".join(diffs) + ")"
        return text


def _flag_annotations(prefix: str, source_q: Q | None) -> dict[str, Max]:
    """One `MAX` per qualifier bit (see common.qualifiers): 0/bit, or NULL without lines."""
    bits = sorted({bit for bit in FLAG.values() if bit})
    annotations = {}
    for bit in bits:
        values = [q for q, b in FLAG.items() if b == bit]
        case = Case(
            When(qualifier__in=values, then=Value(bit)),
            default=Value(0),
            output_field=IntegerField(),
        )
        annotations[f"{prefix}_flag{bit}"] = Max(case, filter=source_q)
    return annotations


def _qualifier_of(row: dict[str, Any], prefix: str) -> str:
    bits = sorted({bit for bit in FLAG.values() if bit})
    return from_flags(sum(row[f"{prefix}_flag{bit}"] or 0 for bit in bits))


def _expected_rows(kind: TotalKind) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The kind's totals computed straight from the lines with the ORM (not the recompute SQL)."""
    annotations: dict[str, Any] = {}
    for s in SOURCES:
        annotations[f"{s}_rub"] = Sum("amount_rub", filter=Q(funding_source=s))
        annotations.update(_flag_annotations(s, Q(funding_source=s)))
    annotations.update(_flag_annotations("all", None))
    annotations.update(total_rub=Sum("amount_rub"), line_count=Count("id"))
    rows = (
        FundingLine.objects.filter(kind.line_filter)
        .order_by()
        .values(*kind.line_keys, *kind.extra_line_keys)
        .annotate(**annotations)
    )
    expected: dict[tuple[Any, ...], dict[str, Any]] = {}
    if kind.name == "cluster":  # every cluster has a row: unknown (NULL) without lines
        for pk in Cluster.objects.values_list("pk", flat=True):
            expected[(pk,)] = {name: None for name in VALUE_FIELDS if name != "line_count"}
            expected[(pk,)]["line_count"] = 0
    for row in rows:
        key = tuple(row[name] for name in kind.line_keys)
        values = {
            column: row[lookup]
            for column, lookup in zip(kind.extra_columns, kind.extra_line_keys, strict=True)
        }
        # Unknown is not zero: a budget part no line gives is NULL, amount and qualifier.
        values.update({f"{s}_rub": row[f"{s}_rub"] for s in SOURCES})
        values["total_rub"] = row["total_rub"]
        for s in SOURCES:
            known = row[f"{s}_rub"] is not None
            values[f"{s}_qualifier"] = _qualifier_of(row, s) if known else None
        values["qualifier"] = _qualifier_of(row, "all")
        values["line_count"] = row["line_count"]
        expected[key] = values
    return expected


def _stored_rows(kind: TotalKind) -> dict[tuple[Any, ...], dict[str, Any]]:
    fields = kind.key_columns
    return {
        tuple(row.pop(name) for name in fields): row
        for row in kind.model.objects.order_by().values(
            *fields, *kind.extra_columns, *VALUE_FIELDS, "is_stale"
        )
    }


def funding_totals_check() -> list[TotalDiscrepancy]:
    """Compare every stored total with the sums computed straight from the lines.

    Read-only. Returns one discrepancy per row that is wrong, missing (a scope with lines
    but no row), extra (a row whose scope has no lines) or flagged stale, and per count of
    published clusters that differs from the clusters (`cluster_count`); an empty list
    means the invariant holds.
    """
    problems: list[TotalDiscrepancy] = []
    for kind in KINDS:
        expected = _expected_rows(kind)
        stored = _stored_rows(kind)
        for key, values in expected.items():
            row = stored.pop(key, None)
            if row is None:
                problems.append(TotalDiscrepancy(kind.name, key, "missing", None, values))
                continue
            is_stale = row.pop("is_stale")
            if row != values:
                problems.append(TotalDiscrepancy(kind.name, key, "wrong", row, values))
            elif is_stale:
                problems.append(TotalDiscrepancy(kind.name, key, "stale", row, values))
        for key, row in stored.items():
            row.pop("is_stale")
            problems.append(TotalDiscrepancy(kind.name, key, "extra", row, None))
    # The counts of published clusters (clusters.ClusterCount) against the clusters.
    for key, problem, stored_n, expected_n in cluster_counts_check():
        problems.append(
            TotalDiscrepancy(
                COUNTS,
                key,
                problem,
                None if stored_n is None else {"cluster_count": stored_n},
                None if expected_n is None else {"cluster_count": expected_n},
            )
        )
    return problems


@dataclass
class ReconcileReport:
    """What a reconcile found wrong before it recomputed everything."""

    discrepancies: list[TotalDiscrepancy]
    recompute: RecomputeReport

    @property
    def corrected(self) -> int:
        return len(self.discrepancies)


def funding_totals_reconcile(*, now: datetime | None = None) -> ReconcileReport:
    """Check every total, then recompute everything; returns what was wrong.

    Effect: as `funding_totals_recompute_all` (all rows rewritten, stale flags cleared).
    The check runs before the recompute without its locks, so an edit committed in between
    may be reported although the scheduled recompute would have fixed it anyway.
    """
    discrepancies = funding_totals_check()
    report = ReconcileReport(discrepancies, funding_totals_recompute_all(now=now))
    if discrepancies:
        logger.warning(
            "funding totals reconcile corrected %d rows: %s",
            len(discrepancies),
            "; ".join(str(d) for d in discrepancies[:20]),
        )
    return report
