"""sitemap.xml: an index of bounded sitemaps of the public pages (published clusters only).

`/sitemap.xml` is a sitemap index; each section is `/sitemap-<section>.xml`, split into pages
of at most `SITEMAP_LIMIT` addresses (`?p=2`, …) so no response grows with the registry. Every
section reads through the anonymous visitor's gate, `visible_to(None)`.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from clusters.models import Cluster, College, Employer, Industry
from regions.models import FederalDistrict, Region

# Far below the protocol's 50 000 per file: a section page stays ~1 MB and well under a second.
SITEMAP_LIMIT = 5000


def _published_clusters():
    return Cluster.objects.visible_to(None)


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "overview:home",
            "clusters:list",
            "regions:list",
            "clusters:industries",
            "overview:open_data",
        ]

    def location(self, item):
        return reverse(item)


class ClusterSitemap(Sitemap):
    changefreq = "weekly"
    limit = SITEMAP_LIMIT

    def items(self):
        # Only what an address and its date need: no row of 20 columns per cluster.
        return _published_clusters().only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at

    def get_latest_lastmod(self):
        # Django's default reads every item to take the max; the index needs one aggregate.
        return _published_clusters().aggregate(latest=Max("updated_at"))["latest"]


class ModelSitemap(Sitemap):
    """Reference pages; only those that lead to at least one published cluster."""

    changefreq = "monthly"
    limit = SITEMAP_LIMIT

    def __init__(self, queryset_of):
        self.queryset_of = queryset_of

    def items(self):
        return self.queryset_of()  # a fresh query per request, never a cached result


def _leading_to_public_clusters(model, cluster_path: str):
    """Reference rows with at least one cluster the public may see (the gate, anonymous)."""
    public = Cluster.objects.visible_to(None).filter(**{cluster_path: OuterRef("pk")})
    return model.objects.filter(Exists(public)).order_by("pk")


def _leading_to_public_clusters(model, cluster_path: str):
    """Reference rows with at least one cluster the public may see (the gate, anonymous)."""
    public = _published_clusters().filter(**{cluster_path: OuterRef("pk")})
    return model.objects.filter(Exists(public)).order_by("pk")


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "clusters": ClusterSitemap,
    "regions": ModelSitemap(lambda: _leading_to_public_clusters(Region, "region").only("slug")),
    "districts": ModelSitemap(lambda: FederalDistrict.objects.only("code").order_by("pk")),
    "industries": ModelSitemap(
        lambda: _leading_to_public_clusters(Industry, "industry").only("slug")
    ),
    "colleges": ModelSitemap(lambda: College.objects.visible_to(None).only("pk").order_by("pk")),
    "employers": ModelSitemap(lambda: Employer.objects.visible_to(None).only("pk").order_by("pk")),
}
