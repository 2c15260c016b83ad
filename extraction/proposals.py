"""What the extractor proposes: organisations, clusters, money and figures, each with its span,
and the answer of POST /api/v1/extract/ built from them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass
class Org:
    """A named organisation in the text: its name in the nominative, where, and its aliases."""

    kind: str  # "college" | "employer"
    name: str
    start: int
    end: int
    quote: str
    key: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Span:
    start: int
    end: int
    quote: str


@dataclass
class ClusterProposal:
    key: str
    base_college: Org
    region: str | None = None
    region_span: Span | None = None
    industry: str | None = None  # slug
    industry_span: Span | None = None
    kind: str | None = None
    kind_span: Span | None = None
    year: int | None = None
    year_span: Span | None = None
    network_colleges: list[Org] = field(default_factory=list)
    employers: list[Org] = field(default_factory=list)


@dataclass
class MoneyProposal:
    amount: Decimal
    qualifier: str
    source: str
    start: int
    end: int
    quote: str
    clusters: list[str]  # cluster keys; several = joint
    is_total: bool = False
    is_each: bool = False
    fiscal_year: int | None = None
    source_quote: str = ""
    # Every place the text states this sum (a headline and the body: one proposal).
    mentions: list[tuple[int, int]] = field(default_factory=list)
    # «партнеры вложат по 35 млн каждый»: the partner this line is of, when the text says so.
    payer: str | None = None

    @property
    def is_joint(self) -> bool:
        return len(self.clusters) > 1


@dataclass
class FigureProposal:
    # students | graduates | intake | workshops | employers | colleges | programmes | area
    kind: str
    value: int
    qualifier: str
    start: int
    end: int
    quote: str
    cluster: str | None
    # "cluster": a figure of one cluster (`cluster` its key, or None when the text names no
    # base for it); "region": a figure of the region or of several clusters together.
    scope: str = "cluster"


@dataclass
class Extraction:
    clusters: list[ClusterProposal]
    money: list[MoneyProposal]
    figures: list[FigureProposal]
    organisations: list[Org]
    region: str | None
    # Employers the text names for its clusters together, not for one of them.
    unassigned_employers: list[Org] = field(default_factory=list)

    def cluster(self, key: str | None) -> ClusterProposal | None:
        return next((c for c in self.clusters if c.key == key), None)

    def scope_label(self, money: MoneyProposal) -> str | None:
        names = [self.cluster(k).base_college.name for k in money.clusters if self.cluster(k)]
        if not names:
            return None
        if len(names) > 1:
            return "joint: " + "; ".join(names)
        return names[0]

    def figure_scope_label(self, figure: FigureProposal) -> str | None:
        """The base college of the figure's cluster, «region» for a count of the region (or of
        several clusters together), None for a cluster whose base the text does not name."""
        if figure.scope == "region":
            return "region"
        cluster = self.cluster(figure.cluster)
        return cluster.base_college.name if cluster else None

    def as_api(self) -> dict:
        """The answer of POST /api/v1/extract/, in exactly the issue's shape."""
        return {
            "clusters": [
                {
                    "region": c.region,
                    "industry": c.industry,
                    "kind": c.kind,
                    "base_college": c.base_college.name,
                    "network_colleges": [o.name for o in c.network_colleges],
                    "employers": [o.name for o in c.employers],
                    "year": c.year,
                }
                for c in self.clusters
            ],
            "money": [
                {
                    "amount": int(m.amount)
                    if m.amount == m.amount.to_integral()
                    else float(m.amount),
                    "qualifier": str(m.qualifier),
                    "source": m.source,
                    "scope": self.scope_label(m),
                    "quote": m.quote,
                }
                for m in self.money
            ],
            "figures": [
                {
                    "kind": f.kind,
                    "value": f.value,
                    "qualifier": str(f.qualifier),
                    "scope": self.figure_scope_label(f),
                    "quote": f.quote,
                }
                for f in self.figures
            ],
        }

    def as_json(self) -> dict:
        """Everything, for storing beside the source and for the review screen."""
        data = asdict(self)
        for item in data["money"]:
            item["amount"] = str(item["amount"])
            item["qualifier"] = str(item["qualifier"])
        for item in data["figures"]:
            item["qualifier"] = str(item["qualifier"])
        return data
