"""Pagination of the cluster lists on the catalogue, region, district and industry pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet

CLUSTERS_PER_PAGE = 20


class IdsFirstPaginator(Paginator):
    """A page of a queryset read in two statements: the ids of the page's slice (the list's
    filters and order, without the joins and prefetches its rows carry), then those rows.
    Sorting a large list then orders ids, and the joins (region, industry, total, base
    college) run for the page's rows only, not for every row the sort reads — the same page,
    in the same order. `count`, when given, is the list's size counted elsewhere (the counts
    of clusters, clusters/counts.py), so the list is not counted a second time."""

    def __init__(self, *args, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.count = count  # Paginator.count is a cached property

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            # The last page: its rows whatever the count says (a count kept elsewhere may
            # lag a write by a recompute; the rows shown never do).
            top = bottom + self.per_page + self.orphans
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def paginated(
    request, queryset, per_page: int = CLUSTERS_PER_PAGE, count: int | None = None
) -> dict:
    """One page of `queryset` (by `?page=`) as `clusters`, with `page_obj`, `paginator` and
    `cluster_count` (all pages; `count` when the caller has counted them) for the templates."""
    page = IdsFirstPaginator(queryset, per_page, count=count).get_page(request.GET.get("page"))
    return {
        "clusters": page.object_list,
        "page_obj": page,
        "paginator": page.paginator,
        "cluster_count": page.paginator.count,
    }
