from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from funding.models import FundingLine


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "cluster",
        "region",
        "fiscal_year",
        "funding_source",
        "amount_rub",
        "qualifier",
    ]
    list_filter = [
        "funding_source",
        "qualifier",
        "fiscal_year",
        "region__federal_district",
        "cluster__industry",
        "region",
    ]
    list_select_related = ["cluster__region", "region"]
    search_fields = ["cluster__name", "region__name", "note", "exact_wording"]
    autocomplete_fields = ["cluster", "region", "source"]
