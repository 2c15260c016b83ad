from django.contrib import admin

from clusters import gate
from common.admin import RegistryModelAdmin, form_fields
from common.templatetags.ru_format import money
from funding import services as lines
from funding.choices import FundingSource
from funding.forms import FundingLineForm
from funding.models import (
    ClusterFundingTotal,
    FederalDistrictFundingTotal,
    FundingLine,
    FundingTotal,
    IndustryFundingTotal,
    NationalFundingTotal,
    RegionFundingTotal,
)
from history.admin import ReadableHistoryMixin
from regions.admin_widgets import RegionByDistrictFilter


@admin.register(FundingLine)
class FundingLineAdmin(ReadableHistoryMixin, RegistryModelAdmin):
    form = FundingLineForm
    list_display = ["holder", "region", "fiscal_year", "funding_source", "amount"]
    list_filter = [
        "funding_source",
        "qualifier",
        "fiscal_year",
        "region__federal_district",
        ("region", RegionByDistrictFilter),
        "cluster__industry",
    ]
    list_select_related = ["cluster__region", "region"]
    search_fields = ["cluster__name", "region__name", "note", "exact_wording"]
    autocomplete_fields = ["cluster", "region", "source"]

    @admin.display(description="кластер", ordering="cluster__name")
    def holder(self, obj: FundingLine) -> str:
        return str(obj.cluster) if obj.cluster_id else "— (совокупно на субъект)"

    @admin.display(description="сумма", ordering="amount_rub")
    def amount(self, obj: FundingLine) -> str:
        return money(obj.amount_rub, obj.qualifier)

    def service_save(self, request, obj, form, change):
        if change:
            return lines.funding_line_update(actor=request.user, line=obj, **form_fields(form, obj))
        return lines.funding_line_create(actor=request.user, instance=obj)

    def service_delete(self, request, obj):
        return lines.funding_line_delete(actor=request.user, line=obj)


class FundingTotalAdmin(admin.ModelAdmin):
    """Derived totals, read-only: written only by funding.services; staff find stale ones here."""

    list_filter = ["is_stale", "qualifier"]
    readonly_fields = ["computed_at", "is_stale"]
    scope_fields: list[str] = []

    def get_list_display(self, request):
        return [
            *self.scope_fields,
            "total",
            "federal",
            "regional",
            "employer",
            "extrabudgetary",
            "line_count",
            "computed_at",
            "is_stale",
        ]

    @admin.display(description="всего (известные части)", ordering="total_rub")
    def total(self, obj: FundingTotal) -> str:
        return obj.rub_display()

    # Each budget part as the public pages show it: qualified, «сведений нет» if no line.
    @admin.display(description="федеральный бюджет", ordering="federal_rub")
    def federal(self, obj: FundingTotal) -> str:
        return obj.rub_display(FundingSource.FEDERAL)

    @admin.display(description="бюджет субъекта", ordering="regional_rub")
    def regional(self, obj: FundingTotal) -> str:
        return obj.rub_display(FundingSource.REGIONAL)

    @admin.display(description="работодатели", ordering="employer_rub")
    def employer(self, obj: FundingTotal) -> str:
        return obj.rub_display(FundingSource.EMPLOYER)

    @admin.display(description="внебюджетные", ordering="extrabudgetary_rub")
    def extrabudgetary(self, obj: FundingTotal) -> str:
        return obj.rub_display(FundingSource.EXTRABUDGETARY)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClusterFundingTotal)
class ClusterFundingTotalAdmin(FundingTotalAdmin):
    scope_fields = ["cluster"]

    def get_queryset(self, request):
        # A draft's total is as hidden as the draft (the gate, on the cluster path).
        return (
            super().get_queryset(request).filter(gate.cluster_visible_q(request.user, "cluster__"))
        )

    list_select_related = ["cluster"]
    list_filter = ["is_stale", "qualifier", "cluster__region__federal_district"]
    search_fields = ["cluster__name"]


@admin.register(RegionFundingTotal)
class RegionFundingTotalAdmin(FundingTotalAdmin):
    scope_fields = ["region", "fiscal_year"]
    list_select_related = ["region"]
    list_filter = ["is_stale", "qualifier", "fiscal_year", "region__federal_district"]
    search_fields = ["region__name"]


@admin.register(FederalDistrictFundingTotal)
class FederalDistrictFundingTotalAdmin(FundingTotalAdmin):
    scope_fields = ["federal_district", "fiscal_year"]
    list_select_related = ["federal_district"]
    list_filter = ["is_stale", "qualifier", "fiscal_year"]


@admin.register(IndustryFundingTotal)
class IndustryFundingTotalAdmin(FundingTotalAdmin):
    scope_fields = ["industry", "fiscal_year"]
    list_select_related = ["industry"]
    list_filter = ["is_stale", "qualifier", "fiscal_year"]


@admin.register(NationalFundingTotal)
class NationalFundingTotalAdmin(FundingTotalAdmin):
    scope_fields = ["fiscal_year"]
    list_filter = ["is_stale", "qualifier"]
