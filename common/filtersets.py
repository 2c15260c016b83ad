"""The bases of the registry's FilterSets: django-filter's, with less work per request."""

from __future__ import annotations

import copy

import django_filters as filters
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import (
    AllValuesFilter,
    AllValuesMultipleFilter,
    FilterMethod,
    QuerySetRequestMixin,
)

from common.widgets import quick_selects


def _static(filter_: filters.Filter) -> bool:
    """Whether the filter's form field is the same for every request: not built from the
    request (a callable queryset) nor from the rows (AllValues… reads its choices)."""
    if isinstance(filter_, AllValuesFilter | AllValuesMultipleFilter):
        return False
    return not (isinstance(filter_, QuerySetRequestMixin) and callable(filter_.queryset))


# The models whose rows the gate hides (clusters/gate.py): a filter that reads one of them
# through a relation reads only the rows the requesting user may see.
GATED_RELATIONS = ("clusters.Cluster",)


def gated_relation(model, field_name: str) -> tuple[str, str] | None:
    """Where `field_name` (a filter's path from `model`) crosses a gated model: the path up
    to and including that relation, and the rest of the path inside it ("" when the path
    ends at the relation). None when it crosses none (or is not a model path at all)."""
    gated = tuple(apps.get_model(label) for label in GATED_RELATIONS)
    parts = field_name.split("__")
    current = model
    for i, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not field.is_relation:
            return None
        current = field.related_model
        if current in gated:
            return "__".join(parts[: i + 1]), "__".join(parts[i + 1 :])
    return None


class GatedRelationFilter:
    """A filter's `filter` for a path through a gated model: the condition is asked of the
    rows of that model the user may see (`visible_to`), and the path matches those only —
    `?industry=x` on colleges means «in a cluster of industry x that you may see», so a draft
    never adds a row to a list (issue 20). Exclusion, distinct and null values as the filter's
    own; the same query shape (one `IN (subquery)` in the same filter() call)."""

    def __init__(self, filter_: filters.Filter, prefix: str, rest: str, target):
        self.outer = filter_
        self.prefix = prefix
        self.target = target
        self.inner = copy.copy(filter_)
        self.inner.field_name = rest or "pk"
        self.inner.exclude = False
        self.inner.distinct = False
        self.inner.model = target

    def __call__(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        parent = self.outer.parent
        visible = self.target._default_manager.visible_to(getattr(parent, "user", None))
        inside = self.inner.filter(visible, value)
        condition = {f"{self.prefix}__in": inside.order_by().values("pk")}
        qs = qs.exclude(**condition) if self.outer.exclude else qs.filter(**condition)
        return qs.distinct() if self.outer.distinct else qs


class RegistryFilterSet(filters.FilterSet):
    """django-filter's FilterSet, the same filtering and the same errors, built for less.

    Per request django-filter deep-copies every filter and builds a new form class from new
    form fields: ≈ 3 ms of the cluster list's 17 filters, a tenth of an uncached request. Here
    each filter is copied shallowly (a request sets only its `model` and `parent`; its `extra`
    is copied too, as `QuerySetRequestMixin.field` writes into it, and a `method=` filter's
    FilterMethod is made anew for the copy, whose parent it calls), and the form class is built
    once per FilterSet class when every filter's field is static (`_static`). Its fields are
    then shared the way any declared Django form's are: each form deep-copies them
    (`BaseForm.__init__`), so no request sees another's field, widget or queryset.

    Every filter whose path crosses a gated model (GATED_RELATIONS) goes through the gate
    inside the relation (GatedRelationFilter), for the request's user — or `user` when there
    is no request (a service filtering for someone); with neither, the public's view. A
    `method=` filter is the method's own: a test refuses one whose path crosses a gated
    model (tests/security/test_gated_doors.py), so no filter can skip the gate."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.user = getattr(request, "user", None) if request is not None else user
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.extra = dict(base.extra)
            if isinstance(vars(base).get("filter"), FilterMethod):  # it calls its own filter
                filter_.filter = FilterMethod(filter_)
            filter_.model = queryset.model
            filter_.parent = self
            gated = _gated_path(type(self), name, queryset.model, filter_)
            if gated is not None:
                prefix, rest, target = gated
                filter_.filter = GatedRelationFilter(filter_, prefix, rest, target)
            self.filters[name] = filter_

    def get_form_class(self):
        cls = type(self)
        cached = cls.__dict__.get("_registry_form_class")
        if cached is not None:
            return cached
        form_class = super().get_form_class()
        if all(_static(filter_) for filter_ in self.filters.values()):
            cls._registry_form_class = form_class
        return form_class


def _gated_path(cls, name: str, model, filter_: filters.Filter):
    """(prefix, rest, gated model) for a filter that must be gated; cached per class."""
    cache = cls.__dict__.get("_registry_gated_paths")
    if cache is None:
        cache = {}
        cls._registry_gated_paths = cache
    key = (name, model)
    if key not in cache:
        found = None
        if not isinstance(vars(filter_).get("filter"), FilterMethod) and filter_.field_name:
            crossing = gated_relation(model, filter_.field_name)
            # `cluster__isnull` reads no row of the cluster, only whether there is one.
            if crossing and not (crossing[1] == "" and filter_.lookup_expr == "isnull"):
                prefix, rest = crossing
                found = (prefix, rest, _target(model, prefix))
        cache[key] = found
    return cache[key]


def _target(model, path: str):
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


class PageFilterSet(RegistryFilterSet):
    """Its form's selects write their HTML in Python (common/widgets.py): the same bytes as
    Django's templates, without a template include per option."""

    @property
    def form(self):
        built = hasattr(self, "_form")  # django-filter builds the form once and keeps it
        form = super().form
        return form if built else quick_selects(form)
