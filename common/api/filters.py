from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last tie-breaker, so pages never overlap."""

    def get_ordering(self, request, queryset, view):
        self._refuse_unknown_fields(request, queryset, view)
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

    def get_valid_fields(self, queryset, view, context=None):
        """The view's fields, and the primary key (`pk`, and `id` where it is the key's name):
        the tie-breaker every list ends with may also lead."""
        fields = list(super().get_valid_fields(queryset, view, context or {}))
        names = {name for name, _ in fields}
        for name in ("pk", queryset.model._meta.pk.name):
            if name not in names:
                fields.append((name, name))
                names.add(name)
        return fields

    def _refuse_unknown_fields(self, request, queryset, view) -> None:
        """A field the list cannot be ordered by is a 400 naming it (the schema lists the
        fields), where DRF would drop it quietly (issue 20)."""
        params = request.query_params.get(self.ordering_param, "")
        if not params:
            return
        valid = {item[0] for item in self.get_valid_fields(queryset, view, {"request": request})}
        for term in (t.strip() for t in params.split(",")):
            if term and term.removeprefix("-") not in valid:
                allowed = ", ".join(sorted(valid))
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Нельзя упорядочить по «{term[:50]}»; можно: {allowed}."
                        ]
                    }
                )
