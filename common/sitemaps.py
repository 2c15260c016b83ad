"""sitemap.xml: the public pages a search engine should find (published clusters only)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clusters.models import Cluster, College, Employer, Industry
from regions.models import FederalDistrict, Region


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "common:home",
            "clusters:list",
            "regions:list",
            "clusters:industries",
            "common:open_data",
        ]

    def location(self, item):
        return reverse(item)


class ClusterSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Cluster.objects.public().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ModelSitemap(Sitemap):
    """Reference pages; only those that lead to at least one published cluster."""

    changefreq = "monthly"

    def __init__(self, queryset):
        self.queryset = queryset

    def items(self):
        return self.queryset.all()  # a fresh query per request, never a cached result


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "clusters": ClusterSitemap,
    "regions": ModelSitemap(
        Region.objects.filter(clusters__is_published=True).distinct().order_by("pk")
    ),
    "districts": ModelSitemap(FederalDistrict.objects.order_by("pk")),
    "industries": ModelSitemap(
        Industry.objects.filter(clusters__is_published=True).distinct().order_by("pk")
    ),
    "colleges": ModelSitemap(
        College.objects.filter(cluster_colleges__cluster__is_published=True)
        .distinct()
        .order_by("pk")
    ),
    "employers": ModelSitemap(
        Employer.objects.filter(cluster_employers__cluster__is_published=True)
        .distinct()
        .order_by("pk")
    ),
}
