"""One record per real organisation and cluster: possible duplicates for staff, merging two
records into one, and undoing a merge.

* `match_proposal_record` notes that a new record may be an existing one (the matcher was not
  sure): staff merge them or mark them distinct — nothing is merged silently;
* `records_merge` merges one college, employer or cluster into another: memberships,
  partnerships, figures, money and citations follow; a fact only the merged one had fills
  the kept one; two memberships of one organisation in one cluster become one citing both
  sources. Everything it does is recorded in a `Merge`, so `merge_revert` puts it back.

The core (`MergeRun`) works on the model classes it is given, so the data migration that
merges the duplicates already stored runs the very same code on its historical models.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from clusters.choices import CollegeRole, MatchState, MergeModel

Actor = Any

# Apps that keep rows hanging on a cluster (funding: its lines) move them on a cluster merge
# through this: follower(run, kept, merged). Registered in their AppConfig.ready().
cluster_merge_followers: list[Callable[[MergeRun, Any, Any], None]] = []


@dataclass
class Models:
    """The model classes a merge works on: the registry's own, or a migration's."""

    College: Any
    Employer: Any
    Cluster: Any
    ClusterCollege: Any
    ClusterEmployer: Any
    ReportedFigure: Any
    Citation: Any
    FactConflict: Any
    MatchProposal: Any
    Merge: Any
    FundingLine: Any = None
    FundingLineCitation: Any = None

    @classmethod
    def current(cls) -> Models:
        """Today's models, found by name as a migration finds its own: funding sits above
        clusters, so clusters/ never imports it (its lines follow a merge through
        `cluster_merge_followers`)."""
        from django.apps import apps

        return cls.from_apps(apps)

    @classmethod
    def from_apps(cls, apps) -> Models:
        names = [f for f in cls.__dataclass_fields__]
        found = {}
        for name in names:
            app = "funding" if name.startswith("Funding") else "clusters"
            found[name] = apps.get_model(app, name)
        return cls(**found)


def _label(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


class MergeRun:
    """One merge as it happens: every change it makes, recorded in order to be undone."""

    def __init__(self, models: Models) -> None:
        self.m = models
        self.steps: list[list] = []

    # --- recorded changes ----------------------------------------------------------------

    def set(self, obj, **values) -> None:
        """Change fields of `obj` (attnames), recording the values they had."""
        for attname, value in values.items():
            field = next(f for f in obj._meta.concrete_fields if f.attname == attname)
            old = field.value_from_object(obj)
            self.steps.append(["set", _label(obj), obj.pk, attname, _json(old)])
            setattr(obj, attname, value)
        obj.save()

    def delete(self, obj) -> None:
        """Delete `obj`, recording it whole (rows that cascade from it must be deleted first)."""
        self.steps.append(["delete", _label(obj), obj.pk, serializers.serialize("json", [obj])])
        obj.delete()

    def m2m_add(self, obj, name: str, ids: list[int]) -> None:
        have = set(getattr(obj, name).values_list("pk", flat=True))
        new = [pk for pk in ids if pk not in have]
        if new:
            getattr(obj, name).add(*new)
            self.steps.append(["m2m_add", _label(obj), obj.pk, name, new])

    # --- what follows a merge ------------------------------------------------------------

    def join_citations(self, rows, *, field: str, into) -> None:
        """Citations of `rows` go to `into` unless `into` already cites the same source; the
        rest are deleted (recorded) so the rows can go."""
        cited = set(
            self.m.Citation.objects.filter(**{field: into}).values_list("source_id", flat=True)
        )
        for citation in self.m.Citation.objects.filter(**{f"{field}__in": rows}).order_by("pk"):
            if citation.source_id in cited:
                self.delete(citation)
            else:
                cited.add(citation.source_id)
                self.set(citation, **{f"{field}_id": into.pk})

    def members(self, model, owner_field: str, kept, merged, *, same_row) -> None:
        """Rows of `model` pointing at `merged` through `owner_field` point at `kept`; a row
        that `kept` already has (`same_row` finds it) is one row citing both sources."""
        for row in model.objects.filter(**{owner_field: merged}).order_by("pk"):
            twin = same_row(row)
            if twin is None:
                self.set(row, **{f"{owner_field}_id": kept.pk})
                continue
            field = {
                "clustercollege": "cluster_college",
                "clusteremployer": "cluster_employer",
                "reportedfigure": "figure",
            }[row._meta.model_name]
            self.join_citations([row], field=field, into=twin)
            base_moves = (
                row._meta.model_name == "clustercollege"
                and row.role == CollegeRole.BASE
                and twin.role != CollegeRole.BASE
            )
            self.delete(row)
            if base_moves:
                self.set(twin, role=CollegeRole.BASE)

    def fill(self, kept, merged, fields: list[str]) -> list[str]:
        """Fields only `merged` has fill `kept`; returns those where both differ."""
        values, differ = {}, []
        for name in fields:
            field = kept._meta.get_field(name)
            mine, theirs = field.value_from_object(kept), field.value_from_object(merged)
            if theirs in (None, "") or mine == theirs:
                continue
            if mine in (None, ""):
                values[field.attname] = theirs
            else:
                differ.append(name)
        if values:
            self.set(kept, **values)
        return differ


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# --- organisations and clusters ----------------------------------------------------------------


def _merge_college(run: MergeRun, kept, merged) -> None:
    m = run.m
    run.members(
        m.ClusterCollege,
        "college",
        kept,
        merged,
        same_row=lambda row: m.ClusterCollege.objects.filter(
            cluster_id=row.cluster_id, college=kept
        ).first(),
    )
    aliases = _aliases(kept, [merged.full_name, merged.short_name, *(merged.aliases or [])])
    run.delete(merged)
    run.fill(kept, merged, ["short_name", "town", "website", "inn", "ogrn"])
    if aliases != (kept.aliases or []):
        run.set(kept, aliases=aliases)


def _merge_employer(run: MergeRun, kept, merged) -> None:
    m = run.m
    run.members(
        m.ClusterEmployer,
        "employer",
        kept,
        merged,
        same_row=lambda row: m.ClusterEmployer.objects.filter(
            cluster_id=row.cluster_id, employer=kept
        ).first(),
    )
    aliases = _aliases(kept, [merged.name, *(merged.aliases or [])])
    run.delete(merged)
    run.fill(kept, merged, ["inn", "ogrn", "website", "region", "industry"])
    if aliases != (kept.aliases or []):
        run.set(kept, aliases=aliases)


CLUSTER_FACT_FIELDS = [
    "kind",
    "industry",
    "selection_year",
    "launch_year",
    "management_board",
    "description",
    "website",
]


def _merge_cluster(run: MergeRun, kept, merged) -> list[str]:
    m = run.m
    kept_base = m.ClusterCollege.objects.filter(cluster=kept, role=CollegeRole.BASE).first()
    merged_base = m.ClusterCollege.objects.filter(cluster=merged, role=CollegeRole.BASE).first()
    if kept_base and merged_base and kept_base.college_id != merged_base.college_id:
        raise ValidationError(
            "У кластеров разные базовые организации: это разные кластеры, или сначала "
            "исправьте базовую организацию одного из них."
        )
    run.members(
        m.ClusterCollege,
        "cluster",
        kept,
        merged,
        same_row=lambda row: m.ClusterCollege.objects.filter(
            cluster=kept, college_id=row.college_id
        ).first(),
    )
    run.members(
        m.ClusterEmployer,
        "cluster",
        kept,
        merged,
        same_row=lambda row: m.ClusterEmployer.objects.filter(
            cluster=kept, employer_id=row.employer_id
        ).first(),
    )
    run.members(
        m.ReportedFigure,
        "cluster",
        kept,
        merged,
        same_row=lambda row: m.ReportedFigure.objects.filter(
            cluster=kept, kind=row.kind, value=row.value, qualifier=row.qualifier
        ).first(),
    )
    # Citations of the cluster's own fields, and those of rows that moved with it.
    for citation in m.Citation.objects.filter(cluster=merged).order_by("pk"):
        duplicate = (
            citation.cluster_college_id is None
            and citation.cluster_employer_id is None
            and citation.figure_id is None
            and m.Citation.objects.filter(
                cluster=kept,
                fact=citation.fact,
                source_id=citation.source_id,
                value=citation.value,
                cluster_college__isnull=True,
                cluster_employer__isnull=True,
                figure__isnull=True,
            ).exists()
        )
        if duplicate:
            run.delete(citation)
        else:
            run.set(citation, cluster_id=kept.pk)
    for conflict in m.FactConflict.objects.filter(cluster=merged).order_by("pk"):
        values = {"cluster_id": kept.pk}
        if conflict.target_model == "clusters.cluster" and conflict.target_id == merged.pk:
            values["target_id"] = kept.pk
        run.set(conflict, **values)
    run.m2m_add(kept, "sources", list(merged.sources.values_list("pk", flat=True)))
    run.m2m_add(kept, "programmes", list(merged.programmes.values_list("pk", flat=True)))
    for follower in cluster_merge_followers:
        follower(run, kept, merged)
    differ = run.fill(kept, merged, CLUSTER_FACT_FIELDS)
    # The merged cluster's own total row and links go with it; record the links first.
    run.delete(merged)
    return differ


def _aliases(kept, names: list[str]) -> list[str]:
    from clusters.matching import parse_name

    aliases = list(kept.aliases or [])
    own = {
        parse_name(n).key
        for n in [
            *(aliases),
            getattr(kept, "full_name", ""),
            getattr(kept, "short_name", ""),
            getattr(kept, "name", ""),
        ]
        if n
    }
    for name in names:
        if name and parse_name(name).key not in own:
            aliases.append(name)
            own.add(parse_name(name).key)
    return aliases


MERGERS = {
    MergeModel.COLLEGE: _merge_college,
    MergeModel.EMPLOYER: _merge_employer,
    MergeModel.CLUSTER: _merge_cluster,
}


def model_kind(obj) -> str:
    return {
        "college": MergeModel.COLLEGE,
        "employer": MergeModel.EMPLOYER,
        "cluster": MergeModel.CLUSTER,
    }[obj._meta.model_name]


def merge_run(models: Models, *, kept, merged, actor_id=None, reason: str = "") -> Any:
    """Merge `merged` into `kept` with the given model classes; returns the `Merge` record.
    No gate and no history of its own: `records_merge` (staff) and the data migration call it."""
    if kept.pk == merged.pk or type(kept) is not type(merged):
        raise ValidationError("Объединить можно две разные записи одного вида.")
    kind = model_kind(kept)
    name_of = (lambda o: o.full_name) if kind == MergeModel.COLLEGE else (lambda o: o.name)
    snapshot = json.loads(serializers.serialize("json", [merged]))[0]
    run = MergeRun(models)
    merged_name, kept_name = name_of(merged), name_of(kept)
    region_id = getattr(kept, "region_id", None) or getattr(merged, "region_id", None)
    merged_pk = merged.pk
    MERGERS[kind](run, kept, merged)
    models.MatchProposal.objects.filter(
        model=kind, record_id__in=[kept.pk, merged_pk], other_id__in=[kept.pk, merged_pk]
    ).update(state=MatchState.MERGED, decided_by_id=actor_id, decided_at=timezone.now())
    return models.Merge.objects.create(
        model=kind,
        kept_id=kept.pk,
        merged_id=merged_pk,
        kept_name=kept_name[:500],
        merged_name=merged_name[:500],
        region_id=region_id,
        snapshot=snapshot,
        moved=run.steps,
        reason=reason,
        actor_id=actor_id,
    )


# --- services for staff ---------------------------------------------------------------------


def _require(actor: Actor, obj, action: str) -> None:
    from clusters.services import require_region

    require_region(actor, type(obj), action, getattr(obj, "region_id", None))


@transaction.atomic
def records_merge(*, actor: Actor, kept, merged, reason: str = ""):
    """Merge two records that are one real organisation or cluster (the admin's action).

    Requires the right to change `kept` and delete `merged` in their subjects. Effect: rows
    move (with history), the merged record is deleted, a `Merge` records how to undo it, and
    the funding totals of a merged cluster's money are recomputed after the commit.
    """
    from clusters.models import Cluster

    _require(actor, kept, "change")
    _require(actor, merged, "delete")
    if isinstance(kept, Cluster) and merged.is_published and not kept.is_published:
        from clusters import gate

        if actor is not None and not gate.can_publish(actor):
            raise PermissionDenied(
                "Присоединить опубликованный кластер к черновику может только федеральный редактор."
            )
    for obj in (kept, merged):
        obj._change_reason = f"объединение: {reason}" if reason else "объединение записей"
    return merge_run(
        Models.current(),
        kept=kept,
        merged=merged,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        reason=reason,
    )


@transaction.atomic
def merge_revert(*, actor: Actor, merge) -> Any:
    """Undo a merge: the merged record comes back with its rows, the kept one loses what it
    took. Refused if it was undone already. Effect: rows written back (with history)."""
    from django.apps import apps

    merge = type(merge).objects.select_for_update().get(pk=merge.pk)
    if merge.reverted_at is not None:
        raise ValidationError("Это объединение уже отменено.")
    kept_model = {
        MergeModel.COLLEGE: "clusters.college",
        MergeModel.EMPLOYER: "clusters.employer",
        MergeModel.CLUSTER: "clusters.cluster",
    }[merge.model]
    kept = apps.get_model(kept_model).objects.filter(pk=merge.kept_id).first()
    if kept is not None:
        _require(actor, kept, "change")
    for step in reversed(merge.moved):
        action, label, pk = step[0], step[1], step[2]
        model = apps.get_model(label)
        if action == "set":
            obj = model._base_manager.filter(pk=pk).first()
            if obj is None:
                continue
            field = next(f for f in obj._meta.concrete_fields if f.attname == step[3])
            setattr(obj, step[3], field.to_python(step[4]) if step[4] is not None else None)
            obj._change_reason = "отмена объединения"
            obj.save()
        elif action == "delete":
            for restored in serializers.deserialize("json", step[3]):
                restored.save()  # raw, with its many-to-many links
                history = getattr(type(restored.object), "history", None)
                if history is not None:
                    history.bulk_history_create(
                        [restored.object],
                        default_change_reason="отмена объединения",
                        default_user=actor
                        if actor is not None and actor.is_authenticated
                        else None,
                    )
        elif action == "m2m_add":
            obj = model._base_manager.filter(pk=pk).first()
            if obj is not None:
                getattr(obj, step[3]).remove(*step[4])
    merge.reverted_at = timezone.now()
    merge.reverted_by = actor if actor is not None and actor.is_authenticated else None
    merge.save(update_fields=["reverted_at", "reverted_by", "updated_at"])
    for follower in cluster_revert_followers:
        follower(merge)
    return merge


# After a cluster merge is undone, funding recomputes the totals of both clusters.
cluster_revert_followers: list[Callable[[Any], None]] = []


@transaction.atomic
def match_proposal_record(*, model: str, record, candidates) -> list:
    """Note that `record` may be one of `candidates` (pairs of (pk, name, score, reason)) for
    staff to decide; a pair already noted (either way round) is not noted again."""
    from clusters.models import MatchProposal

    written = []
    for pk, name, score, reason in candidates:
        pair = {record.pk, pk}
        if MatchProposal.objects.filter(
            model=model, record_id__in=pair, other_id__in=pair
        ).exists():
            continue
        written.append(
            MatchProposal.objects.create(
                model=model,
                record_id=record.pk,
                other_id=pk,
                record_name=str(record)[:500],
                other_name=name[:500],
                region_id=getattr(record, "region_id", None),
                score=score,
                reason=reason,
            )
        )
    return written


@transaction.atomic
def match_proposal_decide(*, actor: Actor, proposal, state: str, reason: str = ""):
    """Decide a possible duplicate: merge the two records (the older one is kept) or mark
    them distinct. Effect: `records_merge` or the proposal's state."""
    from django.apps import apps

    proposal = type(proposal).objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != MatchState.OPEN:
        raise ValidationError("Это предложение уже решено.")
    model = apps.get_model("clusters", proposal.model)
    records = {
        r.pk: r for r in model.objects.filter(pk__in=[proposal.record_id, proposal.other_id])
    }
    if len(records) != 2:
        raise ValidationError("Одной из записей уже нет.")
    if state == MatchState.MERGED:
        kept, merged = records[min(records)], records[max(records)]
        records_merge(actor=actor, kept=kept, merged=merged, reason=reason)
        proposal.refresh_from_db()
        return proposal
    if state != MatchState.DISTINCT:
        raise ValidationError({"state": "Выберите решение."})
    for record in records.values():
        _require(actor, record, "change")
    proposal.state = MatchState.DISTINCT
    proposal.decided_by = actor if actor is not None and actor.is_authenticated else None
    proposal.decided_at = timezone.now()
    proposal.save()
    return proposal
