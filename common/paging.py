"""Pagination of the cluster lists on region, district and industry pages."""

from __future__ import annotations

from django.core.paginator import Paginator

CLUSTERS_PER_PAGE = 20


def paginated(request, queryset, per_page: int = CLUSTERS_PER_PAGE) -> dict:
    """One page of `queryset` (by `?page=`) as `clusters`, with `page_obj`, `paginator` and
    `cluster_count` (all pages) for the templates."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return {
        "clusters": page.object_list,
        "page_obj": page,
        "paginator": page.paginator,
        "cluster_count": page.paginator.count,
    }
