"""Every write of clusters and what hangs on them: memberships, partnerships, figures, colleges,
employers and sources. Admin, API, imports and the press-release assistant call these; the
business rules live here once:

* who may write what is the gate (clusters/gate.py): `actor` must be allowed to edit the row's
  region (before and after a move) with the model's add/change/delete permission; `actor=None`
  is the system (seed, scripts) and may do anything;
* a cluster is created unpublished; only a user with `clusters.publish_cluster` publishes or
  withdraws it, and only when it has exactly one base college and cites a source; a
  published cluster keeps exactly one base college;
* regional editors submit clusters for review; federal editors publish or return them.

Apps that keep data derived from a cluster (funding: the lines' region and the totals) follow
its writes through `cluster_followers`: clusters may not import them (apps depend one way), so
they register a callable in their AppConfig.ready(), and every service below calls it inside
its transaction. Raises PermissionDenied or ValidationError; never returns error codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from clusters import gate, review
from clusters.choices import ChangeKind, CollegeRole, FactKind, ReviewState
from clusters.models import (
    Citation,
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    ReportedFigure,
    Source,
)
from common.access import holds

Actor = Any  # a user, or None for the system


@dataclass(frozen=True)
class ClusterPlacement:
    """What other apps' derived data depends on: where a cluster is, whether it is public, and
    what it is counted by (kind and selection year: the counts of clusters, ClusterCount)."""

    region_id: int
    industry_id: int | None
    is_published: bool
    kind: str = ""
    selection_year: int | None = None

    FIELDS = ("region_id", "industry_id", "is_published", "kind", "selection_year")

    @classmethod
    def of(cls, cluster: Cluster) -> ClusterPlacement:
        return cls(*(getattr(cluster, name) for name in cls.FIELDS))

    @classmethod
    def stored(cls, pk: int) -> ClusterPlacement:
        """As the database has it now (the instance in hand may already be edited)."""
        return cls(*Cluster.objects.filter(pk=pk).values_list(*cls.FIELDS).get())

    def funding_differs(self, other: ClusterPlacement) -> bool:
        """Whether the funding totals the cluster's lines count in differ (region, industry,
        publication); kind and selection year count only in the counts of clusters."""
        return (self.region_id, self.industry_id, self.is_published) != (
            other.region_id,
            other.industry_id,
            other.is_published,
        )


# Called as follower(event, cluster, before) with event "created", "updated" or "deleting";
# `before` is the stored placement before an update (None otherwise).
ClusterFollower = Callable[[str, Cluster, ClusterPlacement | None], None]
cluster_followers: list[ClusterFollower] = []


def _notify(event: str, cluster: Cluster, before: ClusterPlacement | None = None) -> None:
    for follower in cluster_followers:
        follower(event, cluster, before)


# --- permissions ----------------------------------------------------------------------------


def _perm(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def require_region(actor: Actor, model: type[models.Model], action: str, region_id) -> None:
    """Refuse unless `actor` may `action` rows of `model` in region `region_id`."""
    if actor is None:
        return
    regions = gate.editable_region_ids(actor, _perm(model, action))
    if regions is None or region_id in regions:
        return
    raise PermissionDenied(gate.REFUSED)


def _require_publisher(actor: Actor) -> None:
    if actor is not None and not gate.can_publish(actor):
        raise PermissionDenied(
            "Публиковать и снимать с публикации может только федеральный редактор; "
            "отправьте кластер на проверку."
        )


def _clean_and_save(instance: models.Model) -> models.Model:
    instance.full_clean()
    instance.save()
    return instance


def _set_m2m(instance: models.Model, m2m: dict[str, Iterable | None]) -> None:
    for name, values in m2m.items():
        if values is not None:
            getattr(instance, name).set(values)


def _assign(instance: models.Model, fields: dict[str, Any], forbidden: Iterable[str]) -> None:
    for name in forbidden:
        if name in fields:
            raise ValidationError({name: "Это поле меняется только отдельной операцией."})
    for name, value in fields.items():
        setattr(instance, name, value)


WORKFLOW_FIELDS = ("is_published", "review_state", "review_comment")


# --- clusters -------------------------------------------------------------------------------


@transaction.atomic
def cluster_create(
    *,
    actor: Actor,
    instance: Cluster | None = None,
    programmes: Iterable | None = None,
    sources: Iterable | None = None,
    **fields: Any,
) -> Cluster:
    """Create an unpublished cluster (a draft) in a region `actor` may edit.

    `instance` is an unsaved cluster to fill and save (a form's), else a new one is made.
    Effect: writes the cluster and its programmes/sources links; followers schedule its
    (empty) funding total. Publishing is `cluster_publish`.
    """
    cluster = instance if instance is not None else Cluster()
    if cluster.is_published:
        raise ValidationError("Новый кластер создаётся черновиком; публикуют его отдельно.")
    _assign(cluster, fields, WORKFLOW_FIELDS)
    require_region(actor, Cluster, "add", cluster.region_id)
    _clean_and_save(cluster)
    _set_m2m(cluster, {"programmes": programmes, "sources": sources})
    _notify("created", cluster)
    return cluster


@transaction.atomic
def cluster_update(
    *,
    actor: Actor,
    cluster: Cluster,
    programmes: Iterable | None = None,
    sources: Iterable | None = None,
    **fields: Any,
) -> Cluster:
    """Change a cluster's fields, including a move to another region or industry.

    Both the old and the new region must be editable by `actor`. Effect: writes the cluster;
    followers move its funding lines to the new region and schedule the touched totals.
    """
    before = ClusterPlacement.stored(cluster.pk)
    require_region(actor, Cluster, "change", before.region_id)
    _assign(cluster, fields, WORKFLOW_FIELDS)
    if cluster.region_id != before.region_id:
        require_region(actor, Cluster, "change", cluster.region_id)
    if review.review_needed(actor, cluster=cluster):
        # Public data: checked now, written when a federal editor approves (clusters/review.py).
        cluster.full_clean()
        m2m = {
            k: v for k, v in {"programmes": programmes, "sources": sources}.items() if v is not None
        }
        return review.propose_update(
            actor=actor,
            instance=cluster,
            kind=ChangeKind.CLUSTER,
            fields={**{name: getattr(cluster, name) for name in fields}, **m2m},
            cluster=cluster,
            region_id=before.region_id,
        )
    _clean_and_save(cluster)
    _set_m2m(cluster, {"programmes": programmes, "sources": sources})
    _notify("updated", cluster, before)
    return cluster


PUBLISHED_NEEDS_ONE_BASE = "У опубликованного кластера должна быть ровно одна базовая организация."


def base_college_problem(*, bases: int, is_published: bool) -> str | None:
    """The base-college rule, for this module and for forms that check it before saving:
    at most one base college, and exactly one once the cluster is published."""
    if bases > 1:
        return "У кластера может быть только одна базовая организация."
    if is_published and bases != 1:
        return PUBLISHED_NEEDS_ONE_BASE
    return None


def _only_implied(citations) -> bool:
    """A fact every citation of which only implies it (none: staff entered it — stated)."""
    return citations.exists() and not citations.filter(is_implied=False).exists()


def cluster_publication_problems(cluster: Cluster) -> list[str]:
    """Why `cluster` cannot be published (empty: it can)."""
    problems = []
    bases = ClusterCollege.objects.filter(cluster=cluster, role=CollegeRole.BASE)
    if base_college_problem(bases=bases.count(), is_published=True):
        problems.append(PUBLISHED_NEEDS_ONE_BASE)
    elif _only_implied(Citation.objects.filter(cluster_college__in=bases)):
        problems.append(
            "Базовую организацию источники только подразумевают: подтвердите её источником, "
            "который называет её прямо."
        )
    if not cluster.sources.exists():
        problems.append("Опубликовать можно только кластер, у которого указан источник.")
    return problems


# A review step as its history record names it (the record's reason, with the comment).
REASON_LENGTH = 100  # simple_history's history_change_reason column
REVIEW_EVENTS = {
    "submit": "Отправлен на проверку",
    "publish": "Опубликован",
    "withdraw": "Снят с публикации",
    "return": "Возвращён на доработку",
}


def _set_state(
    cluster: Cluster, state: str, *, actor: Actor, event: str, comment: str = ""
) -> None:
    """Write a review step: the state, the comment a return needs, and a history record
    saying what happened, who did it and why (`history/changes.py` shows it as an event)."""
    cluster.review_state = state
    cluster.is_published = state == ReviewState.PUBLISHED
    cluster.review_comment = comment if state == ReviewState.RETURNED else ""
    cluster.full_clean()
    reason = REVIEW_EVENTS[event]
    reason = f"{reason}: {comment}" if comment else reason
    # The history's reason holds 100 characters; a longer comment ends with «…» there (a
    # return's comment is kept whole in review_comment).
    cluster._change_reason = (
        reason if len(reason) <= REASON_LENGTH else f"{reason[: REASON_LENGTH - 1]}…"
    )
    if getattr(actor, "is_authenticated", False):
        cluster._history_user = actor
    cluster.save(update_fields=["review_state", "is_published", "review_comment", "updated_at"])


@transaction.atomic
def cluster_publish(*, actor: Actor, cluster: Cluster, comment: str = "") -> Cluster:
    """Publish a cluster: it becomes visible to everyone and counts in the public totals.

    Requires `clusters.publish_cluster`, exactly one base college and a source. Effect: writes
    the cluster's state and a history record «Опубликован» (actor, time, comment); followers
    recompute the public totals its money counts in.
    """
    _require_publisher(actor)
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    require_region(actor, Cluster, "change", cluster.region_id)
    problems = cluster_publication_problems(cluster)
    if problems:
        raise ValidationError(problems)
    before = ClusterPlacement.of(cluster)
    _set_state(
        cluster, ReviewState.PUBLISHED, actor=actor, event="publish", comment=comment.strip()
    )
    _notify("updated", cluster, before)
    return cluster


@transaction.atomic
def cluster_withdraw(*, actor: Actor, cluster: Cluster, comment: str = "") -> Cluster:
    """Withdraw a published cluster back to draft. Requires `clusters.publish_cluster`.
    Effect: the state, and a history record «Снят с публикации» (actor, time, comment)."""
    _require_publisher(actor)
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    require_region(actor, Cluster, "change", cluster.region_id)
    before = ClusterPlacement.of(cluster)
    _set_state(cluster, ReviewState.DRAFT, actor=actor, event="withdraw", comment=comment.strip())
    _notify("updated", cluster, before)
    return cluster


def cluster_publication_set(*, actor: Actor, cluster: Cluster, publish: bool | None) -> bool:
    """Bring a cluster to the publication a door's flag asks for (`is_published` in the API or
    a spreadsheet): publish or withdraw through the services above; None leaves it as it is.
    Returns whether the publication changed (`cluster` is refreshed)."""
    if publish is None or bool(publish) == cluster.is_published:
        return False
    if publish:
        changed = cluster_publish(actor=actor, cluster=cluster)
    else:
        changed = cluster_withdraw(actor=actor, cluster=cluster)
    cluster.review_state, cluster.is_published = changed.review_state, changed.is_published
    cluster.review_comment, cluster.updated_at = changed.review_comment, changed.updated_at
    return True


@transaction.atomic
def cluster_submit_for_review(*, actor: Actor, cluster: Cluster, comment: str = "") -> Cluster:
    """Mark a draft (or a returned cluster) «на проверке» for the federal editors' queue.
    Effect: the state, and a history record «Отправлен на проверку» (actor, time, comment)."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    require_region(actor, Cluster, "change", cluster.region_id)
    if cluster.review_state not in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ValidationError("На проверку отправляют черновик или возвращённый кластер.")
    _set_state(cluster, ReviewState.IN_REVIEW, actor=actor, event="submit", comment=comment.strip())
    return cluster


