"""Admin display helpers shared by the registry's ModelAdmins."""

from __future__ import annotations

from django.contrib import admin

from regions.models import Region


class RegionByDistrictFilter(admin.RelatedFieldListFilter):
    """The 89 subjects grouped by federal district, each group folded until it is needed.

    Use as `("region", RegionByDistrictFilter)` on any model with a `region` foreign key.
    """

    template = "admin/filters/region_by_district.html"

    def field_choices(self, field, request, model_admin):
        regions = Region.objects.select_related("federal_district").order_by(
            "federal_district__name", "name"
        )
        self.groups = {
            r.pk: r.federal_district.name if r.federal_district else "вне федеральных округов"
            for r in regions
        }
        return [(r.pk, r.name) for r in regions]

    def choices(self, changelist):
        selected = {str(v) for v in (self.lookup_val or [])}
        yield {
            "selected": not selected and not self.lookup_val_isnull,
            "query_string": changelist.get_query_string(
                remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]
            ),
            "display": "Все",
            "group": "",
        }
        for pk, name in self.lookup_choices:
            yield {
                "selected": str(pk) in selected,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: pk}, [self.lookup_kwarg_isnull]
                ),
                "display": name,
                "group": self.groups.get(pk, ""),
            }
