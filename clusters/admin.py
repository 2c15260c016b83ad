from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from clusters import gate, services
from clusters.choices import CollegeRole
from clusters.forms import ClusterCollegeFormSet, OrganisationAddForm, ReportedFigureForm
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
from clusters.provenance_admin import MergeActionMixin
from clusters.review_admin import ClusterReviewMixin
from common.admin import GatedInlineMixin, RegistryModelAdmin, form_fields, tell_if_pending
from common.templatetags.ru_format import total_caption
from funding import services as funding_lines
from funding.choices import FundingSource
from funding.forms import ClusterFundingLineFormSet, FundingLineForm
from funding.models import LINE_FIELDS_OF_A_CLUSTER, ClusterFundingTotal, FundingLine
from funding.services import funding_totals_recompute_for_clusters
from history.admin import ClusterHistoryMixin, ReadableHistoryMixin
from regions.admin_widgets import RegionByDistrictFilter


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
class SourceAdmin(ReadableHistoryMixin, RegistryModelAdmin):
    list_display = ["title", "publisher", "published_on", "document_ref"]
    list_filter = ["published_on"]
    search_fields = ["title", "publisher", "document_ref", "url"]
    date_hierarchy = "published_on"

    def service_save(self, request, obj, form, change):
        if change:
            services.source_update(actor=request.user, source=obj, **form_fields(form, obj))
        else:
            services.source_create(actor=request.user, instance=obj)

    def service_delete(self, request, obj):
        return services.source_delete(actor=request.user, source=obj)


class _EntityAdmin(RegistryModelAdmin):
    """Colleges and employers: written through clusters.services, region by region."""

    def service_save(self, request, obj, form, change):
        kind = obj._meta.model_name
        if change:
            return getattr(services, f"{kind}_update")(actor=request.user, **{kind: obj})
        return getattr(services, f"{kind}_create")(actor=request.user, instance=obj)

    def service_delete(self, request, obj):
        return services.entity_delete(actor=request.user, entity=obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OrganisationAddForm
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            form_class.user = request.user
        return form_class

    def autocomplete_queryset(self, request, queryset):
        return queryset  # any visible organisation may join a cluster


@admin.register(College)
class CollegeAdmin(MergeActionMixin, ReadableHistoryMixin, _EntityAdmin):
    actions = ["merge_selected"]
    list_display = ["full_name", "short_name", "region", "town", "inn", "ogrn"]
    list_filter = [("region", RegionByDistrictFilter)]
    list_select_related = ["region"]
    search_fields = ["full_name", "short_name", "inn", "ogrn", "town"]
    autocomplete_fields = ["region"]


@admin.register(Employer)
class EmployerAdmin(MergeActionMixin, ReadableHistoryMixin, _EntityAdmin):
    actions = ["merge_selected"]
    list_display = ["name", "region", "industry", "inn", "ogrn"]
    list_filter = ["industry", ("region", RegionByDistrictFilter)]
    list_select_related = ["region", "industry"]
    search_fields = ["name", "inn", "ogrn"]
    autocomplete_fields = ["region", "industry"]


# Inline rows carry quotes and notes; a small two-line box keeps the cluster page within
# 1280 px (it grows when typed into; the full text is in the history and the object page).
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 22})}}


class ClusterCollegeInline(GatedInlineMixin, admin.TabularInline):
    model = ClusterCollege
    formset = ClusterCollegeFormSet
    autocomplete_fields = ["college"]
    extra = 0
    classes = ["collapse"]
    verbose_name = "образовательная организация"
    verbose_name_plural = "образовательные организации кластера (одна базовая, остальные сетевые)"


class ClusterEmployerInline(GatedInlineMixin, admin.TabularInline):
    model = ClusterEmployer
    autocomplete_fields = ["employer"]
    extra = 0
    classes = ["collapse"]


class ReportedFigureInline(GatedInlineMixin, admin.TabularInline):
    model = ReportedFigure
    form = ReportedFigureForm
    formfield_overrides = COMPACT_TEXT
    autocomplete_fields = ["source"]
    fields = ["kind", "value", "qualifier", "as_of", "source", "exact_wording", "note"]
    extra = 0
    classes = ["collapse"]


class FundingLineInline(GatedInlineMixin, admin.TabularInline):
    model = FundingLine
    form = FundingLineForm
    formset = ClusterFundingLineFormSet
    formfield_overrides = COMPACT_TEXT
    autocomplete_fields = ["source"]
    fields = LINE_FIELDS_OF_A_CLUSTER
    extra = 0
    classes = ["collapse"]
    verbose_name_plural = "строки финансирования (субъект — как у кластера)"


