"""Which stored totals a set of funding lines feeds: the «scopes» a change must recompute.

A scope is one row of one totals table: a cluster (its total and its cluster×year rows); a
(region, industry, year) triple (industry None: not known); a (region, year), (federal
district, year) or (industry, year) pair; or a national year. `None` as a year is the «год не указан»
bucket. Scopes travel to Celery tasks as plain lists (`to_primitives`), never as objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

Year = int | None
Pair = tuple[int, Year]
Triple = tuple[int, int | None, Year]

# What a line contributes to: its own columns plus its cluster's industry and its region's
# federal district, read in one joined query.
TOUCH_FIELDS = (
    "cluster_id",
    "region_id",
    "fiscal_year",
    "cluster__industry_id",
    "region__federal_district_id",
)


@dataclass
class Scopes:
    """A set of total rows, by table. Empty sets mean «nothing to do» for that table."""

    cluster_ids: set[int] = field(default_factory=set)
    region_industry_years: set[Triple] = field(default_factory=set)
    region_years: set[Pair] = field(default_factory=set)
    district_years: set[Pair] = field(default_factory=set)
    industry_years: set[Pair] = field(default_factory=set)
    national_years: set[Year] = field(default_factory=set)
    # Regions whose counts of published clusters (clusters.ClusterCount) are rewritten.
    count_region_ids: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return any(
            (
                self.cluster_ids,
                self.region_industry_years,
                self.region_years,
                self.district_years,
                self.industry_years,
                self.national_years,
                self.count_region_ids,
            )
        )

    def __len__(self) -> int:
        return (
            len(self.cluster_ids)
            + len(self.region_industry_years)
            + len(self.region_years)
            + len(self.district_years)
            + len(self.industry_years)
            + len(self.national_years)
            + len(self.count_region_ids)
        )

    def update(self, other: Scopes) -> Scopes:
        self.cluster_ids |= other.cluster_ids
        self.region_industry_years |= other.region_industry_years
        self.region_years |= other.region_years
        self.district_years |= other.district_years
        self.industry_years |= other.industry_years
        self.national_years |= other.national_years
        self.count_region_ids |= other.count_region_ids
        return self

    def add_line(
        self,
        *,
        cluster_id: int | None,
        region_id: int | None,
        fiscal_year: Year,
        industry_id: int | None,
        federal_district_id: int | None,
    ) -> None:
        """Add every scope one line (as it is, or as it was) counts in."""
        if cluster_id is not None:
            self.cluster_ids.add(cluster_id)
            if region_id is not None:
                self.region_industry_years.add((region_id, industry_id, fiscal_year))
        if industry_id is not None:
            self.industry_years.add((industry_id, fiscal_year))
        if region_id is not None:
            self.region_years.add((region_id, fiscal_year))
        if federal_district_id is not None:
            self.district_years.add((federal_district_id, fiscal_year))
        self.national_years.add(fiscal_year)

    def to_primitives(self) -> dict[str, list[Any]]:
        """JSON-safe form for a task argument (sorted, so equal scopes give equal messages)."""

        def key(pair: Pair) -> tuple[int, int]:
            return (pair[0], -1 if pair[1] is None else pair[1])

        def key3(triple: Triple) -> tuple[int, int, int]:
            region, industry, year = triple
            return (region, -1 if industry is None else industry, -1 if year is None else year)

        return {
            "cluster_ids": sorted(self.cluster_ids),
            "region_industry_years": [
                list(t) for t in sorted(self.region_industry_years, key=key3)
            ],
            "region_years": [list(p) for p in sorted(self.region_years, key=key)],
            "district_years": [list(p) for p in sorted(self.district_years, key=key)],
            "industry_years": [list(p) for p in sorted(self.industry_years, key=key)],
            "national_years": sorted(self.national_years, key=lambda y: -1 if y is None else y),
            "count_region_ids": sorted(self.count_region_ids),
        }

    @classmethod
    def from_primitives(cls, data: dict[str, list[Any]]) -> Scopes:
        def pairs(name: str) -> set[Pair]:
            return {(int(a), None if b is None else int(b)) for a, b in data.get(name, [])}

        def optional(value: Any) -> int | None:
            return None if value is None else int(value)

        return cls(
            cluster_ids={int(pk) for pk in data.get("cluster_ids", [])},
            region_industry_years={
                (int(a), optional(b), optional(c))
                for a, b, c in data.get("region_industry_years", [])
            },
            region_years=pairs("region_years"),
            district_years=pairs("district_years"),
            industry_years=pairs("industry_years"),
            national_years={None if y is None else int(y) for y in data.get("national_years", [])},
            count_region_ids={int(pk) for pk in data.get("count_region_ids", [])},
        )


def scopes_from_touch_rows(rows: Iterable[dict[str, Any]]) -> Scopes:
    """Scopes of rows shaped like `FundingLine.objects.values(*TOUCH_FIELDS)`."""
    scopes = Scopes()
    for row in rows:
        scopes.add_line(
            cluster_id=row["cluster_id"],
            region_id=row["region_id"],
            fiscal_year=row["fiscal_year"],
            industry_id=row["cluster__industry_id"],
            federal_district_id=row["region__federal_district_id"],
        )
    return scopes


def scopes_of_lines(lines: QuerySet) -> Scopes:
    """Every scope the given lines count in, in one DISTINCT query (one row per scope combination)."""
    return scopes_from_touch_rows(lines.order_by().values(*TOUCH_FIELDS).distinct())
