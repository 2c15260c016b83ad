"""sitemap.xml: the public pages a search engine should find (published clusters only)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
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
        return Cluster.objects.visible_to(None).order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ModelSitemap(Sitemap):
    """Reference pages; only those that lead to at least one published cluster."""

    changefreq = "monthly"

    def __init__(self, queryset):
        self.queryset = queryset

    def items(self):
        return self.queryset.all()  # a fresh query per request, never a cached result


def _leading_to_public_clusters(model, cluster_path: str):
    """Reference rows with at least one cluster the public may see (the gate, anonymous)."""
    public = Cluster.objects.visible_to(None).filter(**{cluster_path: OuterRef("pk")})
    return model.objects.filter(Exists(public)).order_by("pk")


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "clusters": ClusterSitemap,
    "regions": ModelSitemap(_leading_to_public_clusters(Region, "region")),
    "districts": ModelSitemap(FederalDistrict.objects.order_by("pk")),
    "industries": ModelSitemap(_leading_to_public_clusters(Industry, "industry")),
    "colleges": ModelSitemap(College.objects.visible_to(None).order_by("pk")),
    "employers": ModelSitemap(Employer.objects.visible_to(None).order_by("pk")),
}