@transaction.atomic
def cluster_return(*, actor: Actor, cluster: Cluster, comment: str) -> Cluster:
    """Return a cluster under review to its regional editors with a comment on what to fix.
    Effect: the state and comment, and a history record «Возвращён на доработку: …»."""
    _require_publisher(actor)
    if not comment.strip():
        raise ValidationError({"review_comment": "Напишите, что нужно исправить."})
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if cluster.review_state != ReviewState.IN_REVIEW:
        raise ValidationError("Вернуть можно только кластер, который на проверке.")
    _set_state(cluster, ReviewState.RETURNED, actor=actor, event="return", comment=comment.strip())
    return cluster


@transaction.atomic
def cluster_delete(*, actor: Actor, cluster: Cluster) -> None:
    """Delete a cluster with its memberships, partnerships, figures and funding lines.

    A published cluster is deleted only by a publisher. Effect: followers schedule the totals
    its lines counted in, before the rows cascade away.
    """
    require_region(actor, Cluster, "delete", cluster.region_id)
    if cluster.is_published:
        _require_publisher(actor)
    _notify("deleting", cluster)
    cluster.delete()


# --- memberships, partnerships, figures -----------------------------------------------------


def _check_published_base(cluster: Cluster) -> None:
    if not Cluster.objects.filter(pk=cluster.pk, is_published=True).exists():
        return
    bases = ClusterCollege.objects.filter(cluster=cluster, role=CollegeRole.BASE).count()
    problem = base_college_problem(bases=bases, is_published=True)
    if problem:
        raise ValidationError({"role": problem})


