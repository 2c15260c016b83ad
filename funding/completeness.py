"""«Полнота данных»: which facts the registry still lacks, cluster by cluster.

Reads only. A gap is a fact the sources behind the registry do not give (or nobody has
entered yet): the base college, the selection and launch years, money from each budget, the
employers a source counts but the registry does not name. Public pages show the list for the
clusters the user may see; staff get the same list as a worklist with admin links
(`editable`: the clusters they may change).

Every fact a gap is read from is a column the database computes (`annotate_gaps`), so a list
of 100 000 clusters is filtered to those with gaps, counted per gap and paginated in SQL, and
only the page's clusters are built in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from clusters.choices import CollegeRole, FigureKind
from clusters.models import Cluster, ClusterCollege, ClusterEmployer, ReportedFigure
from funding.choices import FundingSource
from funding.models import FundingLine

GAP_LABELS = {
    "base_college": "не указана базовая организация",
    "selection_year": "не указан год отбора",
    "launch_year": "не указан год первого набора",
    "money": "нет сведений о деньгах",
    "employers": "работодатели названы не все",
}


@dataclass
class ClusterGaps:
    cluster: Cluster
    gaps: list[str] = field(default_factory=list)  # keys of GAP_LABELS
    missing_sources: list[str] = field(default_factory=list)  # labels of budgets with no line
    joint_money: bool = False
    named_employers: int = 0
    reported_employers: Decimal | None = None  # the latest «employers» figure's value, if any
    is_editable: bool = False

    @property
    def texts(self) -> list[str]:
        out = []
        for gap in self.gaps:
            if gap == "money":
                out.append(
                    "сумма названа только совместно с другими кластерами субъекта"
                    if self.joint_money
                    else GAP_LABELS[gap]
                )
            elif gap == "employers":
                out.append(
                    f"работодателей по данным источника {self.reported_employers.normalize():f}, "
                    f"в реестре по названию — {self.named_employers}"
                )
            else:
                out.append(GAP_LABELS[gap])
        if self.missing_sources and "money" not in self.gaps:
            out.append("нет сведений: " + ", ".join(self.missing_sources))
        return out


def annotate_gaps(clusters: QuerySet[Cluster]) -> QuerySet[Cluster]:
    """The queryset with what each gap is read from, as columns computed by the database
    (one subquery per fact), so lists are filtered, counted and paginated in SQL."""
    pk = OuterRef("pk")
    by_source = {
        f"_has_{source.value}": Exists(
            FundingLine.objects.filter(cluster=pk, funding_source=source.value)
        )
        for source in FundingSource
    }
    employer_figures = ReportedFigure.objects.filter(
        cluster=pk, kind=FigureKind.EMPLOYERS
    ).order_by("-as_of", "-pk")
    named = (
        ClusterEmployer.objects.filter(cluster=pk)
        .order_by()
        .values("cluster")
        .annotate(n=Count("employer", distinct=True))
        .values("n")
    )
    facts = clusters.select_related("region").annotate(
        _has_base=Exists(ClusterCollege.objects.filter(cluster=pk, role=CollegeRole.BASE)),
        _joint_money=Exists(
            FundingLine.objects.filter(cluster__isnull=True, region=OuterRef("region"))
        ),
        _named_employers=Coalesce(Subquery(named), 0),
        _reported_employers=Subquery(employer_figures.values("value")[:1]),
        **by_source,
    )
    # Each gap as a column too, from the one rule (`_gap_conditions`): Python only reads it.
    return facts.annotate(
        **{
            f"_gap_{key}": ExpressionWrapper(condition, output_field=BooleanField())
            for key, condition in _gap_conditions().items()
        }
    )


def _gap_conditions() -> dict[str, Q]:
    """What each gap is — the one place it is written: a condition on the facts
    `annotate_gaps` computes (keys in GAP_LABELS order)."""
    no_line = Q(*(Q(**{f"_has_{s.value}": False}) for s in FundingSource))
    return {
        "base_college": Q(_has_base=False),
        "selection_year": Q(selection_year__isnull=True),
        "launch_year": Q(launch_year__isnull=True),
        "money": no_line,
        "employers": Q(_reported_employers__gt=F("_named_employers")),
    }


def with_gaps_q() -> Q:
    """Clusters of an `annotate_gaps` queryset that lack anything (a budget included)."""
    some_source_missing = Q(
        *(Q(**{f"_has_{s.value}": False}) for s in FundingSource), _connector=Q.OR
    )
    gaps = Q(*_gap_conditions().values(), _connector=Q.OR)
    return gaps | some_source_missing


def cluster_gaps(clusters, *, editable: QuerySet[Cluster] | None = None) -> list[ClusterGaps]:
    """The gaps of each cluster of the queryset `clusters` (annotated here unless it already
    is), in its order; `editable`: the clusters the user may change (gate.editable_by)."""
    if "_has_base" not in clusters.query.annotations:
        clusters = annotate_gaps(clusters)
    rows = list(clusters)
    editable_ids = (
        set(editable.filter(pk__in=[c.pk for c in rows]).values_list("pk", flat=True))
        if editable is not None and rows
        else set()
    )
    return [gaps_of(cluster, is_editable=cluster.pk in editable_ids) for cluster in rows]


def gaps_of(cluster: Cluster, *, is_editable: bool = False) -> ClusterGaps:
    """The gaps of one cluster read from the columns `annotate_gaps` gave it (a page that
    reads the cluster through an annotated queryset asks nothing more)."""
    item = ClusterGaps(cluster=cluster, is_editable=is_editable)
    item.gaps = [key for key in GAP_LABELS if getattr(cluster, f"_gap_{key}")]
    if "money" in item.gaps:
        item.joint_money = cluster._joint_money
    item.missing_sources = [
        s.label for s in FundingSource if not getattr(cluster, f"_has_{s.value}")
    ]
    item.named_employers = cluster._named_employers
    if "employers" in item.gaps:
        item.reported_employers = cluster._reported_employers
    return item


def gap_counts(clusters: QuerySet[Cluster]) -> dict[str, int]:
    """How many clusters of the queryset lack each kind of gap, and `any` (listed as having
    gaps, a missing budget included): one aggregate query."""
    conditions = {**_gap_conditions(), "any": with_gaps_q()}
    counts = annotate_gaps(clusters).aggregate(
        **{f"n_{key}": Count("pk", filter=condition) for key, condition in conditions.items()}
    )
    return {key: counts[f"n_{key}"] for key in conditions}


def gap_summary(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, how many clusters lack it) for each kind of gap of `gap_counts`, in GAP_LABELS
    order."""
    return [(label, counts[key]) for key, label in GAP_LABELS.items()]
