"""What every public page view shares: its rows come through the gate for the request's user.

`GatedViewMixin.get_queryset()` narrows the view's queryset with `visible_to(user)`, and
`visible(Model)` / `visible_q(prefix)` give the same rule for the other rows and counts a page
shows, so no page writes its own "published only" condition.

Anonymous visitors' GETs are also answered from the response cache
(common/response_cache.py): the same page of the same data (the versions of the tables it read) is rendered once.
A page that set a cookie or used the CSRF token is never kept.
"""

from __future__ import annotations

from django.db.models import Q

from common import gating, response_cache


class GatedViewMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated or request.method != "GET":
            return super().dispatch(request, *args, **kwargs)
        key = response_cache.request_key(request, audience="anonymous-page", media_type="html")
        stored = response_cache.lookup(key, request)
        if stored is not None:
            return stored.response()
        with response_cache.recording(request):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        if not request.META.get("CSRF_COOKIE_USED"):
            response_cache.store(key, response, request)
        return response

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def visible(self, model):
        """`model`'s rows the request's user may see."""
        return model.objects.visible_to(self.request.user)

    def visible_q(self, prefix: str = "") -> Q:
        """The cluster rule as a Q on `prefix` (e.g. "clusters__" inside a Count)."""
        return gating.gate().cluster_visible_q(self.request.user, prefix)