PartModel = type[ClusterCollege] | type[ClusterEmployer] | type[ReportedFigure]


@transaction.atomic
def cluster_parts_write(
    *,
    actor: Actor,
    cluster: Cluster,
    model: PartModel,
    add: Iterable[dict[str, Any] | models.Model] = (),
    change: Iterable[tuple[models.Model, dict[str, Any]]] = (),
    remove: Iterable[models.Model] = (),
) -> list[models.Model]:
    """Add, change and remove rows of one kind hanging on `cluster` as one write.

    The kinds: memberships (ClusterCollege), partnerships (ClusterEmployer), figures
    (ReportedFigure). Rules that span rows (a published cluster keeps exactly one base
    college) are checked once all changes are made, so a batch may swap the base college.
    Removals run first, then changes, then additions; an addition is a dict of fields or an
    unsaved row (a form's). Returns the added and changed rows.
    """
    if review.review_needed(actor, cluster=cluster):
        return _propose_parts(actor, cluster, model, add, change, remove)
    written = []
    for row in remove:
        require_region(actor, model, "delete", cluster.region_id)
        if row.cluster_id != cluster.pk:
            raise ValidationError("Строка относится к другому кластеру.")
        row.delete()
    for row, fields in change:
        require_region(actor, model, "change", cluster.region_id)
        if row.cluster_id != cluster.pk or fields.get("cluster", cluster) != cluster:
            raise ValidationError({"cluster": "Строку нельзя перенести в другой кластер."})
        _assign(row, fields, ())
        written.append(_clean_and_save(row))
    for fields in add:
        require_region(actor, model, "add", cluster.region_id)
        if isinstance(fields, models.Model):
            row = fields
            row.cluster = cluster
        else:
            row = model(**{**fields, "cluster": cluster})
        written.append(_clean_and_save(row))
    if model is ClusterCollege:
        _check_published_base(cluster)
    if model is ReportedFigure:
        for row in written:
            _figure_cites_its_source(row)
    return written


