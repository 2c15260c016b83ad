from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from clusters import gate
from clusters.choices import (
    ClusterKind,
    ClusterStatus,
    CollegeRole,
    EmployerRole,
    FigureKind,
    ProgrammeLevel,
    ReviewState,
)
from clusters.validators import validate_inn, validate_not_placeholder, validate_ogrn
from common.models import TimeStampedModel
from common.qualifiers import Qualifier
from common.querysets import RegistryQuerySet
from regions.models import FederalDistrict, Region

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Industry(TimeStampedModel):
    """An industry (отрасль) of the project that clusters train people for."""

    slug = models.SlugField("адрес страницы (slug)", max_length=80, unique=True)
    name = models.CharField("название", max_length=150, unique=True)
    name_en = models.CharField("название (англ.)", max_length=150, blank=True)
    history = HistoricalRecords()

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "отрасль"
        verbose_name_plural = "отрасли"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:industry", kwargs={"slug": self.slug})


class Programme(TimeStampedModel):
    """A profession or specialty of secondary vocational education from the national list."""

    code = models.CharField(
        "код", max_length=8, unique=True, help_text="Код по перечню СПО, например 15.01.05."
    )
    name = models.CharField("название", max_length=300)
    level = models.CharField("вид", max_length=12, choices=ProgrammeLevel.choices)
    history = HistoricalRecords()

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "профессия / специальность СПО"
        verbose_name_plural = "профессии и специальности СПО"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"),
                name="clusters_programme_code_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Source(TimeStampedModel):
    """A document the registry's facts come from; clusters, figures and money cite it."""

    title = models.CharField("заголовок", max_length=500)
    publisher = models.CharField("издатель", max_length=300, blank=True)
    published_on = models.DateField("дата публикации", null=True, blank=True)
    url = models.URLField("ссылка", max_length=500, blank=True)
    document_ref = models.CharField(
        "реквизиты документа",
        max_length=300,
        blank=True,
        help_text="Номер и дата документа или имя файла, если ссылки нет.",
    )
    note = models.TextField("примечание", blank=True)
    history = HistoricalRecords()

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "источник"
        verbose_name_plural = "источники"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LegalEntity(TimeStampedModel):
    """Identifiers shared by colleges and employers: ИНН and ОГРН, both optional."""

    inn = models.CharField(
        "ИНН", max_length=10, null=True, blank=True, unique=True, validators=[validate_inn]
    )
    ogrn = models.CharField(
        "ОГРН", max_length=13, null=True, blank=True, unique=True, validators=[validate_ogrn]
    )
    website = models.URLField("сайт", max_length=300, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(inn__isnull=True) | Q(inn__regex=r"^[0-9]{10}$"),
                name="%(app_label)s_%(class)s_inn_ten_digits",
            ),
            models.CheckConstraint(
                condition=Q(ogrn__isnull=True) | Q(ogrn__regex=r"^[0-9]{13}$"),
                name="%(app_label)s_%(class)s_ogrn_thirteen_digits",
            ),
        ]


class _MemberEntityQuerySet(RegistryQuerySet):
    """Colleges and employers: public only through a published cluster (clusters/gate.py)."""

    membership_model: str = ""  # "ClusterCollege" / "ClusterEmployer"
    member_field: str = ""  # its foreign key to this model

    def visible_to(self, user):
        memberships = globals()[self.membership_model].objects
        rule = gate.organisation_visible_q(user, memberships, self.member_field, self._perm())
        return self.filter(rule) if rule != Q() else self.all()

    def _perm(self) -> str:
        meta = self.model._meta
        return f"{meta.app_label}.change_{meta.model_name}"

    def _editable_q(self, user) -> Q:
        return gate.region_q(gate.editable_region_ids(user, self._perm()), "region")

    def editable_by(self, user):
        rule = self._editable_q(user)
        return self.none() if rule == gate.NOTHING else self.filter(rule)


class CollegeQuerySet(_MemberEntityQuerySet):
    membership_model = "ClusterCollege"
    member_field = "college"


class EmployerQuerySet(_MemberEntityQuerySet):
    membership_model = "ClusterEmployer"
    member_field = "employer"


