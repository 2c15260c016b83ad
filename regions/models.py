from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.querysets import RegistryQuerySet
from regions.choices import RegionKind


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
