from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from clusters.choices import CollegeRole
from clusters.forms import ClusterCollegeFormSet, ReportedFigureForm
from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
    ReportedFigure,
    Source,
)
from common.admin_widgets import RegionByDistrictFilter
from funding.choices import FundingSource
from funding.forms import ClusterFundingLineFormSet, FundingLineForm
from funding.models import ClusterFundingTotal, FundingLine
from funding.services import funding_totals_recompute_for_clusters
from history.admin import ClusterHistoryMixin, ReadableHistoryMixin


@admin.register(Industry)
class IndustryAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "name_en"]
    search_fields = ["name", "slug", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Programme)
class ProgrammeAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Source)
class SourceAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["title", "publisher", "published_on", "document_ref"]
    list_filter = ["published_on"]
    search_fields = ["title", "publisher", "document_ref", "url"]
    date_hierarchy = "published_on"


@admin.register(College)
class CollegeAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "short_name", "region", "town", "inn", "ogrn"]
    list_filter = [("region", RegionByDistrictFilter)]
    list_select_related = ["region"]
    search_fields = ["full_name", "short_name", "inn", "ogrn", "town"]
    autocomplete_fields = ["region"]


@admin.register(Employer)
class EmployerAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "region", "industry", "inn", "ogrn"]
    list_filter = ["industry", ("region", RegionByDistrictFilter)]
    list_select_related = ["region", "industry"]
    search_fields = ["name", "inn", "ogrn"]
    autocomplete_fields = ["region", "industry"]


# Inline rows carry quotes and notes; a small two-line box keeps the cluster page within
# 1280 px (it grows when typed into; the full text is in the history and the object page).
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 22})}}


class ClusterCollegeInline(admin.TabularInline):
    model = ClusterCollege
    formset = ClusterCollegeFormSet
    autocomplete_fields = ["college"]
    extra = 0
    classes = ["collapse"]
    verbose_name = "образовательная организация"
    verbose_name_plural = "образовательные организации кластера (одна базовая, остальные сетевые)"


class ClusterEmployerInline(admin.TabularInline):
    model = ClusterEmployer
    autocomplete_fields = ["employer"]
    extra = 0
    classes = ["collapse"]


class ReportedFigureInline(admin.TabularInline):
    model = ReportedFigure
    form = ReportedFigureForm
    formfield_overrides = COMPACT_TEXT
    autocomplete_fields = ["source"]
    fields = ["kind", "value", "qualifier", "as_of", "source", "exact_wording", "note"]
    extra = 0
    classes = ["collapse"]


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    form = FundingLineForm
    formset = ClusterFundingLineFormSet
    formfield_overrides = COMPACT_TEXT
    autocomplete_fields = ["source"]
    fields = [
        "fiscal_year",
        "funding_source",
        "amount_rub",
        "qualifier",
        "source",
        "exact_wording",
        "note",
    ]
    extra = 0
    classes = ["collapse"]
    verbose_name_plural = "строки финансирования (субъект — как у кластера)"


@admin.register(Cluster)
class ClusterAdmin(ClusterHistoryMixin, SimpleHistoryAdmin):
    # Seven columns fit 1280 px beside the filters; district and kind are filters only.
    list_display = [
        "name",
        "region",
        "industry",
        "selection_year",
        "base_college",
        "funding_total_display",
        "is_published",
    ]
    list_filter = [
        "is_published",
        "region__federal_district",
        ("region", RegionByDistrictFilter),
        "industry",
        "kind",
        "selection_year",
        "status",
    ]
    list_select_related = ["region__federal_district", "industry", "funding_total"]
    search_fields = ["name", "slug", "description", "cluster_colleges__college__full_name"]
    autocomplete_fields = ["region", "industry", "programmes", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ClusterCollegeInline, ClusterEmployerInline, ReportedFigureInline, FundingLineInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "kind", "industry", "region", "status", "is_published"]},
        ),
        ("Сроки", {"fields": ["selection_year", "launch_year"]}),
        (
            "Описание",
            {"classes": ["collapse"], "fields": ["management_board", "description", "website"]},
        ),
        ("Программы и источники", {"classes": ["collapse"], "fields": ["programmes", "sources"]}),
        ("Итоги финансирования", {"fields": ["funding_totals"]}),
    ]
    readonly_fields = ["funding_totals"]
    actions = ["recompute_funding_totals"]

    def get_queryset(self, request) -> QuerySet[Cluster]:
        base = ClusterCollege.objects.filter(cluster=OuterRef("pk"), role=CollegeRole.BASE).values(
            "college__full_name"
        )[:1]
        return super().get_queryset(request).annotate(base_college_name=Subquery(base))

    @admin.display(description="федеральный округ", ordering="region__federal_district__name")
    def federal_district(self, obj: Cluster):
        return obj.region.federal_district or "—"

    @admin.display(description="базовая организация", ordering="base_college_name")
    def base_college(self, obj: Cluster) -> str:
        return obj.base_college_name or "—"

    @staticmethod
    def _funding_total(obj: Cluster) -> ClusterFundingTotal | None:
        try:
            return obj.funding_total
        except ClusterFundingTotal.DoesNotExist:
            return None

    @admin.display(description="финансирование, всего", ordering="funding_total__total_rub")
    def funding_total_display(self, obj: Cluster) -> str:
        total = self._funding_total(obj)
        if total is None:
            return "—"
        return f"{total.rub_display()}{' (устарело)' if total.is_stale else ''}"

    @admin.display(description="итоги по источникам")
    def funding_totals(self, obj: Cluster | None) -> str:
        total = self._funding_total(obj) if obj and obj.pk else None
        if total is None:
            return "Итоги ещё не посчитаны."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            (
                (label, total.rub_display(source))
                for source, label in FundingSource.choices
                if getattr(total, f"{source}_rub") or total.line_count == 0
            ),
        )
        computed = (
            formats.localize(timezone.localtime(total.computed_at))
            if total.computed_at
            else "никогда"
        )
        stale = (
            mark_safe(
                '<p class="errornote">⚠ Итоги устарели: строки менялись, а пересчёт ещё не '
                "прошёл (очередь задач была недоступна). Они будут пересчитаны при ближайшей "
                "сверке или действием «Пересчитать итоги».</p>"
            )
            if total.is_stale
            else ""
        )
        return format_html(
            "{}<table><tbody>{}<tr><th>всего</th><th>{}</th></tr></tbody></table>"
            "<p>Строк: {}. Пересчитано: {}.</p>",
            stale,
            rows,
            total.rub_display(),
            total.line_count,
            computed,
        )

    @admin.action(description="Пересчитать итоги", permissions=["change"])
    def recompute_funding_totals(self, request, queryset: QuerySet[Cluster]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        report = funding_totals_recompute_for_clusters(cluster_ids=ids)
        self.message_user(
            request,
            f"Итоги пересчитаны для кластеров: {len(ids)} ({report}).",
            messages.SUCCESS,
        )