class College(LegalEntity):
    """A professional educational organisation (колледж, техникум, академия)."""

    full_name = models.CharField(
        "полное наименование", max_length=500, validators=[validate_not_placeholder]
    )
    short_name = models.CharField("краткое наименование", max_length=200, blank=True)
    aliases = models.JSONField(
        "другие написания",
        default=list,
        db_default=[],  # rows written by raw SQL (bench data, COPY) have none too
        blank=True,
        help_text="Как ещё источники пишут это название; по ним находят ту же организацию.",
    )
    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="colleges"
    )
    town = models.CharField("населённый пункт", max_length=150, blank=True)
    history = HistoricalRecords()

    objects = CollegeQuerySet.as_manager()

    class Meta(LegalEntity.Meta):
        verbose_name = "образовательная организация"
        verbose_name_plural = "образовательные организации"
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.short_name or self.full_name

    def get_absolute_url(self) -> str:
        return reverse("clusters:college", kwargs={"pk": self.pk})


class Employer(LegalEntity):
    """An employer (предприятие-работодатель) that partners one or more clusters."""

    name = models.CharField("наименование", max_length=500, validators=[validate_not_placeholder])
    aliases = models.JSONField(
        "другие написания",
        default=list,
        db_default=[],  # rows written by raw SQL (bench data, COPY) have none too
        blank=True,
        help_text="Как ещё источники пишут это название; по ним находят ту же организацию.",
    )
    region = models.ForeignKey(
        Region,
        verbose_name="субъект РФ",
        on_delete=models.PROTECT,
        related_name="employers",
        null=True,
        blank=True,
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name="отрасль",
        on_delete=models.PROTECT,
        related_name="employers",
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    objects = EmployerQuerySet.as_manager()

    class Meta(LegalEntity.Meta):
        verbose_name = "работодатель"
        verbose_name_plural = "работодатели"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:employer", kwargs={"pk": self.pk})


class ClusterQuerySet(RegistryQuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> ClusterQuerySet:
        """The gate (clusters/gate.py): published clusters, plus the drafts `user` may see."""
        rule = gate.cluster_visible_q(user)
        return self.filter(rule) if rule != Q() else self.all()

    def editable_by(self, user: AbstractBaseUser | AnonymousUser | None) -> ClusterQuerySet:
        """Clusters `user` may change: every region for federal editors, their own for regional."""
        rule = gate.cluster_editable_q(user)
        return self.none() if rule == gate.NOTHING else self.filter(rule)

    def awaiting_review(self) -> ClusterQuerySet:
        return self.filter(review_state=ReviewState.IN_REVIEW)

    def in_region(self, region: Region | int) -> ClusterQuerySet:
        return self.filter(region=region)

    def in_district(self, district: FederalDistrict | int) -> ClusterQuerySet:
        return self.filter(region__federal_district=district)

    def in_industry(self, industry: Industry | int) -> ClusterQuerySet:
        return self.filter(industry=industry)

    def search(self, text: str, *, matched_ids: bool = True) -> ClusterQuerySet:
        """Clusters whose name, description, colleges (names, town), employers or region
        contain every word of `text` in any Russian word form; see clusters/search.py.

        On PostgreSQL the search runs at once and the result filters by the matched ids;
        `matched_ids=False` keeps it a subquery (the plain path the tests compare with)."""
        from clusters import search

        query = search.query_words(text)
        if not query:
            return self
        vendor = connection.vendor
        found = self
        documents = search.DOCUMENTS
        for word in query:  # every word, each in any of the documents
            colleges = search.matching(College.objects, documents["clusters_college"], word, vendor)
            employers = search.matching(
                Employer.objects, documents["clusters_employer"], word, vendor
            )
            regions = search.matching(Region.objects, documents["regions_region"], word, vendor)
            branches = [
                search.matching(Cluster.objects, documents["clusters_cluster"], word, vendor)
                .order_by()
                .values_list("pk"),
                ClusterCollege.objects.filter(college__in=colleges.values("pk"))
                .order_by()
                .values_list("cluster_id"),
                ClusterEmployer.objects.filter(employer__in=employers.values("pk"))
                .order_by()
                .values_list("cluster_id"),
                Cluster.objects.filter(region__in=regions.values("pk"))
                .order_by()
                .values_list("pk"),
            ]
            if vendor == "postgresql":
                # One UNION of cluster ids, not an OR of four IN (…): each branch uses its
                # own index and the clusters are then joined by primary key.
                found = found.filter(pk__in=branches[0].union(*branches[1:]))
            else:  # SQLite allows no ORDER BY (Meta.ordering) inside a UNION's parts
                any_branch = Q()
                for branch in branches:
                    any_branch |= Q(pk__in=branch)
                found = found.filter(any_branch)
        if vendor == "postgresql" and matched_ids:
            # The search runs once, here: the list's page, its count and every facet then
            # read the matched ids (an index-probed array), not the four-branch UNION again.
            ids = list(found.order_by().values_list("pk", flat=True))
            if ids:
                return self.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
        if vendor == "postgresql" and (matched_ids or not found.exists()):
            # Nothing in any word form: forgive a typo in a name (pg_trgm word similarity).
            from django.contrib.postgres.search import TrigramWordSimilarity

            typed_text = " ".join(search.words(text))
            typed = models.Value(typed_text)
            return (
                self.annotate(_name_similarity=TrigramWordSimilarity(typed, models.F("name")))
                # `name %> typed` lets the trigram GIN index find the candidates (its threshold
                # is the connection's, config/settings/base.py); the exact rule follows.
                .filter(search.WordSimilar(typed, models.F("name")))
                .filter(_name_similarity__gte=search.TRIGRAM_THRESHOLD)
            )
        return found

    def for_cards(self) -> ClusterQuerySet:
        """What a cluster card shows (templates/clusters/_cluster_cards.html), in a fixed
        number of queries whatever the row count: region, district, industry and funding
        total joined, and the base membership with its college (`base_memberships`)."""
        return self.select_related(
            "region__federal_district", "industry", "funding_total"
        ).prefetch_related(
            models.Prefetch(
                "cluster_colleges",
                queryset=ClusterCollege.objects.filter(role=CollegeRole.BASE)
                .select_related("college")
                .order_by("college__full_name", "pk"),
                to_attr="base_memberships",
            )
        )

    def with_related(self) -> ClusterQuerySet:
        """Everything a list row shows, in a fixed number of queries whatever the row count."""
        return self.select_related("region__federal_district", "industry").prefetch_related(
            models.Prefetch(
                "cluster_colleges",
                queryset=ClusterCollege.objects.select_related("college").order_by(
                    "role", "college__full_name"
                ),
            ),
            models.Prefetch(
                "cluster_employers",
                queryset=ClusterEmployer.objects.select_related("employer").order_by(
                    "role", "employer__name"
                ),
            ),
            "programmes",
            models.Prefetch("figures", queryset=ReportedFigure.objects.select_related("source")),
        )


class Cluster(TimeStampedModel):
    """An educational-production cluster: a base college, network colleges and employers."""

    name = models.CharField("название", max_length=300)
    slug = models.SlugField("адрес страницы (slug)", max_length=120, unique=True)
    # Kind and industry stay empty («не указано») when the source names neither: press items
    # often say only «образовательный кластер» and leave the industry to be guessed.
    kind = models.CharField(
        "тип",
        max_length=20,
        choices=ClusterKind.choices,
        default=ClusterKind.PRODUCTION_CENTER,
        blank=True,
        help_text="Пусто («не указано»), если источник не называет тип.",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name="отрасль",
        on_delete=models.PROTECT,
        related_name="clusters",
        null=True,
        blank=True,
        help_text="Пусто («не указано»), если источник не называет отрасль.",
    )
    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="clusters"
    )
    selection_year = models.PositiveSmallIntegerField(
        "год отбора",
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text="Год конкурсного отбора. Пусто, если источник его не называет.",
    )
    launch_year = models.PositiveSmallIntegerField(
        "год первого набора",
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text="Пусто, если источник его не называет.",
    )
    status = models.CharField(
        "статус", max_length=12, choices=ClusterStatus.choices, default=ClusterStatus.SELECTED
    )
    management_board = models.TextField("управляющая компания", blank=True)
    description = models.TextField("описание", blank=True)
    website = models.URLField("сайт", max_length=300, blank=True)
    is_published = models.BooleanField(
        "опубликован",
        default=False,
        editable=False,
        help_text="Черновики не видны на сайте и в открытом API. Меняется только публикацией.",
    )
    review_state = models.CharField(
        "состояние проверки",
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.DRAFT,
        editable=False,
    )
    review_comment = models.TextField(
        "замечание проверяющего",
        blank=True,
        editable=False,
        help_text="Что исправить, если кластер возвращён на доработку.",
    )
    programmes = models.ManyToManyField(
        Programme, verbose_name="профессии и специальности", related_name="clusters", blank=True
    )
    sources = models.ManyToManyField(
        Source, verbose_name="источники", related_name="clusters", blank=True
    )
    history = HistoricalRecords(m2m_fields=[programmes])

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = "кластер"
        verbose_name_plural = "кластеры"
        ordering = ["region__name", "name"]
        indexes = [
            models.Index(fields=["is_published", "region"], name="clusters_cluster_pub_region"),
            models.Index(fields=["industry"], name="clusters_cluster_industry"),
            models.Index(fields=["selection_year"], name="clusters_cluster_sel_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(launch_year__isnull=True)
                | Q(selection_year__isnull=True)
                | Q(launch_year__gte=models.F("selection_year")),
                name="clusters_cluster_launch_not_before_selection",
            ),
            # Published means reviewed and published; a draft is in any other review state.
            models.CheckConstraint(
                condition=Q(is_published=True, review_state=ReviewState.PUBLISHED)
                | (Q(is_published=False) & ~Q(review_state=ReviewState.PUBLISHED)),
                name="clusters_cluster_published_matches_review_state",
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values),
                name="clusters_cluster_review_state_valid",
            ),
        ]
        permissions = [
            ("view_draft", "Может видеть неопубликованные кластеры всех субъектов"),
            ("publish_cluster", "Может публиковать кластеры и снимать их с публикации"),
            ("edit_all_regions", "Может редактировать данные всех субъектов"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.launch_year and self.selection_year and self.launch_year < self.selection_year:
            raise ValidationError(
                {"launch_year": "Год первого набора не может быть раньше года отбора."}
            )


class ClusterPartQuerySet(RegistryQuerySet):
    """Rows that belong to one cluster (memberships, partnerships, figures): they follow it."""

    def visible_to(self, user):
        rule = gate.cluster_visible_q(user, "cluster__")
        return self.filter(rule) if rule != Q() else self.all()

    def editable_by(self, user):
        meta = self.model._meta
        perm = f"{meta.app_label}.change_{meta.model_name}"
        rule = gate.region_q(gate.editable_region_ids(user, perm), "cluster__region")
        return self.none() if rule == gate.NOTHING else self.filter(rule)


class ClusterCollege(TimeStampedModel):
    """A college's membership in a cluster: the single base college or a network one."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="кластер", on_delete=models.CASCADE, related_name="cluster_colleges"
    )
    college = models.ForeignKey(
        College,
        verbose_name="образовательная организация",
        on_delete=models.PROTECT,
        related_name="cluster_colleges",
    )
    role = models.CharField("роль", max_length=10, choices=CollegeRole.choices)
    history = HistoricalRecords()

    objects = ClusterPartQuerySet.as_manager()

    class Meta:
        verbose_name = "участие колледжа"
        verbose_name_plural = "колледжи кластера"
        ordering = ["role", "college__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "college"],
                name="clusters_clustercollege_unique_college",
                violation_error_message="Эта организация уже входит в кластер.",
            ),
            models.UniqueConstraint(
                fields=["cluster"],
                condition=Q(role=CollegeRole.BASE),
                name="clusters_clustercollege_one_base",
                violation_error_message="У кластера может быть только одна базовая организация.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.college} — {self.get_role_display()}"

    @property
    def is_base(self) -> bool:
        return self.role == CollegeRole.BASE


class ClusterEmployer(TimeStampedModel):
    """An employer's partnership with a cluster."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="кластер", on_delete=models.CASCADE, related_name="cluster_employers"
    )
    employer = models.ForeignKey(
        Employer,
        verbose_name="работодатель",
        on_delete=models.PROTECT,
        related_name="cluster_employers",
    )
    role = models.CharField(
        "роль", max_length=10, choices=EmployerRole.choices, default=EmployerRole.PARTNER
    )
    note = models.CharField("примечание", max_length=500, blank=True)
    history = HistoricalRecords()

    objects = ClusterPartQuerySet.as_manager()

    class Meta:
        verbose_name = "партнёрство работодателя"
        verbose_name_plural = "работодатели кластера"
        ordering = ["role", "employer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "employer"],
                name="clusters_clusteremployer_unique_employer",
                violation_error_message="Этот работодатель уже партнёр кластера.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} — {self.get_role_display()}"


class ReportedFigure(TimeStampedModel):
    """What a source says a cluster has (16 employers, 9 workshops), kept apart from the lists."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="кластер", on_delete=models.CASCADE, related_name="figures"
    )
    kind = models.CharField("показатель", max_length=20, choices=FigureKind.choices)
    value = models.DecimalField(
        "значение", max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    qualifier = models.CharField(
        "точность", max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    as_of = models.DateField("по состоянию на", null=True, blank=True)
    source = models.ForeignKey(
        Source, verbose_name="источник", on_delete=models.PROTECT, related_name="figures"
    )
    exact_wording = models.TextField("формулировка источника", blank=True)
    note = models.TextField("примечание", blank=True)
    history = HistoricalRecords()

    objects = ClusterPartQuerySet.as_manager()

    class Meta:
        verbose_name = "заявленный показатель"
        verbose_name_plural = "заявленные показатели"
        ordering = ["kind", "-as_of"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="clusters_reportedfigure_value_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value.normalize():f}"


# The fields a ClusterCount row is keyed by: the same names (and lookups) as on Cluster, so a
# filter written for clusters (`region`, `region__federal_district`, `industry`, `kind`,
# `selection_year`, as the FilterSets write them) applies unchanged to the counts.
COUNT_DIMENSIONS = ("region", "industry", "kind", "selection_year")


class ClusterCount(models.Model):
    """How many published clusters share one (region, industry, kind, selection year): derived,
    written only by the recompute (funding/services/counts.py) from the clusters and the gate's
    public rule, checked by the invariant (funding_totals_check), never edited by hand.

    The public counts of clusters — the catalogue's facets and its total, a region's, a
    district's or an industry's count, stats by region — are sums over these few rows
    (clusters/counts.py) instead of a pass over every cluster; a user who sees drafts is
    counted from the clusters themselves. A combination no published cluster has has no row.
    """

    region = models.ForeignKey(
        Region, verbose_name="субъект РФ", on_delete=models.CASCADE, related_name="+"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name="отрасль",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField("тип", max_length=20, choices=ClusterKind.choices, blank=True)
    selection_year = models.PositiveSmallIntegerField("год отбора", null=True, blank=True)
    cluster_count = models.PositiveIntegerField("опубликованных кластеров")

    # Public figures (of published clusters only): everyone may read them.
    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "число кластеров (производное)"
        verbose_name_plural = "числа кластеров (производные)"
        constraints = [
            # One row per key, an unknown industry or year included (NULL as 0: no id or
            # year is 0), on every database (SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                "region",
                Coalesce("industry", Value(0)),
                "kind",
                Coalesce("selection_year", Value(0)),
                name="clusters_clustercount_key",
            ),
            models.CheckConstraint(
                condition=Q(cluster_count__gt=0), name="clusters_clustercount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.industry_id}/{self.kind}/{self.selection_year}: {self.cluster_count}"


# Provenance: citations, conflicts, possible duplicates and merges (a module of its own).
from clusters.models.provenance import (  # noqa: E402
    Citation,
    FactConflict,
    MatchProposal,
    Merge,
)
from clusters.models.review import PendingChange  # noqa: E402

__all__ = [
    "Citation",
    "COUNT_DIMENSIONS",
    "Cluster",
    "ClusterCollege",
    "ClusterCount",
    "ClusterEmployer",
    "College",
    "Employer",
    "FactConflict",
    "Industry",
    "MatchProposal",
    "Merge",
    "PendingChange",
    "Programme",
    "ReportedFigure",
    "Source",
]
