"""Facts from many sources: what a document says of a cluster, merged into what the registry
holds without losing or inventing anything (services; the import and the press-release
assistant call them, with the same rules for every door).

The rules, for each fact a document states (a field, a member, a figure):

* a blank states nothing and never erases;
* a fact the registry does not have yet is filled, citing the document;
* a fact the registry has with the same value gains the document as a further citation;
* a different value:
  - from a document that only implies it: recorded as that document's (implied) view, the
    registry's value stays — an implied fact never overrides;
  - where the registry's value rests only on implied citations: the stated one replaces it
    («stated beats implied»), the implied citation stays as that document's view;
  - where the registry's value rests only on this same document: a correction, applied;
  - otherwise — another document, or staff, stated the registry's value: the registry keeps
    it and a `FactConflict` records the other value with its document and words, for staff.

So two documents give the same record whatever order they come in (when they do not
disagree), and a disagreement is never resolved silently. Writes go through the write
services of clusters/services.py (gate, validation, history, totals) with `actor`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import capfirst

from clusters import services
from clusters.choices import (
    ClusterKind,
    ClusterStatus,
    CollegeRole,
    ConflictState,
    EmployerRole,
    FactKind,
    FigureKind,
)
from clusters.models import (
    Citation,
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    FactConflict,
    Industry,
    ReportedFigure,
    Source,
)

Actor = Any

# The cluster's fields sources state, in the order they are merged.
MERGED_FIELDS = [
    FactKind.NAME,
    FactKind.KIND,
    FactKind.INDUSTRY,
    FactKind.SELECTION_YEAR,
    FactKind.LAUNCH_YEAR,
    FactKind.STATUS,
    FactKind.MANAGEMENT_BOARD,
    FactKind.DESCRIPTION,
    FactKind.WEBSITE,
]


@dataclass(frozen=True)
class Statement:
    """Who says it: a source, its words, and whether it states the fact or only implies it."""

    source: Source
    quote: str = ""
    is_implied: bool = False


@dataclass
class FactOutcome:
    """What merging one document did: fields changed (label → old, new), facts it now also
    cites, conflicts it raised, and notes for the person importing it."""

    changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)
    conflicts: list[FactConflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: FactOutcome) -> FactOutcome:
        self.changed.update(other.changed)
        self.cited += other.cited
        self.conflicts += other.conflicts
        self.notes += other.notes
        return self


# --- values as citations hold them ----------------------------------------------------------


def _text_key(value: str) -> str:
    """Texts compared loosely: case, ё, quotes and spacing do not make another value."""
    text = value.lower().replace("ё", "е")
    return " ".join(re.sub(r"[«»\"'“”„]", " ", text).split())


def stored(fact: str, value: Any) -> str:
    """A field's value in the form a citation keeps it ("" for no value)."""
    if value is None or value == "":
        return ""
    if isinstance(value, Industry):
        return value.slug
    return str(value)


def shown(fact: str, value: str) -> str:
    """A stored value as people read it."""
    if value == "":
        return "—"
    if fact == FactKind.KIND:
        return str(ClusterKind(value).label) if value in ClusterKind.values else value
    if fact == FactKind.STATUS:
        return str(ClusterStatus(value).label) if value in ClusterStatus.values else value
    if fact == FactKind.INDUSTRY:
        name = Industry.objects.filter(slug=value).values_list("name", flat=True).first()
        return name or value
    if fact in (FactKind.COLLEGE, FactKind.EMPLOYER):
        labels = dict(CollegeRole.choices) | dict(EmployerRole.choices)
        return str(labels.get(value, value))
    return value


def _same(fact: str, a: str, b: str) -> bool:
    if fact in (FactKind.NAME, FactKind.DESCRIPTION, FactKind.MANAGEMENT_BOARD):
        return _text_key(a) == _text_key(b)
    if fact == FactKind.WEBSITE:
        return a.rstrip("/").lower() == b.rstrip("/").lower()
    return a == b


def _label(fact: str) -> str:
    return capfirst(str(FactKind(fact).label))


# --- the rule --------------------------------------------------------------------------------


class _Decision:
    FILL = "fill"  # the registry had nothing: take it
    CITE = "cite"  # the same value: one more citation
    DISSENT = "dissent"  # an implied other value: keep it as that document's view only
    REPLACE = "replace"  # stated beats implied, or the same document corrects itself
    CONFLICT = "conflict"


