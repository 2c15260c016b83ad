"""Site-wide public pages: the home page, the open-data page and robots.txt."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from clusters.models import Cluster, ClusterCollege, ClusterEmployer, Industry
from common.pages import GatedViewMixin
from funding import charts
from funding.models import NationalFundingTotal
from regions.models import FederalDistrict

LATEST_CLUSTERS = 6


class HomeView(GatedViewMixin, TemplateView):
    """National figures, money by year and source, entry points and the latest clusters."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = self.visible(Cluster).aggregate(
            clusters=Count("pk"),
            regions=Count("region", distinct=True),
            industries=Count("industry", distinct=True),
        )
        stats["colleges"] = self.visible(ClusterCollege).aggregate(
            n=Count("college", distinct=True)
        )["n"]
        stats["employers"] = self.visible(ClusterEmployer).aggregate(
            n=Count("employer", distinct=True)
        )["n"]
        rows = charts.by_year(NationalFundingTotal.objects.all())
        context.update(
            stats=stats,
            funding_rows=rows,
            funding_overall=charts.overall(rows),
            funding_chart=charts.stacked_bars(rows),
            districts=FederalDistrict.objects.annotate(
                cluster_count=Count(
                    "regions__clusters", filter=self.visible_q("regions__clusters__")
                )
            ).order_by("name"),
            industries=Industry.objects.annotate(
                cluster_count=Count("clusters", filter=self.visible_q("clusters__"))
            )
            .filter(cluster_count__gt=0)
            .order_by("-cluster_count", "name"),
            region_map=charts.region_map(self.request.user, self.request.GET.get("map", "")),
            map_path=self.request.path,
            latest_clusters=self.visible(Cluster)
            .select_related("region", "industry")
            .order_by("-created_at", "-pk")[:LATEST_CLUSTERS],
        )
        return context


class OpenDataView(TemplateView):
    template_name = "open_data.html"


@require_GET
@cache_control(max_age=86400)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Allow: /api/v1/docs/",
        f"Sitemap: {request.build_absolute_uri(reverse('common:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
