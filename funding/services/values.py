"""The value columns of every totals row — one sum and one qualifier per budget, the total,
its qualifier and the line count — as SQL over the lines (`fl`) or over another totals
table (`t`). Compiled once per database vendor and process (`values_sql`): a recompute
joins ready text, it never rebuilds the qualifier rule's SQL (common/qualifiers.py).
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from common.qualifiers import combine_sql
from funding.choices import FundingSource

SOURCES = list(FundingSource)
VALUE_FIELDS = [
    *(f"{s}_rub" for s in SOURCES),
    "total_rub",
    *(f"{s}_qualifier" for s in SOURCES),
    "qualifier",
    "line_count",
]


def values_sql(rollup: bool) -> tuple[str, ...]:
    """The value columns (VALUE_FIELDS order) for this connection's database."""
    return _values_sql(rollup, connection.vendor)


def line_values_sql() -> str:
    """The value columns summed from lines `fl`, named as the totals columns (VALUE_FIELDS)."""
    return ", ".join(
        f"{expr} AS {name}" for expr, name in zip(values_sql(False), VALUE_FIELDS, strict=True)
    )


@cache
def _values_sql(rollup: bool, vendor: str) -> tuple[str, ...]:
    """The value columns (VALUE_FIELDS order) summed from lines `fl` or from totals rows `t`.

    Unknown is not zero: a budget part no line feeds is NULL, amount and qualifier (SUM over
    no value is NULL; roll-ups add only the parts that are known), and so are the total and
    its qualifier when no line feeds the scope at all.
    """
    if rollup:
        return (
            *(f"SUM(t.{s}_rub)" for s in SOURCES),
            "SUM(t.total_rub)",
            *(
                f"CASE WHEN COUNT(t.{s}_rub) = 0 THEN NULL"
                f" ELSE {combine_sql(f't.{s}_qualifier', vendor=vendor)} END"
                for s in SOURCES
            ),
            f"CASE WHEN COUNT(t.total_rub) = 0 THEN NULL"
            f" ELSE {combine_sql('t.qualifier', vendor=vendor)} END",
            "COALESCE(SUM(t.line_count), 0)",
        )
    of_source = {s: f"fl.funding_source = '{s.value}'" for s in SOURCES}
    return (
        *(f"SUM(CASE WHEN {of_source[s]} THEN fl.amount_rub END)" for s in SOURCES),
        "SUM(fl.amount_rub)",
        *(
            f"CASE WHEN COUNT(CASE WHEN {of_source[s]} THEN 1 END) = 0 THEN NULL"
            f" ELSE {combine_sql('fl.qualifier', vendor=vendor, where=of_source[s])} END"
            for s in SOURCES
        ),
        f"CASE WHEN COUNT(fl.id) = 0 THEN NULL ELSE {combine_sql('fl.qualifier', vendor=vendor)} END",
        "COUNT(fl.id)",
    )
