"""Read-only helpers that turn STORED funding totals into what the pages draw.

Nothing here reads funding lines or writes anything: the pages show the totals that
`funding.services` computed. The charts are plain SVG geometry rendered by a template
(`templates/funding/_chart.html`), so they work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from common.qualifiers import combine, mark
from funding.choices import FundingSource
from funding.models import FundingTotal

# (source, css class) in the order bars stack and legends list.
SOURCE_CSS: tuple[tuple[FundingSource, str], ...] = (
    (FundingSource.FEDERAL, "src-federal"),
    (FundingSource.REGIONAL, "src-regional"),
    (FundingSource.EMPLOYER, "src-employer"),
    (FundingSource.EXTRABUDGETARY, "src-extra"),
)

# Chart geometry in SVG user units; the stylesheet scales the drawing to the column width.
# Each row is its label on one line, its amount on the next, then a full-width bar, so a long
# label («Год не указан») and a long amount («≈ 6,4 млрд ₽ (оценка: смешанная)») never
# overlap, whatever the width.
WIDTH = 360
TEXT_HEIGHT = 19
BAR_HEIGHT = 16
ROW_GAP = 12
ROW_HEIGHT = 2 * TEXT_HEIGHT + BAR_HEIGHT + ROW_GAP
TOP = 4


@dataclass
class SourceAmount:
    """One budget part of a figure; `amount` None: no line gives it (unknown, not zero)."""

    source: FundingSource
    label: str
    amount: Decimal | None
    qualifier: str | None
    css: str

    @property
    def is_known(self) -> bool:
        return self.amount is not None


@dataclass
class Breakdown:
    """Money of one scope (a cluster, or a year of a region) split by funding source.

    Built from a stored total (`breakdown`) or from several (`overall`), it says what they
    say: `has_data` — some line stands behind it; `parts_known` — which budgets; `total` —
    the sum of the known parts, which is the whole only when `is_complete`.
    """

    label: str
    parts: list[SourceAmount]
    total: Decimal | None
    qualifier: str | None
    has_data: bool = False
    computed_at: object = None
    is_stale: bool = False

    @property
    def known_parts(self) -> list[SourceAmount]:
        return [part for part in self.parts if part.is_known]

    @property
    def unknown_parts(self) -> list[SourceAmount]:
        return [part for part in self.parts if not part.is_known]

    @property
    def nonzero_parts(self) -> list[SourceAmount]:
        """The parts a bar can draw: known and more than nothing."""
        return [part for part in self.known_parts if part.amount]

    @property
    def is_complete(self) -> bool:
        return self.has_data and not self.unknown_parts

    @property
    def known_part_labels(self) -> list[str]:
        return [part.label for part in self.known_parts]


def year_label(year: int | None) -> str:
    return str(year) if year else "год не указан"


def breakdown(total: FundingTotal, label: str = "") -> Breakdown:
    """The per-source view of one stored total row (unknown parts stay None)."""
    parts = [
        SourceAmount(
            source=source,
            label=source.label,
            amount=total.part_amount(source),
            qualifier=total.part_qualifier(source),
            css=css,
        )
        for source, css in SOURCE_CSS
    ]
    return Breakdown(
        label=label or year_label(getattr(total, "fiscal_year", None)),
        parts=parts,
        total=total.total_rub,
        qualifier=total.qualifier,
        has_data=total.has_data,
        computed_at=total.computed_at,
        is_stale=total.is_stale,
    )


def by_year(totals: Iterable[FundingTotal]) -> list[Breakdown]:
    """Yearly totals in year order, the «год не указан» bucket last.

    A stored row that no funding line stands behind is left out: a year no source gives
    money for is unknown, not «0 ₽».
    """
    rows = sorted(
        (t for t in totals if t.has_data),
        key=lambda t: (t.fiscal_year is None, t.fiscal_year or 0),
    )
    return [breakdown(row) for row in rows]


def cluster_breakdown(stored: FundingTotal | None) -> Breakdown | None:
    """A cluster's own money, or None when no funding line names the cluster."""
    if stored is None or not stored.has_data:
        return None
    return breakdown(stored, label="всего")