def _propose_parts(actor, cluster, model, add, change, remove) -> list[models.Model]:
    """Memberships, partnerships or figures of a published cluster, changed by a user who may
    not publish: checked now, recorded for review; returns the rows as they would be, marked
    `.pending_change` (nothing is written)."""
    fields_of = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    ]
    rows, data, diff = [], {"model": f"{model._meta.app_label}.{model._meta.model_name}"}, []
    for row in remove:
        require_region(actor, model, "delete", cluster.region_id)
        data.setdefault("remove", []).append(row.pk)
        diff.append([f"Удалить: {model._meta.verbose_name}", str(row), "—"])
    for row, fields in change:
        require_region(actor, model, "change", cluster.region_id)
        stored = model.objects.get(pk=row.pk)
        _assign(row, fields, ())
        row.full_clean()
        values = {name: getattr(row, name) for name in fields_of if name != "cluster"}
        data.setdefault("change", []).append([row.pk, values])
        diff += [
            [f"{stored}: {label.lower()}", old, new]
            for label, old, new in review.field_diff(stored, values)
        ]
        rows.append(row)
    for fields in add:
        require_region(actor, model, "add", cluster.region_id)
        row = (
            fields if isinstance(fields, models.Model) else model(**{**fields, "cluster": cluster})
        )
        row.cluster = cluster
        row.full_clean(validate_constraints=False)
        values = {name: getattr(row, name) for name in fields_of if name != "cluster"}
        data.setdefault("add", []).append(values)
        diff.append([f"Добавить: {model._meta.verbose_name}", "—", str(row)])
        rows.append(row)
    if not diff:
        return rows
    proposed = review.change_propose(
        actor=actor,
        kind=ChangeKind.PARTS,
        target=cluster,
        target_model="clusters.cluster",
        target_name=str(cluster),
        region_id=cluster.region_id,
        cluster=cluster,
        data=data,
        diff=diff,
    )
    for row in rows:
        row.pending_change = proposed
    return rows or [model(cluster=cluster)]


