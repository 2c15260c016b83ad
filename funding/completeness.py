"""«Полнота данных»: which facts the registry still lacks, cluster by cluster.

Reads only. A gap is a fact the sources behind the registry do not give (or nobody has
entered yet): the base college, the selection and launch years, money from each budget, the
employers a source counts but the registry does not name. Public pages show the list for the
clusters the user may see; staff get the same list as a worklist with admin links
(`editable_ids`: the clusters they may change).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from clusters.choices import CollegeRole, FigureKind
from clusters.models import Cluster, ClusterCollege, ReportedFigure
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
    reported_employers: object = None  # the latest «employers» figure, if a source gives one
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
                figure = self.reported_employers
                out.append(
                    f"работодателей по данным источника {figure.value.normalize():f}, "
                    f"в реестре по названию — {self.named_employers}"
                )
            else:
                out.append(GAP_LABELS[gap])
        if self.missing_sources and "money" not in self.gaps:
            out.append("нет сведений: " + ", ".join(self.missing_sources))
        return out


def cluster_gaps(clusters, *, editable_ids: frozenset[int] = frozenset()) -> list[ClusterGaps]:
    """The gaps of each cluster of the queryset `clusters`, in its order: five queries."""
    rows = (
        clusters.annotate(_named_employers=Count("cluster_employers", distinct=True))
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "cluster_colleges",
                queryset=ClusterCollege.objects.filter(role=CollegeRole.BASE),
                to_attr="_base",
            ),
            Prefetch(
                "figures",
                queryset=ReportedFigure.objects.filter(kind=FigureKind.EMPLOYERS).order_by(
                    "-as_of", "-pk"
                ),
                to_attr="_employer_figures",
            ),
        )
    )
    rows = list(rows)
    sources_by_cluster: dict[int, set[str]] = {}
    for cluster_id, source in (
        FundingLine.objects.filter(cluster__in=[c.pk for c in rows])
        .values_list("cluster_id", "funding_source")
        .distinct()
    ):
        sources_by_cluster.setdefault(cluster_id, set()).add(source)
    joint_regions = set(
        FundingLine.objects.filter(cluster__isnull=True, region__in={c.region_id for c in rows})
        .values_list("region_id", flat=True)
        .distinct()
    )
    result = []
    for cluster in rows:
        item = ClusterGaps(cluster=cluster, is_editable=cluster.pk in editable_ids)
        if not cluster._base:
            item.gaps.append("base_college")
        if not cluster.selection_year:
            item.gaps.append("selection_year")
        if not cluster.launch_year:
            item.gaps.append("launch_year")
        given = sources_by_cluster.get(cluster.pk, set())
        if not given:
            item.gaps.append("money")
            item.joint_money = cluster.region_id in joint_regions
        item.missing_sources = [s.label for s in FundingSource if s.value not in given]
        item.named_employers = cluster._named_employers
        figure = cluster._employer_figures[0] if cluster._employer_figures else None
        if figure is not None and figure.value > item.named_employers:
            item.gaps.append("employers")
            item.reported_employers = figure
        result.append(item)
    return result


def gap_summary(items: list[ClusterGaps]) -> list[tuple[str, int]]:
    """(label, how many clusters lack it) for each kind of gap, in GAP_LABELS order."""
    return [
        (label, sum(1 for item in items if key in item.gaps)) for key, label in GAP_LABELS.items()
    ]
