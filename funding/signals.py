"""Schedule the recompute of funding totals whenever the lines they are made of change.

Covered: saving or deleting a FundingLine (admin, API, shell, fixtures excepted), deleting a
cluster (its lines cascade, each sends its delete signals), a cluster moving to another
region or industry or being published or withdrawn, a region moving to another federal district, and the bulk paths of
`FundingLineQuerySet` (`update`, `bulk_create`, `bulk_update`), which do not send model
signals and schedule for themselves. Raw SQL is not covered: the periodic reconcile is.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from clusters.models import Cluster
from funding.models import FundingLine
from funding.scopes import TOUCH_FIELDS, Scopes, scopes_from_touch_rows, scopes_of_lines
from funding.services import funding_totals_schedule
from regions.models import Region


def _scopes_in_db(line_pk: int | None) -> Scopes:
    if line_pk is None:
        return Scopes()
    return scopes_from_touch_rows(FundingLine.objects.filter(pk=line_pk).values(*TOUCH_FIELDS))


@receiver(pre_save, sender=FundingLine, dispatch_uid="funding_line_pre_save")
def line_remember_old_scopes(sender, instance: FundingLine, raw: bool, **kwargs) -> None:
    # Read from the database, not the instance: the row may have changed since it was loaded.
    if not raw:
        instance._funding_old_scopes = _scopes_in_db(instance.pk)


@receiver(post_save, sender=FundingLine, dispatch_uid="funding_line_post_save")
def line_schedule_after_save(sender, instance: FundingLine, raw: bool, **kwargs) -> None:
    if raw:  # fixtures: `seed` recomputes everything after loading
        return
    scopes = getattr(instance, "_funding_old_scopes", None) or Scopes()
    funding_totals_schedule(scopes=scopes.update(_scopes_in_db(instance.pk)))


@receiver(pre_delete, sender=FundingLine, dispatch_uid="funding_line_pre_delete")
def line_remember_scopes_before_delete(sender, instance: FundingLine, **kwargs) -> None:
    # Before the delete, while the line's cluster (its industry) is still in the database.
    instance._funding_old_scopes = _scopes_in_db(instance.pk)


@receiver(post_delete, sender=FundingLine, dispatch_uid="funding_line_post_delete")
def line_schedule_after_delete(sender, instance: FundingLine, **kwargs) -> None:
    funding_totals_schedule(scopes=getattr(instance, "_funding_old_scopes", Scopes()))


@receiver(pre_save, sender=Cluster, dispatch_uid="funding_cluster_pre_save")
def cluster_remember_placement(sender, instance: Cluster, raw: bool, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._funding_old_placement = (
        Cluster.objects.filter(pk=instance.pk)
        .values_list("region_id", "industry_id", "is_published")
        .first()
    )


@receiver(post_save, sender=Cluster, dispatch_uid="funding_cluster_post_save")
def cluster_follow_placement(sender, instance: Cluster, raw: bool, created: bool, **kwargs) -> None:
    """A cluster that moves takes its lines along: their region, and so every scope, changes.

    This writes (the lines' region) from a signal, which is usually avoided: `clusters`
    must not call into `funding`, and a line's region must stay its cluster's (see
    FundingLine.clean). The update goes through FundingLineQuerySet.update, which schedules
    the old and new region scopes itself.
    """
    old = getattr(instance, "_funding_old_placement", None)
    if raw or created or old is None:
        return
    old_region_id, old_industry_id, was_published = old
    lines = FundingLine.objects.filter(cluster_id=instance.pk)
    if old_region_id != instance.region_id:
        lines.exclude(region_id=instance.region_id).update(region_id=instance.region_id)
    if was_published != instance.is_published:
        # Public totals count only published clusters: publishing moves its money in or out.
        funding_totals_schedule(scopes=scopes_of_lines(lines))
    if old_industry_id != instance.industry_id:
        years = set(lines.values_list("fiscal_year", flat=True).distinct())
        scopes = scopes_of_lines(lines)
        scopes.industry_years |= {(old_industry_id, year) for year in years}
        funding_totals_schedule(scopes=scopes)


@receiver(post_delete, sender=Cluster, dispatch_uid="funding_cluster_post_delete")
def cluster_schedule_after_delete(sender, instance: Cluster, **kwargs) -> None:
    # The lines' own delete signals schedule their scopes; the cluster's row cascades away.
    funding_totals_schedule(scopes=Scopes(cluster_ids={instance.pk}))


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
