"""The same money once: a sum that several documents report is one line citing all of them.

`funding_line_state` merges one document's money fact into the lines (the import and the
press-release assistant call it), by the rules of clusters/facts.py:

* the line this document already cites for the same scope, budget and year is the same
  fact again (nothing changes), or the document's own correction (applied when no other
  document cites the line);
* a line of the same scope (cluster, or the region's joint money), budget and amount, whose
  year is the same or unknown on either side, is the same grant: the document is cited, and
  a year it states fills the line's empty year;
* a second tranche is a line of its own only when the document says so (`is_tranche`);
* another amount for the same cluster, budget and year (or a year either leaves empty) is a
  disagreement: the line stays, a conflict records the document's sum for staff, who may
  keep the line, replace its sum, or record the sum as a line of its own. A region's joint
  money (no cluster) has no single scope: another joint sum is another line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from clusters.facts import FactOutcome, Statement, conflict_appliers, conflict_raise
from clusters.models import Cluster, FactConflict
from common.qualifiers import Qualifier, mark
from funding.choices import FundingSource
from funding.models import FundingLine, FundingLineCitation
from funding.services.lines import funding_line_create, funding_line_update
from regions.models import Region

Actor = Any


def _money(amount: Decimal, qualifier: str, year: int | None) -> str:
    text = f"{amount.normalize():,f}".replace(",", " ")
    sign = mark(qualifier)
    return f"{sign}{text} ₽, {year or 'год не указан'}"


def _cite(line: FundingLine, statement: Statement, fields: dict[str, Any]) -> bool:
    citation, created = FundingLineCitation.objects.get_or_create(
        line=line,
        source=statement.source,
        defaults={
            "amount_rub": fields["amount_rub"],
            "qualifier": fields["qualifier"],
            "fiscal_year": fields["fiscal_year"],
            "quote": statement.quote,
            "is_implied": statement.is_implied,
        },
    )
    if not created:
        stated = {k: fields[k] for k in ("amount_rub", "qualifier", "fiscal_year")}
        if {k: getattr(citation, k) for k in stated} != stated or (
            statement.quote and citation.quote != statement.quote
        ):
            for name, value in stated.items():
                setattr(citation, name, value)
            citation.quote = statement.quote or citation.quote
            citation.is_implied = statement.is_implied
            citation.full_clean()
            citation.save()
    return created


@transaction.atomic
def funding_line_state(
    *,
    actor: Actor,
    cluster: Cluster | None,
    region: Region,
    funding_source: str,
    amount_rub: Decimal,
    qualifier: str = Qualifier.EXACT,
    fiscal_year: int | None = None,
    statement: Statement,
    note: str = "",
    is_tranche: bool = False,
) -> tuple[FundingLine, str, FactOutcome]:
    """Merge one document's money fact (see the module's rules). Returns the line, what
    happened to it ("new", "cited", "changed", "unchanged" or "conflict") and the outcome.

    Effect: creates or updates a line through funding/services/lines.py (gate, validation,
    history, totals), a citation per document, a conflict per disagreement.
    """
    outcome = FactOutcome()
    fields = {
        "amount_rub": amount_rub,
        "qualifier": qualifier,
        "fiscal_year": fiscal_year,
    }
    scope = FundingLine.objects.filter(
        region=region, funding_source=funding_source
    ).select_for_update()
    scope = scope.filter(cluster=cluster) if cluster else scope.filter(cluster__isnull=True)
    if fiscal_year is not None:
        scope = scope.filter(Q(fiscal_year=fiscal_year) | Q(fiscal_year__isnull=True))
    lines = sorted(scope, key=lambda line: (line.fiscal_year != fiscal_year, line.pk))
    sources_of: dict[int, set[int]] = {}
    for c in FundingLineCitation.objects.filter(line__in=[ln.pk for ln in lines]):
        sources_of.setdefault(c.line_id, set()).add(c.source_id)

    own = [ln for ln in lines if statement.source.pk in sources_of.get(ln.pk, set())]
    if own and not is_tranche:
        line = own[0]
        said = FundingLineCitation.objects.get(line=line, source=statement.source)
        before = {"amount_rub": said.amount_rub, "qualifier": said.qualifier}
        if before == {"amount_rub": amount_rub, "qualifier": qualifier} and (
            fiscal_year in (None, said.fiscal_year)
        ):
            _cite(line, statement, {**fields, "fiscal_year": fiscal_year or said.fiscal_year})
            return line, "unchanged", outcome  # the same document saying the same again
        if sources_of.get(line.pk, set()) == {statement.source.pk}:
            # The document corrects what only it stated.
            old = _money(line.amount_rub, line.qualifier, line.fiscal_year)
            wanted = _wanted(line, fields)
            line = funding_line_update(actor=actor, line=line, **wanted) if wanted else line
            _cite(line, statement, fields)
            outcome.changed["Сумма"] = (old, _money(amount_rub, qualifier, line.fiscal_year))
            return line, "changed", outcome
        _cite(line, statement, fields)  # what it says now; the line keeps the others' value
        if amount_rub != line.amount_rub:
            return line, _disagree(line, fields, statement, note, outcome), outcome
        return line, "changed", outcome

    same = [ln for ln in lines if ln.amount_rub == amount_rub]
    if same and not is_tranche:
        line = same[0]
        if line.fiscal_year is None and fiscal_year is not None:
            line = funding_line_update(actor=actor, line=line, fiscal_year=fiscal_year)
            outcome.changed["Финансовый год"] = ("год не указан", str(fiscal_year))
        if _cite(line, statement, fields) and not outcome.changed:
            outcome.cited.append(_money(line.amount_rub, line.qualifier, line.fiscal_year))
        if qualifier != line.qualifier and not statement.is_implied:
            conflict = conflict_raise(
                cluster=cluster,
                region_id=region.pk,
                fact="qualifier",
                label="Точность суммы",
                target=line,
                kept_value=line.qualifier,
                kept_display=_money(line.amount_rub, line.qualifier, line.fiscal_year),
                proposed_value=qualifier,
                proposed_display=_money(amount_rub, qualifier, fiscal_year),
                st=statement,
                proposed_data={"qualifier": qualifier},
            )
            if conflict is not None:
                outcome.conflicts.append(conflict)
                outcome.notes.append(
                    "расхождение: точность сумм — в реестре "
                    f"«{conflict.kept_display}», в источнике «{conflict.proposed_display}»"
                )
        return line, ("changed" if outcome.changed else "cited"), outcome

    # Another sum for the same cluster, budget and year: a disagreement. A region's joint
    # money has no one scope to disagree about — joint sums of different items are sums for
    # different groups of clusters — so another joint sum is a line of its own.
    others = [ln for ln in lines if not is_tranche] if cluster is not None else []
    if others and not statement.is_implied:
        return others[0], _disagree(others[0], fields, statement, note, outcome), outcome

    line = funding_line_create(
        actor=actor,
        cluster=cluster,
        region=region,
        funding_source=funding_source,
        source=statement.source,
        exact_wording=statement.quote,
        note=note,
        **fields,
    )
    _cite(line, statement, fields)
    outcome.changed["Строка финансирования"] = ("", _money(amount_rub, qualifier, fiscal_year))
    return line, "new", outcome


def _wanted(line: FundingLine, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of `line` that differ from what the document says (a year it leaves empty
    is not a difference)."""
    wanted = {k: v for k, v in fields.items() if v is not None and getattr(line, k) != v}
    return wanted


