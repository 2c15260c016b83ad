from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from clusters import gate
from clusters.models import Cluster, Industry, Source
from common.models import TimeStampedModel
from common.qualifiers import Qualifier, TotalQualifier, note
from common.querysets import RegistryQuerySet
from common.templatetags.ru_format import format_money
from funding.choices import FundingSource
from regions.models import FederalDistrict, Region

MONEY = {"max_digits": 18, "decimal_places": 2}


class FundingLineQuerySet(RegistryQuerySet):
    def visible_to(self, user) -> FundingLineQuerySet:
        """The gate (clusters/gate.py): region-level lines and lines of visible clusters."""
        rule = gate.funding_line_visible_q(user)
        return self.filter(rule) if rule != Q() else self.all()

    def editable_by(self, user) -> FundingLineQuerySet:
        """Lines of the regions `user` may edit (a cluster's line has its cluster's region)."""
        rule = gate.region_q(gate.editable_region_ids(user, "funding.change_fundingline"), "region")
        return self.none() if rule == gate.NOTHING else self.filter(rule)


class FundingLine(TimeStampedModel):
    """One money fact: an amount from one budget for a cluster (or a region), as a source says."""

    cluster = models.ForeignKey(
        Cluster,
        verbose_name="кластер",
        on_delete=models.CASCADE,
        related_name="funding_lines",
        null=True,
        blank=True,
        help_text="Пусто, если источник даёт сумму только совокупно для нескольких кластеров.",
    )
    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="funding_lines"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "финансовый год",
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="Пусто, если источник не называет год.",
    )
    funding_source = models.CharField(
        "источник средств", max_length=16, choices=FundingSource.choices
    )
    amount_rub = models.DecimalField("сумма, ₽", validators=[MinValueValidator(0)], **MONEY)
    qualifier = models.CharField(
        "точность", max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    source = models.ForeignKey(
        Source, verbose_name="источник", on_delete=models.PROTECT, related_name="funding_lines"
    )
    exact_wording = models.TextField("формулировка источника", blank=True)
    note = models.TextField(
        "примечание", blank=True, help_text="Как получена сумма, если она выведена из других."
    )
    history = HistoricalRecords()

    objects = FundingLineQuerySet.as_manager()

    class Meta:
        verbose_name = "строка финансирования"
        verbose_name_plural = "строки финансирования"
        ordering = ["region__name", "fiscal_year", "funding_source"]
        indexes = [
            models.Index(fields=["region", "fiscal_year"], name="funding_line_region_year"),
            # Holding the cluster, a year's (and source's) lines are counted from the index
            # alone: the gate joins them to their clusters by it (public: published or none).
            models.Index(
                fields=["fiscal_year", "funding_source"],
                include=["cluster"],
                name="funding_line_year_src_cl",
            ),
            # Region-level (joint) lines of a region and year: what a region total reads
            # from the lines besides its region×industry parts.
            models.Index(
                fields=["region", "fiscal_year"],
                condition=Q(cluster__isnull=True),
                name="funding_line_joint_region_year",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_rub__gte=0), name="funding_fundingline_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(funding_source__in=FundingSource.values),
                name="funding_fundingline_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(qualifier__in=Qualifier.values),
                name="funding_fundingline_qualifier_valid",
            ),
        ]

    def __str__(self) -> str:
        who = self.cluster or self.region
        amount = f"{self.amount_rub:,.0f}".replace(",", " ")
        return f"{who}: {self.get_funding_source_display()}, {amount} ₽"

    def clean(self) -> None:
        # A cluster's line belongs to the cluster's region; the admin inline leaves it implied.
        if self.cluster_id and not self.region_id:
            self.region_id = self.cluster.region_id
        if self.cluster_id and self.region_id and self.cluster.region_id != self.region_id:
            raise ValidationError(
                {"region": "Субъект строки должен совпадать с субъектом кластера."}
            )


class FundingLineCitationQuerySet(RegistryQuerySet):
    def visible_to(self, user) -> FundingLineCitationQuerySet:
        """Citations follow their line through the gate."""
        rule = gate.funding_line_visible_q(user, "line__")
        return self.filter(rule) if rule != Q() else self.all()

    def editable_by(self, user) -> FundingLineCitationQuerySet:
        regions = gate.editable_region_ids(user, "funding.change_fundingline")
        rule = gate.region_q(regions, "line__region")
        return self.none() if rule == gate.NOTHING else self.filter(rule)


