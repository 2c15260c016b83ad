"""Every write of funding lines, and how funding follows the writes of clusters.

Admin, API, imports and the press-release assistant call these; the rules live here once:

* `actor` must be allowed to edit the line's region (clusters/gate.py), before and after a
  change; `actor=None` is the system (seed, scripts);
* a line belongs to a cluster and takes its region, or — for money a source gives only
  jointly for several clusters — to a region alone; joint money is never split;
* each write schedules, after its transaction commits, one recompute of exactly the totals it
  touched (old and new scopes), batched per transaction (funding_totals_schedule).

Raw SQL and `QuerySet.update()` on lines schedule nothing: the periodic reconcile heals them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst

from clusters import review
from clusters.choices import ChangeKind
from clusters.models import Cluster
from clusters.services import ClusterPlacement, require_region
from funding.models import LINE_FIELDS, FundingLine, FundingLineCitation
from funding.scopes import TOUCH_FIELDS, Scopes, scopes_from_touch_rows, scopes_of_lines
from funding.services.scheduling import funding_totals_schedule

Actor = Any


def _stored_scopes(pks: Iterable[int]) -> Scopes:
    pks = list(pks)
    if not pks:
        return Scopes()
    return scopes_from_touch_rows(FundingLine.objects.filter(pk__in=pks).values(*TOUCH_FIELDS))


def _prepare(line: FundingLine) -> FundingLine:
    # A cluster's line takes its cluster's region when none is given (as the admin inline).
    if line.cluster_id and not line.region_id:
        line.region_id = line.cluster.region_id
    line.full_clean()
    return line


@transaction.atomic
def funding_line_create(
    *, actor: Actor, instance: FundingLine | None = None, **fields: Any
) -> FundingLine:
    """Record one money fact (`instance`: an unsaved line to fill, e.g. a form's).

    Effect: writes the line; schedules the recompute of the scopes it counts in.
    """
    line = instance or FundingLine()
    for name, value in fields.items():
        setattr(line, name, value)
    line = _prepare(line)
    require_region(actor, FundingLine, "add", line.region_id)
    if _review_needed(actor, line):
        line.pending_change = _propose(actor, ChangeKind.LINE_CREATE, line, None)
        return line
    line.save()
    _cites_its_source([line])
    funding_totals_schedule(scopes=_stored_scopes([line.pk]))
    return line


@transaction.atomic
def funding_line_update(*, actor: Actor, line: FundingLine, **fields: Any) -> FundingLine:
    """Correct a money fact, possibly moving it to another cluster, region or year.

    Effect: writes the line; schedules the recompute of the scopes it was in and is in.
    """
    # The stored line, read once: its region is checked, its scopes are recomputed too.
    stored = FundingLine.objects.select_related("cluster", "region").get(pk=line.pk)
    require_region(actor, FundingLine, "change", stored.region_id)
    before = Scopes()
    before.add_line(
        cluster_id=stored.cluster_id,
        region_id=stored.region_id,
        fiscal_year=stored.fiscal_year,
        industry_id=stored.cluster.industry_id if stored.cluster_id else None,
        federal_district_id=stored.region.federal_district_id if stored.region_id else None,
    )
    if "cluster" in fields and "region" not in fields and fields["cluster"] is not None:
        fields["region"] = fields["cluster"].region
    for name, value in fields.items():
        setattr(line, name, value)
    _prepare(line)
    moved = (line.cluster_id, line.region_id) != (stored.cluster_id, stored.region_id)
    if line.region_id != stored.region_id:
        require_region(actor, FundingLine, "change", line.region_id)
    if _review_needed(actor, stored) or (moved and _review_needed(actor, line)):
        proposed = stored
        proposed.pending_change = _propose(actor, ChangeKind.LINE_UPDATE, line, stored)
        return proposed
    line.save()
    _cites_its_source([line])
    funding_totals_schedule(scopes=before.update(_stored_scopes([line.pk])))
    return line


@transaction.atomic
def funding_line_delete(*, actor: Actor, line: FundingLine):
    """Delete a money fact. Effect: schedules the recompute of the scopes it counted in.
    Returns the PendingChange instead when the deletion waits for review."""
    require_region(actor, FundingLine, "delete", line.region_id)
    if _review_needed(actor, line):
        return _propose(actor, ChangeKind.LINE_DELETE, line, line)
    scopes = _stored_scopes([line.pk])
    line.delete()
    funding_totals_schedule(scopes=scopes)
    return None


@transaction.atomic
def funding_lines_bulk_create(*, actor: Actor, lines: list[dict[str, Any]]) -> list[FundingLine]:
    """Record many money facts at once (imports): all or none.

    Each line is validated like a single one (a ValidationError names its position); then one
    INSERT writes them all (with one history record each) and one recompute is scheduled
    for every scope they touch.
    """
    objects = []
    errors: dict[str, Any] = {}
    for index, fields in enumerate(lines):
        try:
            line = _prepare(FundingLine(**fields))
            require_region(actor, FundingLine, "add", line.region_id)
            objects.append(line)
        except ValidationError as exc:
            errors[f"строка {index + 1}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    public = [line for line in objects if _review_needed(actor, line)]
    for line in public:  # public money waits for review, one change per line
        line.pending_change = _propose(actor, ChangeKind.LINE_CREATE, line, None)
    objects = [line for line in objects if line not in public]
    created = FundingLine.objects.bulk_create(objects)
    # bulk_create sends no post_save: write each line's first history record here, so the
    # change log holds imported money too, with its author.
    FundingLine.history.bulk_history_create(
        created,
        default_user=actor if actor is not None and actor.is_authenticated else None,
        default_change_reason="импорт",
    )
    _cites_its_source(created)
    funding_totals_schedule(scopes=_stored_scopes(line.pk for line in created))
    return created


def _cites_its_source(lines: list[FundingLine]) -> None:
    """A line's own source is its first citation, holding the sum as that source gave it
    (further citations: funding/services/facts.py). Lines already citing it keep theirs."""
    cited = set(
        FundingLineCitation.objects.filter(line__in=[ln.pk for ln in lines]).values_list(
            "line_id", "source_id"
        )
    )
    FundingLineCitation.objects.bulk_create(
        [
            FundingLineCitation(
                line=line,
                source_id=line.source_id,
                amount_rub=line.amount_rub,
                qualifier=line.qualifier,
                fiscal_year=line.fiscal_year,
                quote=line.exact_wording,
            )
            for line in lines
            if (line.pk, line.source_id) not in cited
        ]
    )


# --- public money waits for review (clusters/review.py) --------------------------------------


def _review_needed(actor: Actor, line: FundingLine) -> bool:
    """A line of a published cluster, or a region's joint money, is public."""
    if line.cluster_id is None:
        return review.review_needed(actor, region_level=True)
    return review.review_needed(actor, cluster=line.cluster)


def _propose(actor: Actor, kind: str, line: FundingLine, stored: FundingLine | None):
    values = {name: getattr(line, name) for name in LINE_FIELDS}
    if stored is None:
        diff = [
            [
                capfirst(str(FundingLine._meta.get_field(n).verbose_name)),
                "—",
                review.shown(FundingLine, n, v),
            ]
            for n, v in values.items()
            if v not in (None, "")
        ]
    elif kind == ChangeKind.LINE_DELETE:
        diff = [["Удалить строку", str(stored), "—"]]
    else:
        diff = review.field_diff(stored, values)
    return review.change_propose(
        actor=actor,
        kind=kind,
        target=stored,
        target_model="funding.fundingline",
        target_name=str(stored or line),
        region_id=line.region_id,
        cluster=line.cluster,
        data={"fields": values},
        diff=diff,
        reason=getattr(line, "_change_reason", "") or "",
    )


def _apply_line(*, actor, change, reason):
    fields = {
        name: review.from_data(FundingLine, name, value)
        for name, value in change.data["fields"].items()
    }
    if change.kind == ChangeKind.LINE_CREATE:
        line = FundingLine(**fields)
        line._change_reason = reason
        funding_line_create(actor=actor, instance=line)
        return
    line = FundingLine.objects.get(pk=change.target_id)
    line._change_reason = reason
    if change.kind == ChangeKind.LINE_DELETE:
        funding_line_delete(actor=actor, line=line)
    else:
        funding_line_update(actor=actor, line=line, **fields)


for _kind in (ChangeKind.LINE_CREATE, ChangeKind.LINE_UPDATE, ChangeKind.LINE_DELETE):
    review.appliers[_kind] = _apply_line


def cluster_follow(event: str, cluster: Cluster, before: ClusterPlacement | None) -> None:
    """Keep funding in step with a cluster write (registered in funding.apps).

    created: the cluster gets its (empty) total row. updated: a moved cluster takes its
    lines to the new region; a move, a publication or a withdrawal schedules the totals the
    lines counted in before and count in now. deleting: schedules the totals its lines
    counted in, before they cascade away. Each also schedules the counts of clusters
    (clusters.ClusterCount) of the regions it was and is in, when what they count changed.
    """
    lines = FundingLine.objects.filter(cluster_id=cluster.pk)
    counted = Scopes(count_region_ids={cluster.region_id})
    if event == "created":
        funding_totals_schedule(scopes=Scopes(cluster_ids={cluster.pk}).update(counted))
        return
    if event == "deleting":
        scopes = scopes_of_lines(lines)
        scopes.cluster_ids.add(cluster.pk)
        funding_totals_schedule(scopes=scopes.update(counted))
        return
    if before is None or before == ClusterPlacement.of(cluster):
        return
    counted.count_region_ids.add(before.region_id)
    if not before.funding_differs(ClusterPlacement.of(cluster)):
        funding_totals_schedule(scopes=counted)
        return
    scopes = scopes_of_lines(lines)  # as they are: old region, but already the new industry
    if before.industry_id != cluster.industry_id:
        # The lines read above already carry the new industry (through their cluster).
        years = {year for _region, year in scopes.region_years}
        scopes.industry_years |= {(before.industry_id, year) for year in years}
        scopes.region_industry_years |= {
            (region, before.industry_id, year) for region, year in scopes.region_years
        }
    if before.region_id != cluster.region_id:
        lines.update(region_id=cluster.region_id)
        scopes.update(scopes_of_lines(lines))
    funding_totals_schedule(scopes=scopes.update(counted))
