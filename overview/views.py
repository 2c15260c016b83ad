"""The pages that read the registry as a whole: home, completeness, open data, robots.txt."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from clusters.models import Cluster, ClusterCollege, ClusterEmployer, Industry
from common.pages import GatedViewMixin
from funding import charts
from funding.models import NationalFundingTotal
from regions.models import FederalDistrict, Region

LATEST_CLUSTERS = 6


def cluster_groups(view, no_industry_count: int) -> dict:
    """The home page's groups of the clusters `view`'s user may see, adding up to the whole:
    each federal district, then each subject outside every district as a group of its own;
    each industry, then «отрасль не указана» (`no_industry_count` clusters)."""
    visible = view.visible_q("clusters__")
    districts = list(
        FederalDistrict.objects.annotate(
            cluster_count=Count("regions__clusters", filter=view.visible_q("regions__clusters__"))
        ).order_by("name")
    )
    outside = list(
        Region.objects.filter(federal_district__isnull=True)
        .annotate(cluster_count=Count("clusters", filter=visible))
        .order_by("name")
    )
    industries = list(
        Industry.objects.annotate(cluster_count=Count("clusters", filter=visible))
        .filter(cluster_count__gt=0)
        .order_by("-cluster_count", "name")
    )
    return {
        "districts": districts,
        "outside_districts": outside,
        "industries": industries,
        "no_industry_count": no_industry_count,
    }


class HomeView(GatedViewMixin, TemplateView):
    """National figures, money by year and source, entry points and the latest clusters."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        from regions.coverage import national_coverage

        context = super().get_context_data(**kwargs)
        stats = self.visible(Cluster).aggregate(
            clusters=Count("pk"),
            regions=Count("region", distinct=True),
            industries=Count("industry", distinct=True),  # COUNT skips «не указана» (NULL)
            no_industry=Count("pk", filter=Q(industry__isnull=True)),
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
            coverage=national_coverage(stats["clusters"]),
            funding_rows=rows,
            funding_overall=charts.overall(rows),
            funding_chart=charts.stacked_bars(rows),
            region_map=charts.region_map(self.request.user, self.request.GET.get("map", "")),
            map_path=self.request.path,
            latest_clusters=self.visible(Cluster)
            .select_related("region", "industry")
            .order_by("-created_at", "-pk")[:LATEST_CLUSTERS],
            **cluster_groups(self, stats["no_industry"]),
        )
        return context


# The lists the open-data page offers for download, each as XLSX and both CSVs.
DOWNLOADS = [
    ("/api/v1/clusters/", "Кластеры", "название, тип, отрасль, субъект РФ, годы, статус, итоги."),
    (
        "/api/v1/colleges/",
        "Образовательные организации",
        "наименование, ИНН, ОГРН, субъект РФ, населённый пункт.",
    ),
    ("/api/v1/employers/", "Работодатели", "наименование, ИНН, ОГРН, субъект РФ, отрасль."),
    (
        "/api/v1/funding-lines/",
        "Строки финансирования",
        "кластер или субъект, финансовый год, источник средств, сумма, точность, источник.",
    ),
]

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
            downloads=DOWNLOADS,
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
        f"Sitemap: {request.build_absolute_uri(reverse('overview:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def regions_furthest(visible_clusters) -> list:
    """The regions whose reported cluster count is furthest above the registry's, the largest
    gap first (`visible_clusters`: the gate as a Q on `clusters__`); each region carries its
    `coverage`. Regions no source gives a count for are not listed (nothing to compare)."""
    from regions.choices import ReportedMeasure
    from regions.coverage import regions_coverage
    from regions.models import ReportedCount

    reported = ReportedCount.objects.filter(region=OuterRef("pk"), measure=ReportedMeasure.CLUSTERS)
    regions = {
        region.pk: region
        for region in Region.objects.filter(Exists(reported)).annotate(
            cluster_count=Count("clusters", filter=visible_clusters)
        )
    }
    coverage = regions_coverage({pk: r.cluster_count for pk, r in regions.items()})
    for pk, region in regions.items():
        region.coverage = coverage[pk]
    return sorted(
        regions.values(),
        key=lambda r: (-(r.coverage.missing or 0), r.coverage.count, r.name),
    )


class CompletenessView(GatedViewMixin, TemplateView):
    """«Полнота данных»: the facts still missing, and the registry beside official figures.

    Staff who may change clusters see the same list as a worklist with admin links.
    """

    template_name = "common/completeness.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from clusters.models import Employer
        from funding.completeness import (
            annotate_gaps,
            cluster_gaps,
            gap_counts,
            gap_summary,
            with_gaps_q,
        )
        from regions.choices import ReportedMeasure
        from regions.models import ReportedCount

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
        registry = visible.aggregate(
            clusters=Count("pk"),
            regions=Count("region", distinct=True),
            industries=Count("industry", distinct=True),  # «не указана» (NULL) is no industry
        )
        registry["employers"] = (
            self.visible(Employer).filter(cluster_employers__isnull=False).distinct().count()
        )
        reported = ReportedCount.objects.national_latest()
        national = [
            {"label": measure.label, "registry": registry[measure], "reported": reported[measure]}
            for measure in ReportedMeasure
            if measure in reported
        ]
        context.update(
            national=national,
            furthest=regions_furthest(self.visible_q("clusters__")),
            total=registry["clusters"],
            summary=gap_summary(counts),
            page_obj=page,
            paginator=page.paginator,
            worklist=editable.exists(),
        )
        return context