def _decide(fact: str, current: str, new: str, citations: list[Citation], st: Statement) -> str:
    if current == "":
        return _Decision.FILL
    if _same(fact, current, new):
        return _Decision.CITE
    if st.is_implied:
        return _Decision.DISSENT
    supporting = [c for c in citations if _same(fact, c.value, current)]
    if supporting and all(c.is_implied for c in supporting):
        return _Decision.REPLACE
    if supporting and all(c.source_id == st.source.pk for c in supporting):
        return _Decision.REPLACE
    return _Decision.CONFLICT


def _cite(
    *,
    cluster: Cluster,
    fact: str,
    value: str,
    st: Statement,
    row: Model | None = None,
    known: list[Citation] | None = None,
) -> bool:
    """Record that `st` states `fact` = `value`; True if the citation is new. A document that
    now states another value of a field it stated before corrects its own citation.
    `known`: the cluster's citations of this fact when the caller has them (no query)."""
    target = {}
    if isinstance(row, ClusterCollege):
        target = {"cluster_college": row}
    elif isinstance(row, ClusterEmployer):
        target = {"cluster_employer": row}
    elif isinstance(row, ReportedFigure):
        target = {"figure": row}
    if known is not None and not target:
        existing = next(
            (c for c in known if c.source_id == st.source.pk and c.value == value), None
        )
    else:
        lookup = {"cluster": cluster, "fact": fact, "source": st.source, **target}
        if not target:
            lookup["value"] = value
        existing = Citation.objects.filter(**lookup).first()
    if existing is not None:
        changed = bool(st.quote) and not existing.quote
        if existing.is_implied and not st.is_implied:
            existing.is_implied, changed = False, True
        if target and existing.value != value and value:
            existing.value, changed = value, True
        if changed:
            existing.quote = existing.quote or st.quote
            _save(existing)
        return False
    citation = Citation(
        cluster=cluster,
        fact=fact,
        value=value,
        source=st.source,
        quote=st.quote,
        is_implied=st.is_implied,
        **target,
    )
    _save(citation)
    if known is not None:
        known.append(citation)
    return True


def _save(citation: Citation) -> None:
    # Its fields are checked (texts: no control characters); its uniqueness and shape are the
    # database's constraints — validating them here would cost a query each, per citation.
    citation.clean_fields()
    citation.save()


def conflict_raise(
    *,
    cluster: Cluster | None,
    region_id: int,
    fact: str,
    label: str,
    target: Model,
    kept_value: str,
    kept_display: str,
    proposed_value: str,
    proposed_display: str,
    st: Statement,
    proposed_data: dict | None = None,
) -> FactConflict | None:
    """Record that `st` disagrees with the registry on one fact (once: the same document's
    same disagreement is not raised again, even after staff decided it). Returns the new
    conflict, or None if it was raised before."""
    meta = target._meta
    conflict, created = FactConflict.objects.get_or_create(
        target_model=f"{meta.app_label}.{meta.model_name}",
        target_id=target.pk,
        fact=fact,
        proposed_source=st.source,
        proposed_value=proposed_value[:500],
        defaults={
            "cluster": cluster,
            "region_id": region_id,
            "label": label[:200],
            "kept_value": kept_value[:500],
            "kept_display": kept_display[:500],
            "proposed_display": proposed_display[:500],
            "proposed_quote": st.quote,
            "proposed_data": proposed_data or {},
        },
    )
    return conflict if created else None


def _current(cluster: Cluster, fact: str) -> str:
    if fact == FactKind.INDUSTRY:
        return cluster.industry.slug if cluster.industry_id else ""
    return stored(fact, getattr(cluster, fact))


def _value_for_model(fact: str, value: str) -> Any:
    if fact == FactKind.INDUSTRY:
        return Industry.objects.get(slug=value)
    if fact in (FactKind.SELECTION_YEAR, FactKind.LAUNCH_YEAR):
        return int(value)
    return value


