"""The one rule for how qualifiers combine in a total, in Python and in SQL alike."""

from itertools import combinations_with_replacement

import pytest
from django.db import connection

from common.qualifiers import (
    QUALIFIER_MARK,
    Qualifier,
    TotalQualifier,
    combine,
    combine_sql,
    mark,
    note,
)

E, A, L, M = (
    Qualifier.EXACT,
    Qualifier.APPROXIMATELY,
    Qualifier.AT_LEAST,
    Qualifier.AT_MOST,
)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], TotalQualifier.EXACT),
        ([E, E], TotalQualifier.EXACT),
        ([E, A], TotalQualifier.APPROXIMATELY),
        ([E, L, L], TotalQualifier.AT_LEAST),
        ([M, E], TotalQualifier.AT_MOST),
        ([A, L], TotalQualifier.MIXED),
        ([L, M], TotalQualifier.MIXED),
        ([A, M, E], TotalQualifier.MIXED),
        ([TotalQualifier.MIXED, E], TotalQualifier.MIXED),
        ([TotalQualifier.APPROXIMATELY, A], TotalQualifier.APPROXIMATELY),
    ],
)
def test_a_total_says_exactly_what_its_parts_allow(parts, expected):
    assert combine(parts) == expected


def test_every_qualifier_has_a_mark_and_mixed_explains_itself():
    assert set(QUALIFIER_MARK) == set(TotalQualifier.values)
    assert mark(Qualifier.AT_MOST) == "не\u00a0более "  # never «не / более» across lines
    assert mark(Qualifier.EXACT) == "" and note(Qualifier.EXACT) == ""
    assert "смешанная" in note(TotalQualifier.MIXED)


def test_line_qualifiers_are_total_qualifiers_too():
    assert set(Qualifier.values) < set(TotalQualifier.values)


@pytest.mark.django_db
@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_sql_combines_like_python(vendor):
    if vendor == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("bit_or needs PostgreSQL")
    values = [*TotalQualifier.values]
    cases = [combo for n in (1, 2, 3) for combo in combinations_with_replacement(values, n)]
    with connection.cursor() as cursor:
        for combo in cases:
            rows = " UNION ALL ".join(["SELECT %s AS q, 'x' AS s"] * len(combo))
            overall_sql = combine_sql("t.q", vendor=vendor)
            filtered_sql = combine_sql("t.q", vendor=vendor, where="t.s = 'none'")
            sql = f"SELECT {overall_sql}, {filtered_sql} FROM ({rows}) t"
            cursor.execute(sql, list(combo))
            overall, filtered = cursor.fetchone()
            assert (overall, combo) == (combine(combo), combo)
            assert filtered == TotalQualifier.EXACT  # no row matches: nothing but exact