def _figure_cites_its_source(figure: ReportedFigure) -> None:
    """A figure's own source is its first citation (further ones: clusters/facts.py)."""
    Citation.objects.get_or_create(
        figure=figure,
        source_id=figure.source_id,
        defaults={
            "cluster_id": figure.cluster_id,
            "fact": FactKind.FIGURE,
            "value": f"{figure.value.normalize():f}",
            "quote": figure.exact_wording,
        },
    )


def cluster_college_add(*, actor: Actor, cluster: Cluster, college: College, role: str):
    """Add `college` to `cluster` as its base or a network college. Returns the membership."""
    return cluster_parts_write(
        actor=actor, cluster=cluster, model=ClusterCollege, add=[{"college": college, "role": role}]
    )[0]


def cluster_employer_add(
    *, actor: Actor, cluster: Cluster, employer: Employer, role: str | None = None, note: str = ""
):
    """Add `employer` as a partner (or anchor) of `cluster`. Returns the partnership."""
    fields: dict[str, Any] = {"employer": employer, "note": note}
    if role:
        fields["role"] = role
    return cluster_parts_write(actor=actor, cluster=cluster, model=ClusterEmployer, add=[fields])[0]


def figure_create(*, actor: Actor, cluster: Cluster, **fields: Any) -> ReportedFigure:
    """Record what a source says `cluster` has (e.g. 16 employers «не менее»)."""
    return cluster_parts_write(actor=actor, cluster=cluster, model=ReportedFigure, add=[fields])[0]


def cluster_part_update(*, actor: Actor, row: models.Model, **fields: Any) -> models.Model:
    """Change one membership, partnership or figure (it stays in its cluster)."""
    return cluster_parts_write(
        actor=actor, cluster=row.cluster, model=type(row), change=[(row, fields)]
    )[0]


def cluster_part_delete(*, actor: Actor, row: models.Model) -> None:
    """Remove one membership, partnership or figure."""
    cluster_parts_write(actor=actor, cluster=row.cluster, model=type(row), remove=[row])


figure_update = cluster_part_update


# --- colleges, employers, sources -----------------------------------------------------------


def _entity_write(actor: Actor, instance: models.Model, fields: dict[str, Any]) -> models.Model:
    model = type(instance)
    if instance.pk is None:
        _assign(instance, fields, ())
        require_region(actor, model, "add", instance.region_id)
    else:
        stored_region = model.objects.filter(pk=instance.pk).values_list("region_id", flat=True)
        require_region(actor, model, "change", stored_region.get())
        _assign(instance, fields, ())
        require_region(actor, model, "change", instance.region_id)
        if review.review_needed(actor, entity=instance):
            # A public college or employer: checked now, written when approved.
            instance.full_clean()
            names = fields or {
                f.name: getattr(instance, f.name)
                for f in model._meta.concrete_fields
                if f.editable and f.name not in ("id", "created_at", "updated_at")
            }
            return review.propose_update(
                actor=actor,
                instance=instance,
                kind=ChangeKind.ENTITY,
                fields={name: getattr(instance, name) for name in names},
                cluster=None,
                region_id=instance.region_id or stored_region.get(),
            )
    return _clean_and_save(instance)


@transaction.atomic
def college_create(*, actor: Actor, instance: College | None = None, **fields: Any) -> College:
    """Create a college in a region `actor` may edit (`instance`: an unsaved one to fill)."""
    return _entity_write(actor, instance or College(), fields)