@transaction.atomic
def cluster_facts_state(
    *,
    actor: Actor,
    cluster: Cluster,
    values: dict[str, Any],
    statement: Statement,
    implied: frozenset[str] = frozenset(),
) -> FactOutcome:
    """Merge what `statement` says of `cluster`'s fields (`values`: field → value; blanks
    state nothing) by the rules above. `implied`: fields the document only implies.

    Effect: one `cluster_update` for the fields that change (gate, validation, history,
    totals followers), a citation per stated fact, a conflict per disagreement.
    """
    outcome = FactOutcome()
    citations = list(Citation.objects.filter(cluster=cluster, fact__in=MERGED_FIELDS))
    changes: dict[str, Any] = {}
    to_cite: list[tuple[str, str, Statement]] = []
    disagreements: list[tuple[str, str, str, Statement]] = []
    for fact in MERGED_FIELDS:
        if fact not in values:
            continue
        new = stored(fact, values[fact])
        if new == "":
            continue
        st = Statement(statement.source, statement.quote, fact in implied or statement.is_implied)
        current = _current(cluster, fact)
        mine = [c for c in citations if c.fact == fact]
        decision = _decide(fact, current, new, mine, st)
        if decision in (_Decision.FILL, _Decision.REPLACE):
            changes[fact] = _value_for_model(fact, new)
            outcome.changed[_label(fact)] = (shown(fact, current), shown(fact, new))
            if decision == _Decision.REPLACE:
                # The same document correcting itself: its old citation goes.
                Citation.objects.filter(
                    cluster=cluster, fact=fact, source=statement.source, is_implied=False
                ).exclude(value=new).delete()
            to_cite.append((fact, new, st))
        elif decision in (_Decision.CITE, _Decision.DISSENT):
            to_cite.append((fact, new, st))
        else:
            disagreements.append((fact, current, new, st))
    # A filled year that contradicts the other year is a disagreement, not an error.
    changes, held = _consistent_years(cluster, changes)
    for fact in held:
        outcome.changed.pop(_label(fact), None)
        new = stored(fact, values[fact])
        to_cite = [entry for entry in to_cite if entry[0] != fact]
        disagreements.append((fact, _current(cluster, fact), new, statement))
    if changes:
        services.cluster_update(actor=actor, cluster=cluster, **changes)
    for fact, value, st in to_cite:
        known = [c for c in citations if c.fact == fact]
        if _cite(cluster=cluster, fact=fact, value=value, st=st, known=known):
            citations.append(known[-1])
            if fact not in changes:
                outcome.cited.append(_label(fact))
    for fact, current, new, st in disagreements:
        conflict = conflict_raise(
            cluster=cluster,
            region_id=cluster.region_id,
            fact=fact,
            label=_label(fact),
            target=cluster,
            kept_value=current,
            kept_display=shown(fact, current),
            proposed_value=new,
            proposed_display=shown(fact, new),
            st=st,
        )
        if conflict is not None:
            outcome.conflicts.append(conflict)
            outcome.notes.append(
                f"расхождение: {_label(fact).lower()} — в реестре «{shown(fact, current)}», "
                f"в источнике «{shown(fact, new)}»; оставлено значение реестра"
            )
    return outcome


def _consistent_years(cluster: Cluster, changes: dict[str, Any]) -> tuple[dict, list[str]]:
    selection = changes.get(FactKind.SELECTION_YEAR, cluster.selection_year)
    launch = changes.get(FactKind.LAUNCH_YEAR, cluster.launch_year)
    if selection and launch and launch < selection:
        # Keep the year the registry already had; the new one becomes the disagreement.
        held = FactKind.LAUNCH_YEAR if FactKind.LAUNCH_YEAR in changes else FactKind.SELECTION_YEAR
        return {k: v for k, v in changes.items() if k != held}, [held]
    return changes, []


# --- members ---------------------------------------------------------------------------------


@transaction.atomic
def cluster_college_state(
    *, actor: Actor, cluster: Cluster, college: College, role: str, statement: Statement
) -> FactOutcome:
    """Merge «`college` is `role` of `cluster`» as `statement` says it.

    A new member is added; a member already there gains the citation. A second base college,
    or another role than the registry's, is a disagreement (a conflict) unless the document
    only implies it. Effect: writes through `services.cluster_college_add`.
    """
    outcome = FactOutcome()
    membership = ClusterCollege.objects.filter(cluster=cluster, college=college).first()
    base = (
        ClusterCollege.objects.filter(cluster=cluster, role=CollegeRole.BASE)
        .select_related("college")
        .first()
    )
    if membership is None:
        if role == CollegeRole.BASE and base is not None:
            if not statement.is_implied:
                _member_conflict(
                    cluster,
                    base,
                    "base_college",
                    "Базовая организация",
                    str(base.college),
                    str(college),
                    college.pk,
                    statement,
                    outcome,
                )
            return outcome
        membership = services.cluster_college_add(
            actor=actor, cluster=cluster, college=college, role=role
        )
        outcome.changed[f"{capfirst(CollegeRole(role).label)} организация"] = ("", str(college))
        _cite(cluster=cluster, fact=FactKind.COLLEGE, value=role, st=statement, row=membership)
        return outcome
    if membership.role != role and not statement.is_implied:
        citations = list(membership.citations.all())
        supporting = [c for c in citations if c.value == membership.role]
        if (
            supporting
            and all(c.is_implied for c in supporting)
            and not (role == CollegeRole.BASE and base is not None and base.pk != membership.pk)
        ):
            services.cluster_part_update(actor=actor, row=membership, role=role)
            outcome.changed[f"Роль: {college}"] = (
                str(CollegeRole(citations[0].value).label) if citations else "",
                str(CollegeRole(role).label),
            )
        else:
            _member_conflict(
                cluster,
                membership,
                "college_role",
                f"Роль организации «{college}»",
                str(CollegeRole(membership.role).label),
                str(CollegeRole(role).label),
                role,
                statement,
                outcome,
            )
            return outcome
    if _cite(cluster=cluster, fact=FactKind.COLLEGE, value=role, st=statement, row=membership):
        outcome.cited.append(f"{college}")
    return outcome