def _disagree(
    line: FundingLine, fields: dict[str, Any], statement: Statement, note: str, outcome
) -> str:
    proposed = _money(fields["amount_rub"], fields["qualifier"], fields["fiscal_year"])
    conflict = conflict_raise(
        cluster=line.cluster,
        region_id=line.region_id,
        fact="amount",
        label=f"Сумма: {FundingSource(line.funding_source).label}",
        target=line,
        kept_value=str(line.amount_rub),
        kept_display=_money(line.amount_rub, line.qualifier, line.fiscal_year),
        proposed_value=f"{fields['amount_rub']}|{fields['qualifier']}|{fields['fiscal_year'] or ''}",
        proposed_display=proposed,
        st=statement,
        proposed_data={
            "amount_rub": str(fields["amount_rub"]),
            "qualifier": fields["qualifier"],
            "fiscal_year": fields["fiscal_year"],
            "note": note,
        },
    )
    if conflict is not None:
        outcome.conflicts.append(conflict)
        outcome.notes.append(
            f"расхождение: сумма — в реестре «{conflict.kept_display}», в источнике "
            f"«{proposed}»; оставлена строка реестра"
        )
    return "conflict"


def _apply_line_conflict(*, actor, conflict: FactConflict, state: str, statement, comment) -> None:
    """How a decided money conflict is written (registered for clusters.facts)."""
    from clusters.choices import ConflictState

    line = FundingLine.objects.get(pk=conflict.target_id)
    data = conflict.proposed_data
    fields = {
        "amount_rub": Decimal(data.get("amount_rub", line.amount_rub)),
        "qualifier": data.get("qualifier", line.qualifier),
        "fiscal_year": data.get("fiscal_year", line.fiscal_year),
    }
    if state == ConflictState.SEPARATE:
        if conflict.fact != "amount":
            raise ValidationError("Отдельной строкой можно записать только сумму.")
        new = funding_line_create(
            actor=actor,
            cluster=line.cluster,
            region=line.region,
            funding_source=line.funding_source,
            source=statement.source,
            exact_wording=statement.quote,
            note=data.get("note", "") or f"Отдельная строка: {comment}",
            **fields,
        )
        _cite(new, statement, fields)
        return
    line._change_reason = comment
    changes = {k: v for k, v in fields.items() if k in data}
    line = funding_line_update(actor=actor, line=line, **changes)
    _cite(line, statement, fields)


