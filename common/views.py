"""Site-wide public pages: the home page, the open-data page and robots.txt."""

from __future__ import annotations

from django.conf import settings
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


# The ministry's placeholder for the licence; never shown on the public page.
LICENCE_PLACEHOLDER = "[Заполняет министерство.]"


class OpenDataView(TemplateView):
    """The open data sets (list, passports, dated versions) and the terms of use."""

    template_name = "open_data.html"

    def get_context_data(self, **kwargs):
        from opendata.datasets import STRUCTURE_VERSION
        from opendata.services import opendata_catalogue

        context = super().get_context_data(**kwargs)
        licence = settings.OPENDATA_LICENCE_TEXT.strip()
        context.update(
            passports=opendata_catalogue(),
            licence_text="" if LICENCE_PLACEHOLDER in licence else licence,
            licence_url=settings.OPENDATA_LICENCE_URL,
            publisher=settings.OPENDATA_PUBLISHER,
            responsible=settings.OPENDATA_RESPONSIBLE_PERSON,
            responsible_email=settings.OPENDATA_RESPONSIBLE_EMAIL,
            update_frequency=settings.OPENDATA_UPDATE_FREQUENCY,
            structure_version=STRUCTURE_VERSION,
        )
        return context


def server_error(request):
    """The 500 answer: `{"detail": …}` under /api/, else templates/500.html rendered with an
    empty context — no request, no context processor, no query — so that it renders whatever
    broke (the database included)."""
    from django.http import HttpResponseServerError, JsonResponse
    from django.template import loader

    from common.middleware import PLAIN_MESSAGES, is_api

    if is_api(request):
        return JsonResponse(
            {"detail": PLAIN_MESSAGES[500]}, status=500, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
@cache_control(max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("favicon.svg"), permanent=True)


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


class CompletenessView(GatedViewMixin, TemplateView):
    """«Полнота данных»: the facts still missing, and the registry beside official figures.

    Staff who may change clusters see the same list as a worklist with admin links.
    """

    template_name = "common/completeness.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from clusters.models import Employer
        from common.national_figures import MEASURE_LABELS, NATIONAL
        from funding.completeness import (
            annotate_gaps,
            cluster_gaps,
            gap_counts,
            gap_summary,
            with_gaps_q,
        )

        context = super().get_context_data(**kwargs)
        user = self.request.user
        clusters = self.visible(Cluster).order_by("region__name", "name", "pk")
        editable = Cluster.objects.editable_by(user)
        counts = gap_counts(clusters)
        with_gaps = annotate_gaps(clusters).filter(with_gaps_q())
        paginator = Paginator(with_gaps, self.paginate_by)
        paginator.count = counts["any"]  # counted with the summary, in the same query
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = cluster_gaps(page.object_list, editable=editable)
        visible = self.visible(Cluster)
        registry = {
            "clusters": visible.count(),
            "regions": visible.values("region").distinct().count(),
            "industries": visible.values("industry").distinct().count(),
            "employers": self.visible(Employer)
            .filter(cluster_employers__isnull=False)
            .distinct()
            .count(),
        }
        context.update(
            national=[
                {"label": MEASURE_LABELS[f.measure], "registry": registry[f.measure], "reported": f}
                for f in NATIONAL
            ],
            total=registry["clusters"],
            summary=gap_summary(counts),
            page_obj=page,
            paginator=page.paginator,
            worklist=editable.exists(),
        )
        return context
