"""What every public page view shares: its rows come through the gate for the request's user.

`GatedViewMixin.get_queryset()` narrows the view's queryset with `visible_to(user)`, and
`visible(Model)` / `visible_q(prefix)` give the same rule for the other rows and counts a page
shows, so no page writes its own "published only" condition.
"""

from __future__ import annotations

from django.db.models import Q

from clusters import gate


class GatedViewMixin:
    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def visible(self, model):
        """`model`'s rows the request's user may see."""
        return model.objects.visible_to(self.request.user)

    def visible_q(self, prefix: str = "") -> Q:
        """The cluster rule as a Q on `prefix` (e.g. "clusters__" inside a Count)."""
        return gate.cluster_visible_q(self.request.user, prefix)