def _sum_known(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the known values; None when none is known (unknown is not zero)."""
    known = [value for value in values if value is not None]
    return sum(known, Decimal(0)) if known else None


def overall(rows: Sequence[Breakdown], label: str = "за все годы") -> Breakdown | None:
    """All years together: adds the stored yearly totals (a handful of rows), not lines.

    A budget part is known over all years when it is known in some year (as the stored
    totals over all years are: some line gives it)."""
    if not rows:
        return None
    parts = []
    for index, (source, css) in enumerate(SOURCE_CSS):
        known = [row.parts[index] for row in rows if row.parts[index].is_known]
        parts.append(
            SourceAmount(
                source=source,
                label=source.label,
                amount=_sum_known(part.amount for part in known),
                qualifier=combine(part.qualifier for part in known) if known else None,
                css=css,
            )
        )
    computed = [row.computed_at for row in rows if row.computed_at]
    with_data = [row for row in rows if row.has_data]
    return Breakdown(
        label=label,
        parts=parts,
        total=_sum_known(row.total for row in with_data),
        qualifier=combine(row.qualifier for row in with_data) if with_data else None,
        has_data=bool(with_data),
        computed_at=min(computed) if computed else None,
        is_stale=any(row.is_stale for row in rows),
    )


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class ChartRow:
    label: str
    text_y: float
    value: Breakdown
    rects: list[Rect] = field(default_factory=list)

    @property
    def value_y(self) -> float:
        """The baseline of the amount, the line under the label."""
        return self.text_y + TEXT_HEIGHT


@dataclass
class Chart:
    """A horizontal stacked-bar chart: one row per breakdown, one segment per source."""

    width: int
    height: int
    rows: list[ChartRow]
    legend: list[tuple[str, str]]


def stacked_bars(rows: Sequence[Breakdown]) -> Chart | None:
    """Geometry for `rows`; None when there is no money to draw."""
    peak = max((row.total or Decimal(0) for row in rows), default=Decimal(0))
    if not peak:
        return None
    chart_rows = []
    for index, row in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        x = 0.0
        rects = []
        for part in row.nonzero_parts:
            width = float(part.amount / peak) * WIDTH
            rects.append(
                Rect(
                    x=round(x, 2),
                    y=top + 2 * TEXT_HEIGHT,
                    width=round(max(width, 1.0), 2),
                    height=BAR_HEIGHT,
                    css=part.css,
                    title=part.label,
                )
            )
            x += width
        chart_rows.append(ChartRow(label=row.label, text_y=top + 14, value=row, rects=rects))
    used = {part.css for row in rows for part in row.nonzero_parts}
    legend = [(source.label, css) for source, css in SOURCE_CSS if css in used]
    return Chart(
        width=WIDTH,
        height=TOP + len(rows) * ROW_HEIGHT - ROW_GAP + TOP,
        rows=chart_rows,
        legend=legend,
    )


def per_source_rows(total: Breakdown) -> list[Breakdown]:
    """One chart row per known funding source of a single scope (the cluster page's chart)."""
    return [
        Breakdown(
            label=_short_source_label(part.source),
            parts=[part],
            total=part.amount,
            qualifier=part.qualifier,
            has_data=True,
        )
        for part in total.nonzero_parts
    ]


def _short_source_label(source: FundingSource) -> str:
    return str(source.label)


@dataclass
class JointFunding:
    """Money a source gives only jointly for several clusters of one region, this one among them."""

    region: object
    lines: list
    partners: list
    total: Decimal
    qualifier: str


def joint_funding(cluster, user) -> JointFunding | None:
    """The region-level money that is this cluster's share of a joint sum, if any.

    A source that names one sum «на два ОПЦ» is stored as region-level lines (no cluster),
    never split. The cluster takes part in it when it has no money line of its own and cites
    the same source as the region's lines; the partners are the other clusters of the region
    `user` may see that do the same. Reads only.
    """
    from clusters.models import Cluster
    from funding.models import FundingLine

    if FundingLine.objects.filter(cluster=cluster).exists():
        return None
    source_ids = list(cluster.sources.values_list("pk", flat=True))
    if not source_ids:
        return None
    lines = list(
        FundingLine.objects.visible_to(user)
        .filter(region_id=cluster.region_id, cluster__isnull=True, source_id__in=source_ids)
        .select_related("source")
        .order_by("fiscal_year", "funding_source", "pk")
    )
    if not lines:
        return None
    partners = list(
        Cluster.objects.visible_to(user)
        .filter(region_id=cluster.region_id, sources__in={line.source_id for line in lines})
        .exclude(pk=cluster.pk)
        .exclude(funding_lines__isnull=False)
        .distinct()
        .order_by("name")
    )
    return JointFunding(
        region=cluster.region,
        lines=lines,
        partners=partners,
        total=sum((line.amount_rub for line in lines), Decimal(0)),
        qualifier=combine(line.qualifier for line in lines),
    )


# --- the tile-grid map of the subjects ---------------------------------------------------

MAP_METRICS = {"clusters": "по числу кластеров", "money": "по вложенным деньгам"}
TILE = 44  # SVG user units per tile, gap included
TILE_GAP = 4
MAP_CLASSES = 4


@dataclass
class MapTile:
    x: int
    y: int
    size: int
    label: str
    name: str
    url: str
    value_text: str
    css: str


@dataclass
class RegionMap:
    metric: str
    metric_label: str
    width: int
    height: int
    tiles: list[MapTile]
    legend: list[tuple[str, str]]
    rows: list[MapTile]  # the text alternative, by name


def _classes(values: list[Decimal]) -> list[Decimal]:
    """Upper bounds of MAP_CLASSES equal-width classes from the smallest to the largest value."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [high]
    step = (high - low) / MAP_CLASSES
    return [low + step * (i + 1) for i in range(MAP_CLASSES)]


def region_map(user, metric: str = "clusters") -> RegionMap:
    """Tiles of the 89 subjects coloured by the clusters `user` may see or by public money.

    Money comes from the stored region totals (all years); a subject no source gives money
    for is «сведений нет», drawn apart from every money class. Reads only.
    """
    from clusters.counts import cluster_counts
    from common.templatetags.ru_format import format_rub_short
    from funding.models import HAS_DATA, RegionFundingTotal
    from regions.coverage import regions_coverage
    from regions.models import Region
    from regions.tilemap import COLUMNS, ROWS, TILES

    metric = metric if metric in MAP_METRICS else "clusters"
    regions = list(Region.objects.order_by("name"))
    if metric == "money":
        values: dict[int, Decimal] = {}
        qualifiers: dict[int, list[str]] = {}
        for total in RegionFundingTotal.objects.filter(HAS_DATA):
            values[total.region_id] = values.get(total.region_id, Decimal(0)) + total.total_rub
            qualifiers.setdefault(total.region_id, []).append(total.qualifier)
    else:
        counts = cluster_counts(user, "region")
        values = {region_id: Decimal(n) for region_id, n in counts.items()}
        # Each subject's count beside the one reported for it; none in the registry is
        # «в реестре нет сведений», never «нет кластеров».
        coverage = regions_coverage({r.pk: int(values.get(r.pk, 0)) for r in regions})
    bounds = _classes([v for v in values.values() if v])

    def css_of(value: Decimal | None) -> str:
        # No money fact, or no cluster in the registry: unknown, not «none».
        if value is None or (metric == "clusters" and not value):
            return "tile-unknown"
        if not value:
            return "tile-none"  # money that some source gives as 0
        return f"tile-{next(i for i, b in enumerate(bounds, 1) if value <= b or i == len(bounds))}"

    def text_of(region_id: int) -> str:
        value = values.get(region_id)
        if metric == "money":
            if value is None:
                return "сведений нет"
            return f"{mark(combine(qualifiers[region_id]))}{format_rub_short(value)}"
        return coverage[region_id].short_text

    tiles = []
    for region in regions:
        col, row, label = TILES.get(region.code, (None, None, None))
        value = values.get(region.pk) if metric == "money" else values.get(region.pk, Decimal(0))
        tile = MapTile(
            x=(col or 0) * TILE,
            y=(row or 0) * TILE,
            size=TILE - TILE_GAP,
            label=label or region.code,
            name=region.name,
            url=region.get_absolute_url(),
            value_text=text_of(region.pk),
            css=css_of(value),
        )
        tiles.append(tile)
    legend = []
    if metric == "money":
        legend.append(("сведений нет", "tile-unknown"))
        previous = None
        for index, bound in enumerate(bounds, 1):
            start = format_rub_short(previous) if previous is not None else None
            text = (
                f"до {format_rub_short(bound)}"
                if start is None
                else f"{start} – {format_rub_short(bound)}"
            )
            legend.append((text, f"tile-{index}"))
            previous = bound
    else:
        legend.append(("в реестре нет сведений", "tile-unknown"))
        previous = Decimal(0)
        for index, bound in enumerate(bounds, 1):
            low, high = int(previous) + 1, int(bound)
            if high >= low:
                legend.append((str(low) if low == high else f"{low}–{high}", f"tile-{index}"))
            previous = bound
    return RegionMap(
        metric=metric,
        metric_label=MAP_METRICS[metric],
        width=COLUMNS * TILE,
        height=ROWS * TILE,
        tiles=tiles,
        legend=legend,
        rows=tiles,
    )