@transaction.atomic
def college_update(*, actor: Actor, college: College, **fields: Any) -> College:
    """Change a college (both its old and new region must be editable by `actor`)."""
    return _entity_write(actor, college, fields)


@transaction.atomic
def employer_create(*, actor: Actor, instance: Employer | None = None, **fields: Any) -> Employer:
    """Create an employer; a regional editor must place it in one of their regions."""
    return _entity_write(actor, instance or Employer(), fields)


@transaction.atomic
def employer_update(*, actor: Actor, employer: Employer, **fields: Any) -> Employer:
    """Change an employer (both its old and new region must be editable by `actor`)."""
    return _entity_write(actor, employer, fields)


@transaction.atomic
def entity_delete(*, actor: Actor, entity: College | Employer) -> None:
    """Delete a college or employer that no cluster lists (the database protects the rest)."""
    require_region(actor, type(entity), "delete", entity.region_id)
    entity.delete()


def _require_perm(actor: Actor, perm: str) -> None:
    if actor is not None and not holds(actor, perm):
        raise PermissionDenied("Недостаточно прав.")


@transaction.atomic
def source_create(*, actor: Actor, instance: Source | None = None, **fields: Any) -> Source:
    """Record a document the registry's facts cite."""
    _require_perm(actor, "clusters.add_source")
    source = instance or Source()
    _assign(source, fields, ())
    return _clean_and_save(source)


@transaction.atomic
def source_update(*, actor: Actor, source: Source, **fields: Any) -> Source:
    """Correct a source's title, publisher, date or reference."""
    _require_perm(actor, "clusters.change_source")
    _assign(source, fields, ())
    return _clean_and_save(source)


@transaction.atomic
def source_delete(*, actor: Actor, source: Source) -> None:
    """Delete a source no fact cites (the database protects the rest: a clear refusal)."""
    _require_perm(actor, "clusters.delete_source")
    try:
        source.delete()
    except models.ProtectedError:
        raise ValidationError(
            f"Источник «{source}» не удалён: на него ссылаются сведения реестра."
        ) from None


# --- writing what a federal editor approved (clusters/review.py) -----------------------------


def _reasoned(obj: models.Model, reason: str) -> models.Model:
    obj._change_reason = reason
    return obj


def _apply_cluster(*, actor: Actor, change, reason: str) -> None:
    cluster = _reasoned(Cluster.objects.get(pk=change.target_id), reason)
    fields = {
        name: review.from_data(Cluster, name, value)
        for name, value in change.data["fields"].items()
    }
    cluster_update(actor=actor, cluster=cluster, **fields)


def _apply_entity(*, actor: Actor, change, reason: str) -> None:
    model = {"clusters.college": College, "clusters.employer": Employer}[change.target_model]
    entity = _reasoned(model.objects.get(pk=change.target_id), reason)
    fields = {name: review.from_data(model, name, v) for name, v in change.data["fields"].items()}
    _entity_write(actor, entity, fields)


def _apply_parts(*, actor: Actor, change, reason: str) -> None:
    model = {
        "clusters.clustercollege": ClusterCollege,
        "clusters.clusteremployer": ClusterEmployer,
        "clusters.reportedfigure": ReportedFigure,
    }[change.data["model"]]
    cluster = Cluster.objects.get(pk=change.target_id)
    add = [
        {name: review.from_data(model, name, value) for name, value in row.items()}
        for row in change.data.get("add", [])
    ]
    changes = [
        (
            _reasoned(model.objects.get(pk=pk), reason),
            {n: review.from_data(model, n, v) for n, v in fields.items()},
        )
        for pk, fields in change.data.get("change", [])
    ]
    remove = [model.objects.get(pk=pk) for pk in change.data.get("remove", [])]
    cluster_parts_write(
        actor=actor, cluster=cluster, model=model, add=add, change=changes, remove=remove
    )


review.appliers[ChangeKind.CLUSTER] = _apply_cluster
review.appliers[ChangeKind.ENTITY] = _apply_entity
review.appliers[ChangeKind.PARTS] = _apply_parts