@admin.register(Cluster)
class ClusterAdmin(MergeActionMixin, ClusterReviewMixin, ClusterHistoryMixin, RegistryModelAdmin):
    # Seven columns fit 1280 px beside the filters; district and kind are filters only.
    list_display = [
        "name",
        "region",
        "industry",
        "selection_year",
        "base_college",
        "funding_total_display",
        "review_state",
    ]
    list_filter = [
        "review_state",
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
            {"fields": ["name", "slug", "kind", "industry", "region", "status"]},
        ),
        ("Публикация", {"fields": ["review_state", "review_comment"]}),
        ("Сроки", {"fields": ["selection_year", "launch_year"]}),
        (
            "Описание",
            {"classes": ["collapse"], "fields": ["management_board", "description", "website"]},
        ),
        ("Программы и источники", {"classes": ["collapse"], "fields": ["programmes", "sources"]}),
        ("Откуда факты", {"fields": ["fact_sources"]}),
        ("Итоги финансирования", {"fields": ["funding_totals"]}),
    ]
    readonly_fields = ["funding_totals", "review_state", "review_comment", "fact_sources"]
    actions = [
        "recompute_funding_totals",
        "submit_for_review",
        "publish",
        "withdraw",
        "merge_selected",
    ]

    @admin.display(description="источники фактов")
    def fact_sources(self, obj: Cluster | None) -> str:
        """Each stated fact with the sources that state it, and open disagreements."""
        if obj is None or obj.pk is None:
            return "—"
        from clusters.facts import cluster_fact_sources
        from clusters.models import FactConflict

        rows = []
        for fact in cluster_fact_sources(obj):
            sources = (
                format_html_join(
                    "; ",
                    "{}{}",
                    (
                        (c.source, " (только подразумевается)" if c.is_implied else "")
                        for c in fact["sources"]
                    ),
                )
                or "внесено без ссылки на источник"
            )
            rows.append(
                format_html(
                    "<li><strong>{}:</strong> {} — {}</li>", fact["label"], fact["value"], sources
                )
            )
        open_conflicts = FactConflict.objects.open().filter(cluster=obj).count()
        note = ""
        if open_conflicts:
            url = (
                reverse("admin:clusters_factconflict_changelist")
                + f"?cluster__id__exact={obj.pk}&state__exact=open"
            )
            note = format_html(
                '<p><a href="{}">Расхождений источников ждёт решения: {}</a></p>',
                url,
                open_conflicts,
            )
        return format_html("{}<ul>{}</ul>", note, mark_safe("".join(rows)))

    def autocomplete_queryset(self, request, queryset):
        # Clusters are chosen to attach lines or rows to: only those the user may edit.
        return queryset & Cluster.objects.editable_by(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not gate.can_publish(request.user):
            actions.pop("publish", None)
            actions.pop("withdraw", None)
        return actions

    def service_save(self, request, obj, form, change):
        fields = form_fields(form, obj)
        # Programmes and sources go through the service too (a change of a published
        # cluster's links waits for review like its fields).
        links = {
            name: form.cleaned_data[name]
            for name in ("programmes", "sources")
            if name in form.cleaned_data
        }
        if change:
            return services.cluster_update(actor=request.user, cluster=obj, **fields, **links)
        return services.cluster_create(actor=request.user, instance=obj, **links)

    def service_delete(self, request, obj):
        return services.cluster_delete(actor=request.user, cluster=obj)

    def save_related(self, request, form, formsets, change):
        # The form's many-to-many links were written (or proposed) by service_save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        cluster = form.instance
        formset.save(commit=False)
        results = []
        if formset.model is FundingLine:
            for line in formset.deleted_objects:
                results.append(funding_lines.funding_line_delete(actor=request.user, line=line))
            for line, _changed in formset.changed_objects:
                results.append(funding_lines.funding_line_update(actor=request.user, line=line))
            for line in formset.new_objects:
                line.cluster = cluster
                results.append(funding_lines.funding_line_create(actor=request.user, instance=line))
        else:
            results = services.cluster_parts_write(
                actor=request.user,
                cluster=cluster,
                model=formset.model,
                add=formset.new_objects,
                change=[(row, {}) for row, _changed in formset.changed_objects],
                remove=formset.deleted_objects,
            )
        tell_if_pending(request, results)

    def _run(self, request, queryset, service, done: str) -> None:
        ok, failed = 0, []
        for cluster in queryset:
            try:
                service(actor=request.user, cluster=cluster)
                ok += 1
            except (PermissionDenied, ValidationError) as exc:
                reason = " ".join(getattr(exc, "messages", [str(exc)]))
                failed.append(f"«{cluster}»: {reason}")
        if ok:
            self.message_user(request, f"{done}: {ok}.", messages.SUCCESS)
        for text in failed:
            self.message_user(request, f"Не выполнено для {text}", messages.ERROR)

    @admin.action(description="Отправить на проверку", permissions=["change"])
    def submit_for_review(self, request, queryset: QuerySet[Cluster]) -> None:
        self._run(request, queryset, services.cluster_submit_for_review, "Отправлено на проверку")

    @admin.action(description="Опубликовать", permissions=["change"])
    def publish(self, request, queryset: QuerySet[Cluster]) -> None:
        self._run(request, queryset, services.cluster_publish, "Опубликовано")

    @admin.action(description="Снять с публикации", permissions=["change"])
    def withdraw(self, request, queryset: QuerySet[Cluster]) -> None:
        self._run(request, queryset, services.cluster_withdraw, "Снято с публикации")

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
            # Every budget part, «сведений нет» where no line gives it: as on the public page.
            ((label, total.rub_display(source)) for source, label in FundingSource.choices),
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
            "{}<table><tbody>{}<tr><th>{}</th><th>{}</th></tr></tbody></table>"
            "<p>Строк: {}. Пересчитано: {}.</p>",
            stale,
            rows,
            total_caption(total.is_complete),
            total.rub_display(),
            total.line_count,
            computed,
        )

    @admin.action(description="Пересчитать итоги", permissions=["change"])
    def recompute_funding_totals(self, request, queryset: QuerySet[Cluster]) -> None:
        ids = list(queryset.editable_by(request.user).values_list("pk", flat=True))
        report = funding_totals_recompute_for_clusters(cluster_ids=ids)
        self.message_user(
            request,
            f"Итоги пересчитаны для кластеров: {len(ids)} ({report}).",
            messages.SUCCESS,
        )