def _member_conflict(cluster, target, fact, label, kept, proposed, proposed_value, st, outcome):
    conflict = conflict_raise(
        cluster=cluster,
        region_id=cluster.region_id,
        fact=fact,
        label=label,
        target=target,
        kept_value=kept,
        kept_display=kept,
        proposed_value=str(proposed_value),
        proposed_display=proposed,
        st=st,
    )
    if conflict is not None:
        outcome.conflicts.append(conflict)
        outcome.notes.append(
            f"расхождение: {label.lower()} — в реестре «{kept}», в источнике «{proposed}»; "
            "оставлено значение реестра"
        )


@transaction.atomic
def cluster_employer_state(
    *,
    actor: Actor,
    cluster: Cluster,
    employer: Employer,
    statement: Statement,
    role: str = "",
) -> FactOutcome:
    """Merge «`employer` partners `cluster`» (as anchor or partner when `role` says so).

    Effect: adds the partnership through `services.cluster_employer_add` or cites it; a role
    the document states is recorded with its citation, an anchor stated over a partner
    nobody stated becomes the role.
    """
    outcome = FactOutcome()
    partnership = ClusterEmployer.objects.filter(cluster=cluster, employer=employer).first()
    if partnership is None:
        partnership = services.cluster_employer_add(
            actor=actor, cluster=cluster, employer=employer, role=role or None
        )
        outcome.changed["Работодатель"] = ("", str(employer))
    elif role and role != partnership.role and not statement.is_implied:
        stated = [c for c in partnership.citations.all() if c.value and not c.is_implied]
        if not stated:
            services.cluster_part_update(actor=actor, row=partnership, role=role)
            outcome.changed[f"Роль: {employer}"] = (
                str(EmployerRole(partnership.role).label),
                str(EmployerRole(role).label),
            )
    if _cite(cluster=cluster, fact=FactKind.EMPLOYER, value=role, st=statement, row=partnership):
        if "Работодатель" not in outcome.changed:
            outcome.cited.append(str(employer))
    return outcome


@transaction.atomic
def figure_state(
    *,
    actor: Actor,
    cluster: Cluster,
    kind: str,
    value,
    qualifier: str,
    statement: Statement,
    as_of=None,
    note: str = "",
) -> tuple[ReportedFigure, str, FactOutcome]:
    """Merge «`cluster` has `value` `kind`» as `statement` reports it. Returns the figure,
    what happened ("new", "changed", "cited" or "unchanged") and the outcome.

    A figure is what one source reports at one time («16 работодателей» in 2024, «20» in
    2025 are both true), so a different value is another figure, never a conflict; the same
    kind, value and qualifier reported again is one figure citing both documents.
    Effect: `services.figure_create` or a citation.
    """
    outcome = FactOutcome()
    status = "unchanged"
    value = Decimal(value)
    figures = list(ReportedFigure.objects.filter(cluster=cluster, kind=kind).order_by("pk"))
    figure = next((f for f in figures if f.value == value and f.qualifier == qualifier), None)
    if figure is None:
        # The same document giving another value corrects its own figure.
        own = [
            f for f in figures if {c.source_id for c in f.citations.all()} == {statement.source.pk}
        ]
        if own:
            figure = own[0]
            before = f"{figure.value.normalize():f}"
            figure = services.cluster_part_update(
                actor=actor,
                row=figure,
                value=value,
                qualifier=qualifier,
                **({"as_of": as_of} if as_of else {}),
            )
            outcome.changed[capfirst(str(FigureKind(kind).label))] = (
                before,
                f"{value.normalize():f}",
            )
            Citation.objects.filter(figure=figure, source=statement.source).update(
                value=f"{value.normalize():f}"
            )
            status = "changed"
    if figure is None:
        figure = services.figure_create(
            actor=actor,
            cluster=cluster,
            kind=kind,
            value=value,
            qualifier=qualifier,
            as_of=as_of,
            source=statement.source,
            exact_wording=statement.quote,
            note=note,
        )
        outcome.changed[capfirst(str(FigureKind(kind).label))] = ("", f"{value.normalize():f}")
        status = "new"
    value_text = f"{value.normalize():f}"
    if _cite(cluster=cluster, fact=FactKind.FIGURE, value=value_text, st=statement, row=figure):
        if status == "unchanged":
            outcome.cited.append(str(FigureKind(kind).label))
            status = "cited"
    return figure, status, outcome


