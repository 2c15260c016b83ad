from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.qualifiers import TotalQualifier
from common.querysets import RegistryQuerySet
from regions.choices import RegionKind, ReportedMeasure


class FederalDistrictQuerySet(RegistryQuerySet):
    pass


class FederalDistrict(TimeStampedModel):
    """One of the eight federal districts that group the federal subjects."""

    code = models.CharField("код", max_length=8, unique=True)
    name = models.CharField("название", max_length=100, unique=True)
    name_en = models.CharField("название (англ.)", max_length=100, blank=True)
    history = HistoricalRecords()

    objects = FederalDistrictQuerySet.as_manager()

    class Meta:
        verbose_name = "федеральный округ"
        verbose_name_plural = "федеральные округа"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:district", kwargs={"code": self.code.lower()})


class RegionQuerySet(RegistryQuerySet):
    def in_district(self, district: FederalDistrict | int) -> RegionQuerySet:
        return self.filter(federal_district=district)


class Region(TimeStampedModel):
    """A federal subject of the Russian Federation, identified by its tax-service code."""

    code = models.CharField(
        "код субъекта",
        max_length=2,
        unique=True,
        help_text="Двузначный код субъекта по классификатору ФНС (как в ИНН), например 38.",
    )
    name = models.CharField("название", max_length=150, unique=True)
    name_en = models.CharField("название (англ.)", max_length=150, blank=True)
    kind = models.CharField("вид субъекта", max_length=20, choices=RegionKind.choices)
    federal_district = models.ForeignKey(
        FederalDistrict,
        verbose_name="федеральный округ",
        on_delete=models.PROTECT,
        related_name="regions",
        null=True,
        blank=True,
        help_text="Пусто, если указ ещё не отнёс субъект ни к одному округу.",
    )
    slug = models.SlugField("адрес страницы (slug)", max_length=150, unique=True)
    history = HistoricalRecords()

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "субъект РФ"
        verbose_name_plural = "субъекты РФ"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}$"),
                name="regions_region_code_two_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:detail", kwargs={"slug": self.slug})


class ReportedCountQuerySet(RegistryQuerySet):
    def national(self, measure: str) -> ReportedCount | None:
        """The latest count of `measure` reported for the whole country, if any."""
        return self.filter(measure=measure, region__isnull=True).order_by("-as_of", "-pk").first()

    def national_latest(self) -> dict[str, ReportedCount]:
        """Measure → the latest count reported for the whole country (one query)."""
        latest: dict[str, ReportedCount] = {}
        for row in self.filter(region__isnull=True).order_by("measure", "-as_of", "-pk"):
            latest.setdefault(row.measure, row)
        return latest

    def of_region(self, measure: str, region: Region) -> ReportedCount | None:
        """The latest count of `measure` reported for `region`, if any."""
        return self.filter(measure=measure, region=region).order_by("-as_of", "-pk").first()

    def latest_by_region(self, measure: str) -> dict[int, ReportedCount]:
        """Region id → the latest count of `measure` reported for it (one query; a region no
        source gives a count for is absent)."""
        latest: dict[int, ReportedCount] = {}
        rows = self.filter(measure=measure, region__isnull=False).order_by(
            "region_id", "-as_of", "-pk"
        )
        for row in rows:
            latest.setdefault(row.region_id, row)
        return latest


# Reported counts are exact or approximate figures of a source; a sum's «mixed» is not one.
REPORTED_QUALIFIERS = [(v, label) for v, label in TotalQualifier.choices if v != "mixed"]


class ReportedCount(TimeStampedModel):
    """A count the ministry, a regional government or the press reports for the whole country
    or one region — of the project's clusters, or of the subjects, industries or partner
    employers they span — with its wording, date and address. The pages set the registry's
    own count against it («в реестре 5 из 13»); it is never the registry's figure."""

    measure = models.CharField("что посчитано", max_length=16, choices=ReportedMeasure.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="субъект РФ",
        on_delete=models.CASCADE,
        related_name="reported_counts",
        null=True,
        blank=True,
        help_text="Пусто — число по всей стране.",
    )
    value = models.PositiveIntegerField("число")
    qualifier = models.CharField(
        "точность", max_length=15, choices=REPORTED_QUALIFIERS, default=TotalQualifier.EXACT
    )
    wording = models.TextField(
        "формулировка источника", blank=True, help_text="Цитата, в которой названо число."
    )
    as_of = models.DateField(
        "дата", help_text="Дата на странице источника (если её нет — из адреса страницы)."
    )
    as_of_label = models.CharField(
        "дата, как её даёт источник",
        max_length=40,
        blank=True,
        help_text="Если источник называет только месяц или год: «февраль 2026 г.».",
    )
    publisher = models.CharField("издание", max_length=200)
    url = models.URLField("адрес страницы", max_length=500)
    history = HistoricalRecords()

    objects = ReportedCountQuerySet.as_manager()

    class Meta:
        verbose_name = "число по данным источников"
        verbose_name_plural = "числа по данным источников"
        ordering = ["measure", "region__name", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "region", "url"],
                condition=models.Q(region__isnull=False),
                name="regions_reportedcount_unique_region",
            ),
            models.UniqueConstraint(
                fields=["measure", "url"],
                condition=models.Q(region__isnull=True),
                name="regions_reportedcount_unique_national",
            ),
        ]

    def __str__(self) -> str:
        scope = self.region.name if self.region_id else "Россия"
        return f"{scope}: {self.get_measure_display()} — {self.value} ({self.publisher})"