class FundingLineCitation(TimeStampedModel):
    """A source stating one money fact, with its words and the figure as it gives it.

    One grant reported by two items is one line with two citations: each keeps how its source
    words the sum («около 100 млн», «100 млн в 2023 году») — the line holds what they agree on
    (a year any of them states, the first qualifier)."""

    line = models.ForeignKey(
        FundingLine,
        verbose_name="строка финансирования",
        on_delete=models.CASCADE,
        related_name="citations",
    )
    source = models.ForeignKey(
        Source,
        verbose_name="источник",
        on_delete=models.PROTECT,
        related_name="funding_line_citations",
    )
    amount_rub = models.DecimalField("сумма по источнику, ₽", **MONEY)
    qualifier = models.CharField(
        "точность по источнику", max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    fiscal_year = models.PositiveSmallIntegerField("год по источнику", null=True, blank=True)
    quote = models.TextField("формулировка источника", blank=True)
    is_implied = models.BooleanField(
        "только подразумевается",
        default=False,
        help_text="Источник не называет прямо бюджет или получателя суммы.",
    )

    objects = FundingLineCitationQuerySet.as_manager()

    class Meta:
        verbose_name = "ссылка на источник суммы"
        verbose_name_plural = "ссылки на источники сумм"
        ordering = ["line", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "source"], name="funding_fundinglinecitation_one_per_source"
            ),
            models.CheckConstraint(
                condition=Q(amount_rub__gte=0),
                name="funding_fundinglinecitation_amount_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line}: {self.source}"


def known_parts(amounts: Mapping[str, object]) -> list[str]:
    """The budget parts (FundingSource values, in their order) whose amount is known — not
    None — in `amounts` (source → amount): the one rule behind every `parts_known`."""
    return [source for source in FundingSource.values if amounts.get(source) is not None]


class FundingTotal(models.Model):
    """Derived sums by funding source; written only by funding.services, never by hand.

    Unknown is not zero: a budget part no line feeds is NULL (amount and qualifier), and so is
    the total of a scope no line feeds. `total_rub` is the sum of the KNOWN parts, so a total
    with an unknown part is «известные части», never a complete figure. The properties below
    are the one place that says what is known; pages, API, admin and stats read them.
    """

    federal_rub = models.DecimalField("федеральный бюджет, ₽", null=True, blank=True, **MONEY)
    regional_rub = models.DecimalField("бюджет субъекта, ₽", null=True, blank=True, **MONEY)
    employer_rub = models.DecimalField("работодатели, ₽", null=True, blank=True, **MONEY)
    extrabudgetary_rub = models.DecimalField("внебюджетные, ₽", null=True, blank=True, **MONEY)
    total_rub = models.DecimalField(
        "всего (известные части), ₽",
        null=True,
        blank=True,
        help_text="Сумма тех частей, о которых есть сведения; пусто — сведений нет.",
        **MONEY,
    )
    federal_qualifier = models.CharField(  # noqa: DJ001 — NULL: no line, so no qualifier
        "точность: федеральный бюджет",
        max_length=15,
        choices=TotalQualifier.choices,
        null=True,
        blank=True,
    )
    regional_qualifier = models.CharField(  # noqa: DJ001 — NULL: no line, so no qualifier
        "точность: бюджет субъекта",
        max_length=15,
        choices=TotalQualifier.choices,
        null=True,
        blank=True,
    )
    employer_qualifier = models.CharField(  # noqa: DJ001 — NULL: no line, so no qualifier
        "точность: работодатели",
        max_length=15,
        choices=TotalQualifier.choices,
        null=True,
        blank=True,
    )
    extrabudgetary_qualifier = models.CharField(  # noqa: DJ001 — NULL: no line, so no qualifier
        "точность: внебюджетные",
        max_length=15,
        choices=TotalQualifier.choices,
        null=True,
        blank=True,
    )
    qualifier = models.CharField(  # noqa: DJ001 — NULL: no line, so no qualifier
        "точность итога",
        max_length=15,
        choices=TotalQualifier.choices,
        null=True,
        blank=True,
        help_text="Что позволяют строки: точно, ≈, не менее, не более или смешанная оценка.",
    )
    line_count = models.PositiveIntegerField("строк", default=0)
    computed_at = models.DateTimeField("пересчитано", null=True, blank=True)
    is_stale = models.BooleanField(
        "устарело", default=False, help_text="Строки менялись, а пересчёт ещё не прошёл."
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.scope_label()}: {self.rub_display()}"

    def scope_label(self) -> str:
        year = getattr(self, "fiscal_year", None)
        return str(year) if year else "год не указан"

    def part_amount(self, source: str) -> Decimal | None:
        """The amount of one budget part (a FundingSource value); None: no line gives it."""
        return getattr(self, f"{source}_rub")

    def part_qualifier(self, source: str) -> str | None:
        return getattr(self, f"{source}_qualifier")

    def part_known(self, source: str) -> bool:
        return self.part_amount(source) is not None

    @property
    def parts_known(self) -> list[str]:
        """The budget parts (FundingSource values, in their order) some line gives."""
        return known_parts({source: self.part_amount(source) for source in FundingSource.values})

    @property
    def parts_unknown(self) -> list[str]:
        return [source for source in FundingSource.values if not self.part_known(source)]

    @property
    def is_complete(self) -> bool:
        """Every budget part is known: the total is the whole, not «известные части»."""
        return self.has_data and not self.parts_unknown

    @property
    def known_part_labels(self) -> list[str]:
        return [FundingSource(source).label for source in self.parts_known]

    def rub_display(self, source: str | None = None) -> str:
        """An amount as the registry shows it: «≈ 153 000 000 ₽», «не менее 22 000 000 ₽»,
        «сведений нет» when no line gives it. `source` is a FundingSource value; None gives
        the overall total (of the known parts)."""
        amount = self.total_rub if source is None else self.part_amount(source)
        qualifier = self.qualifier if source is None else self.part_qualifier(source)
        return format_money(amount, qualifier)

    @property
    def has_data(self) -> bool:
        """Whether any line counts in this total; without one the page says «сведений нет».
        The same rule in SQL: `HAS_DATA`."""
        return self.line_count > 0

    is_known = has_data

    @property
    def qualifier_note(self) -> str:
        """One line explaining the overall qualifier when its mark cannot («» otherwise)."""
        return note(self.qualifier)


# The fields a funding line is written with, in the order every door shows them: the admin
# form and inline, the API's read and write serializers, a review's proposed change.
LINE_FIELDS = [
    "cluster",
    "region",
    "fiscal_year",
    "funding_source",
    "amount_rub",
    "qualifier",
    "source",
    "exact_wording",
    "note",
]
# Beside its cluster (the admin inline) a line takes the cluster's region.
LINE_FIELDS_OF_A_CLUSTER = [name for name in LINE_FIELDS if name not in ("cluster", "region")]

# `FundingTotal.has_data` as a filter: the stored rows some line stands behind.
HAS_DATA = Q(line_count__gt=0)


def _year_unique(scope: str, table: str) -> list[models.UniqueConstraint]:
    # Two partial constraints, so that the «год не указан» (NULL) bucket is unique as well
    # on every database, without relying on NULLS NOT DISTINCT.
    return [
        models.UniqueConstraint(
            fields=[scope, "fiscal_year"],
            condition=Q(fiscal_year__isnull=False),
            name=f"funding_{table}_unique_year",
        ),
        models.UniqueConstraint(
            fields=[scope],
            condition=Q(fiscal_year__isnull=True),
            name=f"funding_{table}_unique_no_year",
        ),
    ]


class ClusterFundingTotal(FundingTotal):
    """A cluster's money over all years, by source."""

    cluster = models.OneToOneField(
        Cluster,
        verbose_name="кластер",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="funding_total",
    )

    class Meta:
        verbose_name = "итог по кластеру"
        verbose_name_plural = "итоги по кластерам"

    def scope_label(self) -> str:
        return str(self.cluster)


class ClusterYearFundingTotal(FundingTotal):
    """A cluster's money in one fiscal year (or none given): the part the roll-ups are made of.

    Counts all the cluster's lines, drafts included; `industry` and `is_published` are copies
    of the cluster's, written with the row, so that an industry total is one index range of
    this table (published rows only) instead of a join over every cluster of the industry.
    """

    cluster = models.ForeignKey(
        Cluster,
        verbose_name="кластер",
        on_delete=models.CASCADE,
        related_name="funding_totals_by_year",
    )
    fiscal_year = models.PositiveSmallIntegerField("финансовый год", null=True, blank=True)
    # Empty when the cluster's industry is not known; such rows count in no industry total.
    industry = models.ForeignKey(
        Industry,
        verbose_name="отрасль",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    is_published = models.BooleanField("кластер опубликован", default=False)
    # The cluster's region, copied like its industry: a region×industry part is one index
    # range of this table.
    region = models.ForeignKey(
        Region,
        verbose_name="субъект РФ",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "итог по кластеру за год"
        verbose_name_plural = "итоги по кластерам за год"
        ordering = ["cluster", "fiscal_year"]
        constraints = _year_unique("cluster", "clusteryearfundingtotal")
        indexes = [
            models.Index(
                fields=["region", "industry", "fiscal_year"],
                condition=Q(is_published=True),
                name="funding_clusteryear_region_ind",
            )
        ]

    def scope_label(self) -> str:
        return f"{self.cluster}, {super().scope_label()}"


class RegionIndustryFundingTotal(FundingTotal):
    """The public money of one industry in one region and fiscal year: the part region and
    industry totals are summed from.

    Counts the lines of the region's published clusters of that industry (industry empty:
    clusters whose industry is not known, which count in the region but in no industry);
    summed from cluster×year rows, so that a region's or an industry's total adds up a few
    dozen of these rows instead of thousands of clusters. Not shown on its own.
    """

    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.CASCADE, related_name="+"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name="отрасль",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    fiscal_year = models.PositiveSmallIntegerField("финансовый год", null=True, blank=True)

    class Meta:
        verbose_name = "итог по субъекту и отрасли"
        verbose_name_plural = "итоги по субъектам и отраслям"
        ordering = ["region", "industry", "fiscal_year"]
        constraints = [
            # One row per (region, industry or none, year or none) on every database: the
            # empty industry and the «год не указан» bucket compare as values here.
            models.UniqueConstraint(
                "region",
                Coalesce("industry", models.Value(0)),
                Coalesce("fiscal_year", models.Value(0)),
                name="funding_regionindustryfundingtotal_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["industry", "fiscal_year"], name="funding_regionind_industry"),
        ]

    def scope_label(self) -> str:
        return f"{self.region}, {self.industry or 'отрасль не указана'}, {super().scope_label()}"


class RegionFundingTotal(FundingTotal):
    """A region's public money in one fiscal year (or none given): published clusters and region-level lines."""

    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.CASCADE, related_name="funding_totals"
    )
    fiscal_year = models.PositiveSmallIntegerField("финансовый год", null=True, blank=True)

    class Meta:
        verbose_name = "итог по субъекту"
        verbose_name_plural = "итоги по субъектам"
        ordering = ["region__name", "fiscal_year"]
        constraints = _year_unique("region", "regionfundingtotal")

    def scope_label(self) -> str:
        return f"{self.region}, {super().scope_label()}"


class FederalDistrictFundingTotal(FundingTotal):
    """A federal district's public money in one fiscal year (or with no year given)."""

    federal_district = models.ForeignKey(
        FederalDistrict,
        verbose_name="федеральный округ",
        on_delete=models.CASCADE,
        related_name="funding_totals",
    )
    fiscal_year = models.PositiveSmallIntegerField("финансовый год", null=True, blank=True)

    class Meta:
        verbose_name = "итог по федеральному округу"
        verbose_name_plural = "итоги по федеральным округам"
        ordering = ["federal_district__name", "fiscal_year"]
        constraints = _year_unique("federal_district", "federaldistrictfundingtotal")

    def scope_label(self) -> str:
        return f"{self.federal_district}, {super().scope_label()}"


class IndustryFundingTotal(FundingTotal):
    """An industry's money in one fiscal year (or none given): lines of published clusters."""

    industry = models.ForeignKey(
        Industry, verbose_name="отрасль", on_delete=models.CASCADE, related_name="funding_totals"
    )
    fiscal_year = models.PositiveSmallIntegerField("финансовый год", null=True, blank=True)

    class Meta:
        verbose_name = "итог по отрасли"
        verbose_name_plural = "итоги по отраслям"
        ordering = ["industry__name", "fiscal_year"]
        constraints = _year_unique("industry", "industryfundingtotal")

    def scope_label(self) -> str:
        return f"{self.industry}, {super().scope_label()}"


class NationalFundingTotal(FundingTotal):
    """The country's public money in one fiscal year (or with no year given)."""

    fiscal_year = models.PositiveSmallIntegerField("финансовый год", null=True, blank=True)

    class Meta:
        verbose_name = "итог по стране"
        verbose_name_plural = "итоги по стране"
        ordering = ["fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=Q(fiscal_year__isnull=False),
                name="funding_nationalfundingtotal_unique_year",
            ),
            models.UniqueConstraint(
                models.Value(1),
                condition=Q(fiscal_year__isnull=True),
                name="funding_nationalfundingtotal_unique_no_year",
            ),
        ]

    def scope_label(self) -> str:
        return f"Россия, {super().scope_label()}"
