"""What each template kind holds, how its rows find their registry object, and how they write.

Natural keys make an import repeatable: the same file twice changes nothing. Region by its
code or name; industry by slug or name; college and employer by ИНН, else by the shared
matcher (clusters/matching.py) in the subject; cluster by slug, else its base college in the
subject, else its name in the subject; source by its address, else title + date; a funding
line by scope, budget, amount and year (funding/services/facts.py); a figure by cluster,
kind and value. Every write goes through the write services with the importing user as
actor; what a row states is merged with what other documents said (clusters/facts.py).
One module per kind: sources, organisations (colleges and employers), clusters, money
(funding lines and figures); base.py holds the cells' parsers and the import's context.
"""

from imports.choices import ImportKind
from imports.kinds.base import Context, Kind, Outcome, RowError, normalise
from imports.kinds.clusters import CLUSTERS
from imports.kinds.money import FigureKindSpec, FundingKind
from imports.kinds.organisations import COLLEGES, EMPLOYERS
from imports.kinds.sources import SourceKind

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (SourceKind(), COLLEGES, EMPLOYERS, CLUSTERS, FundingKind(), FigureKindSpec())
}
# The order a set of files is imported in, so every row finds what it refers to.
KIND_ORDER = [
    ImportKind.SOURCES,
    ImportKind.COLLEGES,
    ImportKind.EMPLOYERS,
    ImportKind.CLUSTERS,
    ImportKind.FUNDING,
    ImportKind.FIGURES,
]

__all__ = [
    "COLLEGES",
    "EMPLOYERS",
    "KINDS",
    "KIND_ORDER",
    "Context",
    "Kind",
    "Outcome",
    "RowError",
    "normalise",
]
