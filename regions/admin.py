from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from history.admin import ReadableHistoryMixin
from regions.models import FederalDistrict, Region


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