conflict_appliers["funding.fundingline"] = _apply_line_conflict


def cluster_merge_follow(run, kept, merged) -> None:
    """Money follows a cluster merged into another (registered in funding.apps): its lines
    move to the kept cluster; a line the kept one already has (same budget and sum, a year
    the same or unknown) is one line citing both sources. Runs on the model classes of the
    merge (the data migration's too); with the registry's own, the totals are recomputed."""
    m = run.m
    for line in m.FundingLine.objects.filter(cluster_id=merged.pk).order_by("pk"):
        twins = m.FundingLine.objects.filter(
            cluster_id=kept.pk, funding_source=line.funding_source, amount_rub=line.amount_rub
        )
        if line.fiscal_year is not None:
            twins = twins.filter(Q(fiscal_year=line.fiscal_year) | Q(fiscal_year__isnull=True))
        twin = twins.order_by("pk").first()
        if twin is None:
            run.set(line, cluster_id=kept.pk, region_id=kept.region_id)
            continue
        cited = set(
            m.FundingLineCitation.objects.filter(line_id=twin.pk).values_list(
                "source_id", flat=True
            )
        )
        for citation in m.FundingLineCitation.objects.filter(line_id=line.pk).order_by("pk"):
            if citation.source_id in cited:
                run.delete(citation)
            else:
                cited.add(citation.source_id)
                run.set(citation, line_id=twin.pk)
        if twin.fiscal_year is None and line.fiscal_year is not None:
            run.set(twin, fiscal_year=line.fiscal_year)
        run.delete(line)
    if m.FundingLine is FundingLine:
        # The merged cluster leaves its region's counts of clusters (clusters.ClusterCount).
        _schedule_clusters({kept.pk}, regions={kept.region_id, merged.region_id})


def cluster_revert_follow(merge) -> None:
    """After a cluster merge is undone, both clusters' totals and their regions' counts of
    clusters are recomputed."""
    if merge.model == "cluster":
        _schedule_clusters({merge.kept_id, merge.merged_id})


def _schedule_clusters(cluster_ids: set[int], regions: set[int] | None = None) -> None:
    from funding.scopes import scopes_of_lines
    from funding.services.scheduling import funding_totals_schedule

    lines = FundingLine.objects.filter(cluster_id__in=cluster_ids)
    scopes = scopes_of_lines(lines)
    existing = dict(Cluster.objects.filter(pk__in=cluster_ids).values_list("pk", "region_id"))
    scopes.cluster_ids |= set(existing)
    scopes.count_region_ids |= set(existing.values()) | (regions or set())
    funding_totals_schedule(scopes=scopes)
