from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last tie-breaker, so pages never overlap."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering is None:
            return None
        ordering = list(ordering)
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("pk")
        return ordering

    def get_default_ordering(self, view):
        ordering = super().get_default_ordering(view)
        if ordering is None:
            # The model only: the view's class queryset, not a second gated, filtered build.
            queryset = getattr(view, "queryset", None)
            model = (queryset if queryset is not None else view.get_queryset()).model
            ordering = tuple(model._meta.ordering)
        return ordering or None