# --- reading ------------------------------------------------------------------------------


def cluster_fact_sources(cluster: Cluster, citations=None) -> list[dict]:
    """A cluster's facts with the sources stating each (for its admin page and public page):
    [{"label", "value", "sources": [citation…], "dissent": [...], "implied": bool}].
    `citations`: the cluster's citations when the caller has them already."""
    if citations is None:
        citations = Citation.objects.filter(cluster=cluster).select_related("source")
    by_fact: dict[str, list[Citation]] = {}
    for citation in citations:
        if citation.fact in MERGED_FIELDS:
            by_fact.setdefault(citation.fact, []).append(citation)
    rows = []
    for fact in MERGED_FIELDS:
        citations = by_fact.get(fact, [])
        current = _current(cluster, fact)
        if not citations and not current:
            continue
        agreeing = [c for c in citations if _same(fact, c.value, current)]
        rows.append(
            {
                "fact": fact,
                "label": _label(fact),
                "value": (
                    cluster.industry.name
                    if fact == FactKind.INDUSTRY and current
                    else shown(fact, current)
                    if current
                    else "не указано"
                ),
                "sources": agreeing,
                "dissent": [c for c in citations if c not in agreeing],
                "implied": bool(agreeing) and all(c.is_implied for c in agreeing),
            }
        )
    return rows


# --- resolving conflicts ---------------------------------------------------------------------

# Conflicts on other records (money) register how they are applied: funding does, at ready().
conflict_appliers: dict[str, Any] = {}


@transaction.atomic
def conflict_resolve(
    *, actor: Actor, conflict: FactConflict, state: str, comment: str
) -> FactConflict:
    """Decide a conflict: keep the registry's value, take the source's (a change with the
    reason in the history) or, for money, record the source's sum as a line of its own.

    Requires the right to change the record in its region. Effect: writes the decision on the
    conflict (with history); replacing writes the record through its service.
    """
    conflict = FactConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.state != ConflictState.OPEN:
        raise ValidationError("Это расхождение уже решено.")
    if not comment.strip():
        raise ValidationError({"resolution_comment": "Напишите, почему принято это решение."})
    if state not in (ConflictState.KEPT, ConflictState.REPLACED, ConflictState.SEPARATE):
        raise ValidationError({"state": "Выберите решение."})
    services.require_region(actor, Cluster, "change", conflict.region_id)
    statement = Statement(conflict.proposed_source, conflict.proposed_quote)
    if state == ConflictState.SEPARATE or conflict.target_model != "clusters.cluster":
        applier = conflict_appliers.get(conflict.target_model)
        if state != ConflictState.KEPT:
            if applier is None:
                raise ValidationError("Для этого расхождения можно только оставить значение.")
            applier(
                actor=actor,
                conflict=conflict,
                state=state,
                statement=statement,
                comment=comment.strip(),
            )
    elif state == ConflictState.REPLACED:
        cluster = Cluster.objects.get(pk=conflict.target_id)
        fact = conflict.fact
        value = _value_for_model(fact, conflict.proposed_value)
        with _reason(cluster, comment):
            services.cluster_update(actor=actor, cluster=cluster, **{fact: value})
        _cite(cluster=cluster, fact=fact, value=conflict.proposed_value, st=statement)
    conflict.state = state
    conflict.resolution_comment = comment.strip()
    conflict.resolved_by = actor if actor is not None and actor.is_authenticated else None
    conflict.resolved_at = timezone.now()
    conflict._change_reason = f"решение: {ConflictState(state).label}; {comment.strip()}"
    conflict.full_clean()
    conflict.save()
    return conflict


class _reason:
    """Give the history record of the next save of `obj` a reason (django-simple-history)."""

    def __init__(self, obj: Model, reason: str) -> None:
        self.obj, self.reason = obj, reason

    def __enter__(self):
        self.obj._change_reason = self.reason
        return self.obj

    def __exit__(self, *exc):
        return False
