"""Public pages of the regions app: the list of regions, a region, a federal district."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from clusters.counts import cluster_count, cluster_counts
from clusters.models import Cluster
from common.pages import GatedViewMixin
from common.paging import paginated
from funding import charts
from funding.completeness import annotate_gaps, cluster_gaps, with_gaps_q
from funding.models import FederalDistrictFundingTotal, FundingLine, RegionFundingTotal
from regions.coverage import national_coverage, region_coverage, regions_coverage
from regions.models import FederalDistrict, Region


def _funding_context(totals) -> dict:
    rows = charts.by_year(totals)
    return {
        "funding_rows": rows,
        "funding_overall": charts.overall(rows),
        "funding_chart": charts.stacked_bars(rows),
    }


class RegionListView(GatedViewMixin, ListView):
    """Every federal district with its regions and how many published clusters each has."""

    template_name = "regions/region_list.html"
    context_object_name = "districts"

    def get_queryset(self):
        regions = Region.objects.order_by("name")
        return FederalDistrict.objects.prefetch_related(Prefetch("regions", queryset=regions))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["undistricted"] = list(
            Region.objects.filter(federal_district__isnull=True).order_by("name")
        )
        # Each region's count beside the one reported for it («в реестре 5 из 13»).
        districts = list(context["districts"])
        regions = [r for d in districts for r in d.regions.all()] + context["undistricted"]
        counts = cluster_counts(self.request.user, "region")
        for region in regions:
            region.cluster_count = counts.get(region.pk, 0)
        coverage = regions_coverage({r.pk: r.cluster_count for r in regions})
        for region in regions:
            region.coverage = coverage[region.pk]
        context["districts"] = districts
        context["coverage"] = national_coverage(sum(r.cluster_count for r in regions))
        context["region_map"] = charts.region_map(
            self.request.user, self.request.GET.get("map", "")
        )
        context["map_path"] = self.request.path
        return context


class RegionDetailView(GatedViewMixin, DetailView):
    """A region: its published clusters, money by year and source, and region-level money."""

    template_name = "regions/region_detail.html"
    context_object_name = "region"
    queryset = Region.objects.select_related("federal_district")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.object
        visible = self.visible(Cluster).in_region(region)
        editable = Cluster.objects.editable_by(self.request.user).in_region(region)
        page = paginated(
            self.request,
            visible.for_cards(),
            count=cluster_count(self.request.user, region=region),
        )
        # The gaps of the clusters listed on this page (the same `?page=`): the page's output
        # stays the same size however many clusters the region has; the whole list is the
        # «Полнота данных» page's.
        listed = [cluster.pk for cluster in page["clusters"]]
        gaps = cluster_gaps(
            annotate_gaps(visible.filter(pk__in=listed).order_by("name", "pk")).filter(
                with_gaps_q()
            ),
            editable=editable,
        )
        context.update(
            **page,
            coverage=region_coverage(region, page["cluster_count"]),
            gaps=gaps,
            # Money a source gives only jointly for several clusters belongs to the region.
            region_lines=self.visible(FundingLine)
            .filter(region=region, cluster__isnull=True)
            .select_related("source")
            .order_by("fiscal_year", "funding_source", "pk"),
            **_funding_context(RegionFundingTotal.objects.filter(region=region)),
        )
        return context


class FederalDistrictDetailView(GatedViewMixin, DetailView):
    """A federal district: its regions, its published clusters and its money by year."""

    template_name = "regions/district_detail.html"
    context_object_name = "district"

    def get_object(self, queryset=None):
        return get_object_or_404(self.visible(FederalDistrict), code__iexact=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = self.object
        user = self.request.user
        counts = cluster_counts(user, "region", region__federal_district=district)
        regions = list(Region.objects.in_district(district).order_by("name"))
        for region in regions:
            region.cluster_count = counts.get(region.pk, 0)
        regions.sort(key=lambda r: -r.cluster_count)  # stable: by name within a count
        coverage = regions_coverage({r.pk: r.cluster_count for r in regions})
        for region in regions:
            region.coverage = coverage[region.pk]
        context.update(
            regions=regions,
            national_coverage=national_coverage(cluster_count(user), "страны"),
            **paginated(
                self.request,
                self.visible(Cluster).in_district(district).for_cards(),
                count=sum(counts.values()),
            ),
            **_funding_context(
                FederalDistrictFundingTotal.objects.filter(federal_district=district)
            ),
        )
        return context
