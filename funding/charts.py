"""Read-only helpers that turn STORED funding totals into what the pages draw.

Nothing here reads funding lines or writes anything: the pages show the totals that
`funding.services` computed. The charts are plain SVG geometry rendered by a template
(`templates/funding/_chart.html`), so they work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from common.qualifiers import combine
from funding.choices import FundingSource
from funding.models import FundingTotal

# (source, amount field, qualifier field, css class) in the order bars stack and legends list.
SOURCES: tuple[tuple[FundingSource, str, str, str], ...] = (
    (FundingSource.FEDERAL, "federal_rub", "federal_qualifier", "src-federal"),
    (FundingSource.REGIONAL, "regional_rub", "regional_qualifier", "src-regional"),
    (FundingSource.EMPLOYER, "employer_rub", "employer_qualifier", "src-employer"),
    (FundingSource.EXTRABUDGETARY, "extrabudgetary_rub", "extrabudgetary_qualifier", "src-extra"),
)

# Chart geometry in SVG user units; the stylesheet scales the drawing to the column width.
# Each row is a caption line (label left, amount right) over a full-width bar, so long
# labels like «год не указан» and «не менее 432 млн ₽» never collide on a phone.
WIDTH = 360
TEXT_HEIGHT = 19
BAR_HEIGHT = 16
ROW_GAP = 12
ROW_HEIGHT = TEXT_HEIGHT + BAR_HEIGHT + ROW_GAP
TOP = 4


@dataclass
class SourceAmount:
    source: FundingSource
    label: str
    amount: Decimal
    qualifier: str
    css: str


@dataclass
class Breakdown:
    """Money of one scope (a cluster, or a year of a region) split by funding source."""

    label: str
    parts: list[SourceAmount]
    total: Decimal
    qualifier: str
    line_count: int = 0
    computed_at: object = None
    is_stale: bool = False

    @property
    def nonzero_parts(self) -> list[SourceAmount]:
        return [part for part in self.parts if part.amount]


def year_label(year: int | None) -> str:
    return str(year) if year else "год не указан"


def breakdown(total: FundingTotal, label: str = "") -> Breakdown:
    """The per-source view of one stored total row."""
    parts = [
        SourceAmount(
            source=source,
            label=source.label,
            amount=getattr(total, amount_field) or Decimal(0),
            qualifier=getattr(total, qualifier_field),
            css=css,
        )
        for source, amount_field, qualifier_field, css in SOURCES
    ]
    return Breakdown(
        label=label or year_label(getattr(total, "fiscal_year", None)),
        parts=parts,
        total=total.total_rub,
        qualifier=total.qualifier,
        line_count=total.line_count,
        computed_at=total.computed_at,
        is_stale=total.is_stale,
    )


def by_year(totals: Iterable[FundingTotal]) -> list[Breakdown]:
    """Yearly totals in year order, the «год не указан» bucket last."""
    rows = sorted(totals, key=lambda t: (t.fiscal_year is None, t.fiscal_year or 0))
    return [breakdown(row) for row in rows]


def overall(rows: Sequence[Breakdown], label: str = "за все годы") -> Breakdown | None:
    """All years together: adds the stored yearly totals (a handful of rows), not lines."""
    if not rows:
        return None
    parts = []
    for index, (source, _amount, _qualifier, css) in enumerate(SOURCES):
        amounts = [row.parts[index] for row in rows]
        parts.append(
            SourceAmount(
                source=source,
                label=source.label,
                amount=sum((a.amount for a in amounts), Decimal(0)),
                qualifier=combine(a.qualifier for a in amounts if a.amount),
                css=css,
            )
        )
    computed = [row.computed_at for row in rows if row.computed_at]
    return Breakdown(
        label=label,
        parts=parts,
        total=sum((row.total for row in rows), Decimal(0)),
        qualifier=combine(row.qualifier for row in rows),
        line_count=sum(row.line_count for row in rows),
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


@dataclass
class Chart:
    """A horizontal stacked-bar chart: one row per breakdown, one segment per source."""

    width: int
    height: int
    rows: list[ChartRow]
    legend: list[tuple[str, str]]


def stacked_bars(rows: Sequence[Breakdown]) -> Chart | None:
    """Geometry for `rows`; None when there is no money to draw."""
    peak = max((row.total for row in rows), default=Decimal(0))
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
                    y=top + TEXT_HEIGHT,
                    width=round(max(width, 1.0), 2),
                    height=BAR_HEIGHT,
                    css=part.css,
                    title=part.label,
                )
            )
            x += width
        chart_rows.append(ChartRow(label=row.label, text_y=top + 14, value=row, rects=rects))
    used = {part.css for row in rows for part in row.nonzero_parts}
    legend = [(source.label, css) for source, _a, _q, css in SOURCES if css in used]
    return Chart(
        width=WIDTH,
        height=TOP + len(rows) * ROW_HEIGHT - ROW_GAP + TOP,
        rows=chart_rows,
        legend=legend,
    )


def per_source_rows(total: Breakdown) -> list[Breakdown]:
    """One chart row per funding source of a single scope (the cluster page's chart)."""
    return [
        Breakdown(
            label=_short_source_label(part.source),
            parts=[part],
            total=part.amount,
            qualifier=part.qualifier,
        )
        for part in total.nonzero_parts
    ]


def _short_source_label(source: FundingSource) -> str:
    return str(source.label)
