"""Bringing data stored before facts had sources (issue 18) in line with the rules: every
figure and money line cites its own source, placeholders stored as organisations become the
count they report (or nothing), and records that are surely one organisation or cluster are
merged (clusters/merging.py, recorded so staff can undo each merge).

Runs on the model classes it is given: the data migration passes its historical models, the
seed command the registry's own. Returns what it did, counted.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from clusters.choices import CollegeRole, FactKind, FigureKind
from clusters.matching import OrgIndex, PlaceholderKind, clean_name, placeholder
from clusters.merging import Models, merge_run
from common.qualifiers import Qualifier


def citations_backfill(m: Models) -> Counter:
    """A figure's and a money line's own source becomes their first citation."""
    done: Counter = Counter()
    cited = set(
        m.Citation.objects.filter(figure__isnull=False).values_list("figure_id", "source_id")
    )
    for figure in m.ReportedFigure.objects.order_by("pk").iterator():
        if (figure.pk, figure.source_id) in cited:
            continue
        m.Citation.objects.create(
            cluster_id=figure.cluster_id,
            fact=FactKind.FIGURE,
            figure_id=figure.pk,
            value=f"{figure.value.normalize():f}",
            source_id=figure.source_id,
            quote=figure.exact_wording,
        )
        done["figure citations"] += 1
    if m.FundingLine is not None:
        cited = set(m.FundingLineCitation.objects.values_list("line_id", "source_id"))
        new = [
            m.FundingLineCitation(
                line_id=line.pk,
                source_id=line.source_id,
                amount_rub=line.amount_rub,
                qualifier=line.qualifier,
                fiscal_year=line.fiscal_year,
                quote=line.exact_wording,
            )
            for line in m.FundingLine.objects.order_by("pk").iterator()
            if (line.pk, line.source_id) not in cited
        ]
        m.FundingLineCitation.objects.bulk_create(new)
        done["money citations"] += len(new)
    return done


def _placeholder_members(m: Models, model, membership, owner_field: str, kind: str) -> Counter:
    """Organisations whose name is a placeholder: each membership becomes a count of the
    cluster (when it says how many and the cluster cites a source), the record goes; names
    with a source's marker («(…)», «(+5 more…)») lose the marker."""
    done: Counter = Counter()
    name_field = "full_name" if model is m.College else "name"
    for org in model.objects.order_by("pk"):
        name = getattr(org, name_field)
        found = placeholder(name)
        if found is None:
            cleaned = clean_name(name)
            if cleaned and cleaned != name:
                setattr(org, name_field, cleaned)
                org.aliases = [*(org.aliases or []), name]
                org.save()
                done["names cleaned of a source's marker"] += 1
            continue
        for member in membership.objects.filter(**{owner_field: org}).order_by("pk"):
            count = found.count if found.kind is PlaceholderKind.GROUP else 1
            source_id = (
                m.Cluster.objects.get(pk=member.cluster_id)
                .sources.order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if count and source_id:
                named = membership.objects.filter(cluster_id=member.cluster_id).exclude(
                    pk=member.pk
                )
                if model is m.College:
                    named = named.filter(role=CollegeRole.NETWORK)
                figure = m.ReportedFigure.objects.create(
                    cluster_id=member.cluster_id,
                    kind=kind,
                    value=Decimal(count + named.count()),
                    qualifier=Qualifier.AT_LEAST,
                    source_id=source_id,
                    exact_wording=name,
                    note="Из списка участников, где источник не назвал всех: «" + name + "».",
                )
                m.Citation.objects.create(
                    cluster_id=member.cluster_id,
                    fact=FactKind.FIGURE,
                    figure_id=figure.pk,
                    value=f"{figure.value.normalize():f}",
                    source_id=source_id,
                    quote=name,
                )
                done["placeholders turned into a count"] += 1
            m.Citation.objects.filter(**{f"cluster_{owner_field}": member}).delete()
            member.delete()
        org.delete()
        done[f"placeholder {owner_field}s removed"] += 1
    return done


def _names(m: Models, org) -> list[str]:
    if isinstance(org, m.College):
        return [org.full_name, org.short_name, *(org.aliases or [])]
    return [org.name, *(org.aliases or [])]


def _merge_sure_duplicates(m: Models, model, *, region_bound: bool) -> int:
    """Merge each record into the oldest record it surely is (the shared matcher: same
    subject; for employers a company known nationwide or the same ИНН across subjects)."""
    merged = 0
    kept_index = OrgIndex(region_bound=region_bound)
    for org in model.objects.order_by("pk"):
        found = kept_index.find(_names(m, org)[0], org.region_id, inn=org.inn)
        if found.sure is None:
            kept_index.add(pk=org.pk, names=_names(m, org), region_id=org.region_id, inn=org.inn)
            continue
        kept = model.objects.get(pk=found.sure.pk)
        merge_run(m, kept=kept, merged=org, reason="данные до проверки дубликатов")
        kept = model.objects.get(pk=kept.pk)
        kept_index.add(pk=kept.pk, names=_names(m, kept), region_id=kept.region_id, inn=kept.inn)
        merged += 1
    return merged


def _merge_duplicate_clusters(m: Models) -> int:
    """Clusters of one subject with the same base college (after the colleges were merged)
    and no two stated industries: one cluster."""
    merged = 0
    by_base: dict[tuple[int, int], list] = {}
    for membership in m.ClusterCollege.objects.filter(role=CollegeRole.BASE).order_by("cluster_id"):
        cluster = m.Cluster.objects.get(pk=membership.cluster_id)
        by_base.setdefault((cluster.region_id, membership.college_id), []).append(cluster)
    for clusters in by_base.values():
        kept = clusters[0]
        for other in clusters[1:]:
            if kept.industry_id and other.industry_id and kept.industry_id != other.industry_id:
                continue  # a college can be the base of two clusters of two industries
            kept = m.Cluster.objects.get(pk=kept.pk)
            merge_run(m, kept=kept, merged=other, reason="данные до проверки дубликатов")
            merged += 1
    return merged


def stored_duplicates_merge(m: Models) -> Counter:
    """Everything above, in order; returns the counts (the data migration prints them)."""
    done = citations_backfill(m)
    done += _placeholder_members(
        m, m.College, m.ClusterCollege, "college", FigureKind.NETWORK_COLLEGES
    )
    done += _placeholder_members(m, m.Employer, m.ClusterEmployer, "employer", FigureKind.EMPLOYERS)
    done["colleges merged"] = _merge_sure_duplicates(m, m.College, region_bound=True)
    done["employers merged"] = _merge_sure_duplicates(m, m.Employer, region_bound=False)
    done["clusters merged"] = _merge_duplicate_clusters(m)
    return done
