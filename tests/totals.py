"""Fill the stored funding totals for page tests.

Uses `funding.services.funding_totals_recompute_all` once it exists; until the totals
branch is merged, a minimal stand-in writes the same tables so the pages have something
to read. The stand-in is test-only and goes away with the merge.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone


def recompute_totals() -> None:
    try:
        from funding.services import funding_totals_recompute_all
    except ImportError:
        _stand_in()
    else:
        funding_totals_recompute_all()


def _stand_in() -> None:  # pragma: no cover - removed once the real service is merged
    from clusters.choices import Qualifier
    from funding.charts import weakest
    from funding.models import (
        ClusterFundingTotal,
        FederalDistrictFundingTotal,
        FundingLine,
        IndustryFundingTotal,
        NationalFundingTotal,
        RegionFundingTotal,
    )

    scopes: dict[tuple, list] = defaultdict(list)
    for line in FundingLine.objects.select_related("cluster", "region"):
        year = line.fiscal_year
        scopes[("national", None, year)].append(line)
        scopes[("region", line.region_id, year)].append(line)
        if line.region.federal_district_id:
            scopes[("district", line.region.federal_district_id, year)].append(line)
        if line.cluster_id:
            scopes[("cluster", line.cluster_id, None)].append(line)
            scopes[("industry", line.cluster.industry_id, year)].append(line)
    for model in (
        ClusterFundingTotal,
        NationalFundingTotal,
        RegionFundingTotal,
        FederalDistrictFundingTotal,
        IndustryFundingTotal,
    ):
        model.objects.all().delete()
    now = timezone.now()
    for (kind, key, year), lines in scopes.items():
        values = {"computed_at": now, "line_count": len(lines)}
        for source in ("federal", "regional", "employer", "extrabudgetary"):
            mine = [ln for ln in lines if ln.funding_source == source]
            values[f"{source}_rub"] = sum((ln.amount_rub for ln in mine), Decimal(0))
            values[f"{source}_qualifier"] = weakest(ln.qualifier for ln in mine)
        values["total_rub"] = sum((ln.amount_rub for ln in lines), Decimal(0))
        values["qualifier"] = weakest([ln.qualifier for ln in lines] or [Qualifier.EXACT])
        if kind == "cluster":
            ClusterFundingTotal.objects.create(cluster_id=key, **values)
        elif kind == "national":
            NationalFundingTotal.objects.create(fiscal_year=year, **values)
        elif kind == "region":
            RegionFundingTotal.objects.create(region_id=key, fiscal_year=year, **values)
        elif kind == "district":
            FederalDistrictFundingTotal.objects.create(
                federal_district_id=key, fiscal_year=year, **values
            )
        else:
            IndustryFundingTotal.objects.create(industry_id=key, fiscal_year=year, **values)
