"""Funding services: the only writers of the totals tables (`*FundingTotal`).

By job: `kinds` (the totals tables as data), `values` (their value columns' SQL),
`statements` (the compiled statements of a recompute), `locks` (who writes which rows,
when), `runs` (a scoped and a whole-table recompute), `recompute`
(exact scopes, everything, stale flags), `checks` (the invariant and the reconcile),
`scheduling` (after-commit batching and enqueueing), `lines` (every write of funding lines,
and how funding follows cluster writes). Every public name is re-exported here,
so `from funding.services import …` is the one import the rest of the project uses.
"""

from funding.services.checks import (
    ReconcileReport,
    TotalDiscrepancy,
    funding_totals_check,
    funding_totals_reconcile,
)
from funding.services.facts import funding_line_state
from funding.services.kinds import KIND_BY_NAME, KINDS, TotalKind
from funding.services.lines import (
    cluster_follow,
    funding_line_create,
    funding_line_delete,
    funding_line_update,
    funding_lines_bulk_create,
)
from funding.services.recompute import (
    RecomputeReport,
    funding_totals_recompute,
    funding_totals_recompute_all,
    funding_totals_recompute_for_clusters,
)
from funding.services.scheduling import funding_totals_enqueue, funding_totals_schedule
from funding.services.stale import funding_totals_mark_stale, funding_totals_sweep_stale
from funding.services.values import SOURCES, VALUE_FIELDS

__all__ = [
    "KINDS",
    "KIND_BY_NAME",
    "SOURCES",
    "VALUE_FIELDS",
    "RecomputeReport",
    "ReconcileReport",
    "TotalDiscrepancy",
    "TotalKind",
    "cluster_follow",
    "funding_line_create",
    "funding_line_delete",
    "funding_line_state",
    "funding_line_update",
    "funding_lines_bulk_create",
    "funding_totals_check",
    "funding_totals_enqueue",
    "funding_totals_mark_stale",
    "funding_totals_recompute",
    "funding_totals_recompute_all",
    "funding_totals_recompute_for_clusters",
    "funding_totals_reconcile",
    "funding_totals_schedule",
    "funding_totals_sweep_stale",
]
