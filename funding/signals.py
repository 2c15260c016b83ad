"""The one side effect funding takes from a model signal: a region moving to another federal
district changes the district totals its lines count in.

Regions are reference data edited in the admin without a service of their own, and `regions`
may not import `funding`; this receiver only schedules a recompute (it writes nothing).
Funding lines and clusters are written through their services (funding/services/lines.py,
clusters/services.py), which schedule explicitly.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from funding.models import FundingLine
from funding.scopes import scopes_of_lines
from funding.services import funding_totals_schedule
from regions.models import Region


@receiver(pre_save, sender=Region, dispatch_uid="funding_region_pre_save")
def region_remember_district(sender, instance: Region, raw: bool, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._funding_old_district = (
        Region.objects.filter(pk=instance.pk).values_list("federal_district_id", flat=True).first()
    )


@receiver(post_save, sender=Region, dispatch_uid="funding_region_post_save")
def region_schedule_after_district_change(
    sender, instance: Region, raw: bool, created: bool, **kwargs
) -> None:
    old_district_id = getattr(instance, "_funding_old_district", None)
    if raw or created or old_district_id == instance.federal_district_id:
        return
    lines = FundingLine.objects.filter(region_id=instance.pk)
    scopes = scopes_of_lines(lines)
    if old_district_id is not None:
        years = set(lines.values_list("fiscal_year", flat=True).distinct())
        scopes.district_years |= {(old_district_id, year) for year in years}
    funding_totals_schedule(scopes=scopes)
