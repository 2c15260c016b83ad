from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from history.admin import ReadableHistoryMixin
from regions.models import FederalDistrict, Region, ReportedCount


@admin.register(FederalDistrict)
class FederalDistrictAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "updated_at"]
    search_fields = ["name", "code", "name_en"]


@admin.register(Region)
class RegionAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "federal_district", "slug"]
    list_filter = ["federal_district", "kind"]
    list_select_related = ["federal_district"]
    search_fields = ["name", "code", "name_en", "slug"]
    ordering = ["code"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_search_results(self, request, queryset, search_term):
        from django.apps import apps

        from common.admin import _is_autocomplete, region_choices_for

        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        source = (request.GET.get("app_label"), request.GET.get("model_name"))
        if _is_autocomplete(request) and all(source):
            # A region is chosen for a row being written: only the user's own regions.
            model = apps.get_model(*source)
            queryset = queryset & region_choices_for(request.user, model)
        return queryset, duplicates


@admin.register(ReportedCount)
class ReportedCountAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    """What the ministry and the press report (506 clusters in 86 regions; a region's count):
    the pages set the registry's counts against the latest figure of each scope."""

    list_display = ["region_or_country", "measure", "value", "as_of", "publisher"]
    list_filter = ["measure", ("region", admin.EmptyFieldListFilter)]
    list_select_related = ["region"]
    search_fields = ["region__name", "publisher", "wording", "url"]
    autocomplete_fields = ["region"]
    ordering = ["measure", "region__name", "-as_of"]

    @admin.display(description="субъект РФ", ordering="region__name")
    def region_or_country(self, obj: ReportedCount) -> str:
        return obj.region.name if obj.region_id else "Россия (вся страна)"
