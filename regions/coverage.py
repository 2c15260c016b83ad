"""How much of the country the registry holds: its own count set against the reported one.

The registry is built from public items one by one; the ministry reports 506 clusters in 86
regions, and some regions report their own count (regions.models.ReportedCount). Every page
that counts clusters says both, so a reader never takes the registry's count for the whole:
«в реестре 5 из 13 кластеров субъекта, о которых сообщает источник …», and a region the
registry has no records of is «в реестре нет сведений», never «кластеров нет».
"""

from __future__ import annotations

from dataclasses import dataclass

from common.qualifiers import mark
from common.templatetags.ru_format import format_number, plural_form
from regions.choices import ReportedMeasure
from regions.models import Region, ReportedCount

NOMINATIVE = "кластер,кластера,кластеров"  # «5 кластеров»
GENITIVE = "кластера,кластеров,кластеров"  # «из 21 кластера», «из 13 кластеров»
PREPOSITIONAL = "кластере,кластерах,кластерах"  # «о 21 кластере», «о 13 кластерах»


@dataclass(frozen=True)
class Coverage:
    """The registry's cluster count of a scope and the latest count a source reports for it.

    `scope` is how the scope's clusters are named after «кластеров» («субъекта», «страны»)."""

    count: int
    reported: ReportedCount | None = None
    scope: str = ""

    @property
    def reported_value(self) -> int | None:
        return self.reported.value if self.reported else None

    @property
    def missing(self) -> int | None:
        """How many clusters the source reports beyond the registry's (None: no source)."""
        if self.reported is None:
            return None
        return max(self.reported.value - self.count, 0)

    @property
    def is_short(self) -> bool:
        return bool(self.missing)

    def _value(self) -> str:
        return f"{mark(self.reported.qualifier)}{format_number(self.reported.value)}"

    @property
    def lead(self) -> str:
        """The sentence up to the source it cites (`cites_source`: the template adds it)."""
        scope = f" {self.scope}" if self.scope else ""
        count = format_number(self.count)
        if self.reported is None:
            if not self.count:
                return f"В реестре нет сведений о кластерах{scope}."
            return f"В реестре {count}\u00a0{plural_form(self.count, NOMINATIVE)}{scope}."
        value = self.reported.value
        if not self.count:
            return (
                f"В реестре нет сведений о кластерах{scope}; источник сообщает о {self._value()}"
                f"\u00a0{plural_form(value, PREPOSITIONAL)}"
            )
        if self.count < value:
            return (
                f"В реестре {count} из {self._value()}\u00a0{plural_form(value, GENITIVE)}{scope},"
                " о которых сообщает источник"
            )
        return (
            f"В реестре {count}\u00a0{plural_form(self.count, NOMINATIVE)}{scope};"
            f" источник называл {self._value()}"
        )

    @property
    def cites_source(self) -> bool:
        return self.reported is not None

    @property
    def short_text(self) -> str:
        """For a map tile or a list: «в реестре 5 из 13», «в реестре нет сведений (источник: 13)»."""
        if self.reported is None:
            if not self.count:
                return "в реестре нет сведений"
            return f"в реестре {format_number(self.count)}"
        if not self.count:
            return f"в реестре нет сведений (источник: {self._value()})"
        return f"в реестре {format_number(self.count)} из {self._value()}"


def national_coverage(count: int, scope: str = "") -> Coverage:
    """`count` clusters set against the latest national count (506 in 2026)."""
    return Coverage(count, ReportedCount.objects.national(ReportedMeasure.CLUSTERS), scope)


def region_coverage(region: Region, count: int) -> Coverage:
    """A region's clusters in the registry set against the latest count reported for it."""
    reported = ReportedCount.objects.of_region(ReportedMeasure.CLUSTERS, region)
    return Coverage(count, reported, "субъекта")


def regions_coverage(counts: dict[int, int]) -> dict[int, Coverage]:
    """Region id → its coverage, for every region of `counts` (its registry count), in one
    query for the reported counts."""
    reported = ReportedCount.objects.latest_by_region(ReportedMeasure.CLUSTERS)
    return {
        region_id: Coverage(count, reported.get(region_id), "субъекта")
        for region_id, count in counts.items()
    }
