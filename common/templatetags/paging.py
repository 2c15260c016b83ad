"""Page links for the paginated public lists: first, last and the pages around the current
one, the rest elided («…»), so a reader can jump to any part of a long list."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def page_links(page: Page) -> list[int | str]:
    """`{% page_links page_obj as links %}`: page numbers, `Paginator.ELLIPSIS` for gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
