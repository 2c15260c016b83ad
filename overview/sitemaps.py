"""sitemap.xml: an index of bounded sitemaps of the public pages (published clusters only).

`/sitemap.xml` is a sitemap index; each section is `/sitemap-<section>.xml`, split into pages
of at most `SITEMAP_LIMIT` addresses (`?p=2`, …) so no response grows with the registry. Every
section reads through the anonymous visitor's gate, `visible_to(None)`.

Neither the index nor a page counts the rows (a count of the gated rows grows with the
registry: 871 ms at 100 000 clusters): a section's page `p` is the rows whose primary key lies
in the `p`-th range of `limit` keys from the table's first, one indexed slice, and the index
lists as many pages as the key ranges need (the table's least and greatest key, two index
probes). A page may hold fewer than `limit` addresses, or none, where keys are sparse or rows
are hidden; every visible row is on exactly one page.
"""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, Min, OuterRef
from django.urls import reverse

from clusters.models import Cluster, College, Employer, Industry
from regions.models import FederalDistrict, Region

# Far below the protocol's 50 000 per file: a section page stays ~1 MB and well under a second.
SITEMAP_LIMIT = 5000


def _published_clusters():
    return Cluster.objects.visible_to(None)


class _KeyRangePage:
    def __init__(self, object_list):
        self.object_list = object_list


class _KeyRangePaginator:
    """Django's sitemap paginator (`num_pages`, `page(n).object_list`) over key ranges."""

    def __init__(self, queryset, limit: int):
        self.queryset = queryset
        self.limit = limit
        bounds = queryset.model._default_manager.aggregate(first=Min("pk"), last=Max("pk"))
        self.first = bounds["first"] or 0
        last = bounds["last"]
        self.num_pages = 1 if last is None else (last - self.first) // limit + 1

    def page(self, number) -> _KeyRangePage:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        low = self.first + (number - 1) * self.limit
        return _KeyRangePage(self.queryset.filter(pk__gte=low, pk__lt=low + self.limit))


class KeyRangeSitemap(Sitemap):
    """A section paged by primary-key ranges (see the module's docstring)."""

    limit = SITEMAP_LIMIT

    @property
    def paginator(self):
        return _KeyRangePaginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        return None  # the index gives no date rather than read every row for one


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


class ClusterSitemap(KeyRangeSitemap):
    changefreq = "weekly"

    def items(self):
        # Only what an address and its date need: no row of 20 columns per cluster.
        return _published_clusters().only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ModelSitemap(KeyRangeSitemap):
    """Reference pages; only those that lead to at least one published cluster."""

    changefreq = "monthly"

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
