"""The one definition of how exact a sum is, given how exact its parts are.

A figure says how exact it is (`Qualifier` below: exact, «≈», «не менее»,
«не более»). A total made of several figures says exactly what its parts allow, and no
more (`TotalQualifier`):

* all parts exact → exact;
* exact parts and parts of ONE non-exact kind → that kind (exact + ≈ → ≈, exact + не менее
  → не менее, exact + не более → не более);
* parts of two or more non-exact kinds (≈ with не менее, не менее with не более, …), or a
  part that is itself mixed → `mixed` («оценка: смешанная»), a value only totals take.

The rule is a set union: each qualifier is a bit flag (`FLAG`), a total's flags are the OR
of its parts' flags, and `from_flags` names the result. The totals SQL (`flags_sql`,
`from_flags_sql`), the invariant check, the page helpers and the template tags all use
this module; nothing else defines an order of qualifiers.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Qualifier(models.TextChoices):
    """How exact a figure is, as its source words it («почти» → approximately)."""

    EXACT = "exact", "точно"
    APPROXIMATELY = "approximately", "приблизительно"
    AT_LEAST = "at_least", "не менее"
    AT_MOST = "at_most", "не более"  # an upper bound: «до 100 млн»


class TotalQualifier(models.TextChoices):
    """How exact a total is: a line's qualifier, or `mixed` when its parts differ in kind."""

    EXACT = Qualifier.EXACT.value, Qualifier.EXACT.label
    APPROXIMATELY = Qualifier.APPROXIMATELY.value, Qualifier.APPROXIMATELY.label
    AT_LEAST = Qualifier.AT_LEAST.value, Qualifier.AT_LEAST.label
    AT_MOST = Qualifier.AT_MOST.value, Qualifier.AT_MOST.label
    MIXED = "mixed", "оценка: смешанная"


# One bit per non-exact kind; exact adds nothing. MIXED has its own bit so that rolling up
# stored totals (whose qualifier may already be mixed) stays mixed.
FLAG: dict[str, int] = {
    TotalQualifier.EXACT: 0,
    TotalQualifier.APPROXIMATELY: 1,
    TotalQualifier.AT_LEAST: 2,
    TotalQualifier.AT_MOST: 4,
    TotalQualifier.MIXED: 8,
}
_BY_SINGLE_FLAG = {flag: TotalQualifier(q) for q, flag in FLAG.items() if flag != FLAG["mixed"]}

# How a figure or total is marked in Russian text («почти 153 млн» → «≈ 153 000 000 ₽»);
# a no-break space keeps «≈» on the number's line and «не менее» in one piece (a line may
# break before its number, which keeps its own no-break spaces, so a narrow card fits it).
# A mixed total is an estimate: «≈», and the text after the number says which kind
# (`QUALIFIER_NOTE`).
QUALIFIER_MARK: dict[str, str] = {
    TotalQualifier.EXACT: "",
    TotalQualifier.APPROXIMATELY: "≈\u00a0",
    TotalQualifier.AT_LEAST: "не\u00a0менее ",
    TotalQualifier.AT_MOST: "не\u00a0более ",
    TotalQualifier.MIXED: "≈\u00a0",
}
# One line that explains a qualifier a reader cannot guess from the mark alone.
QUALIFIER_NOTE: dict[str, str] = {
    TotalQualifier.MIXED: (
        "оценка: смешанная — сумма сложена из оценок разного рода "
        "(приблизительных, нижних «не менее» и верхних «не более»)"
    ),
}


def flag(qualifier: str | None) -> int:
    """The bit flag of one qualifier (None and unknown values count as exact)."""
    return FLAG.get(qualifier or TotalQualifier.EXACT, 0)


def from_flags(flags: int | None) -> TotalQualifier:
    """The total's qualifier for the OR of its parts' flags."""
    return _BY_SINGLE_FLAG.get(flags or 0, TotalQualifier.MIXED)


def combine(qualifiers: Iterable[str | None]) -> TotalQualifier:
    """The qualifier of a sum whose parts carry `qualifiers` (empty: exact)."""
    flags = 0
    for qualifier in qualifiers:
        flags |= flag(qualifier)
    return from_flags(flags)


def mark(qualifier: str | None) -> str:
    """«≈ », «не менее », «не более » or nothing, to put before a number."""
    return QUALIFIER_MARK.get(qualifier or "", "")


def note(qualifier: str | None) -> str:
    """The one-line explanation of a qualifier, or "" when the mark says it all."""
    return QUALIFIER_NOTE.get(qualifier or "", "")


# --- SQL --------------------------------------------------------------------------------------


def flag_sql(column: str) -> str:
    """A SQL expression giving `column`'s bit flag (a qualifier column of lines or totals)."""
    cases = " ".join(f"WHEN '{q}' THEN {bit}" for q, bit in FLAG.items() if bit)
    return f"CASE {column} {cases} ELSE 0 END"


def flags_sql(column: str, *, vendor: str, where: str | None = None) -> str:
    """An aggregate: the OR of the flags of `column` over the group (rows matching `where`).

    NULL when no row matches. PostgreSQL has `bit_or`; elsewhere the OR is a sum of one
    `MAX` per bit, which is the same number.
    """
    expr = flag_sql(column)
    if vendor == "postgresql":
        return f"bit_or({expr}) FILTER (WHERE {where})" if where else f"bit_or({expr})"
    parts = []
    for bit in sorted({b for b in FLAG.values() if b}):
        values = ", ".join(f"'{q}'" for q, b in FLAG.items() if b == bit)
        hit = f"{column} IN ({values})"
        cond = f"({where}) AND {hit}" if where else hit
        none = f"WHEN ({where}) THEN 0 " if where else "ELSE 0 "
        parts.append(f"MAX(CASE WHEN {cond} THEN {bit} {none}END)")
    return " + ".join(parts)


def from_flags_sql(flags_expr: str) -> str:
    """A SQL expression naming the TotalQualifier of a flags value (NULL → exact)."""
    cases = " ".join(f"WHEN {bit} THEN '{q}'" for bit, q in _BY_SINGLE_FLAG.items() if bit)
    return (
        f"CASE COALESCE({flags_expr}, 0) WHEN 0 THEN '{TotalQualifier.EXACT}' {cases} "
        f"ELSE '{TotalQualifier.MIXED}' END"
    )


def combine_sql(column: str, *, vendor: str, where: str | None = None) -> str:
    """An aggregate giving the TotalQualifier of the group's `column` (rows matching `where`)."""
    return from_flags_sql(flags_sql(column, vendor=vendor, where=where))
