"""The doors a library adds cannot forget the gate: every relation filter of every FilterSet
and every history admin go through it by their base class (issue 20). These tests fail
when someone adds a filter or an admin that would skip it."""

from __future__ import annotations

import importlib

import django_filters
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.filtersets import GatedRelationFilter, RegistryFilterSet, gated_relation
from history.admin import ReadableHistoryMixin


def _project_filtersets() -> list[type[django_filters.FilterSet]]:
    """Every FilterSet of the project's apps (those under BASE_DIR), their modules imported."""
    ours = [c for c in apps.get_app_configs() if c.path.startswith(str(settings.BASE_DIR))]
    for config in ours:
        try:
            importlib.import_module(f"{config.name}.filtersets")
        except ModuleNotFoundError:
            pass
    names = {config.name for config in ours}
    found, todo = [], [django_filters.FilterSet]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in names and sub._meta.model is not None:
                found.append(sub)
    return found


def test_the_project_has_filtersets_to_check():
    names = {cls.__name__ for cls in _project_filtersets()}
    assert {"CollegeFilterSet", "EmployerFilterSet", "FundingLineFilterSet"} <= names


@pytest.mark.parametrize("filterset", _project_filtersets(), ids=lambda cls: cls.__name__)
def test_every_relation_filter_goes_through_the_gate(filterset):
    """A filter whose path crosses a cluster is gated by the base FilterSet; a `method=`
    filter would be the method's own business, so none may cross a cluster."""
    assert issubclass(filterset, RegistryFilterSet), filterset
    model = filterset._meta.model
    instance = filterset(queryset=model._default_manager.none())
    for name, base in filterset.base_filters.items():
        crossing = gated_relation(model, base.field_name or "")
        if crossing is None:
            continue
        assert base.method is None, (
            f"{filterset.__name__}.{name}: a method filter on a path through a cluster "
            "skips the gate; give it a plain field_name instead"
        )
        if crossing[1] == "" and base.lookup_expr == "isnull":
            continue  # whether there is a cluster at all reads no row of it
        assert isinstance(instance.filters[name].filter, GatedRelationFilter), name


def test_the_known_relation_filters_are_gated():
    from clusters.filtersets import CollegeFilterSet, EmployerFilterSet
    from clusters.models import College, Employer
    from funding.filtersets import FundingLineFilterSet
    from funding.models import FundingLine

    for filterset, model, names in [
        (CollegeFilterSet, College, {"industry", "cluster_kind", "cluster"}),
        (EmployerFilterSet, Employer, {"cluster_kind", "cluster"}),
        (FundingLineFilterSet, FundingLine, {"industry", "cluster"}),
    ]:
        instance = filterset(queryset=model.objects.none())
        gated = {
            n for n, f in instance.filters.items() if isinstance(f.filter, GatedRelationFilter)
        }
        assert names <= gated, (filterset.__name__, gated)


def test_every_history_admin_goes_through_the_gate():
    """django-simple-history adds a history list, a version page and revert to each admin:
    every registered one has the registry's gated history base."""
    with_history = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert len(with_history) >= 8
    for model_admin in with_history:
        assert isinstance(model_admin, ReadableHistoryMixin), type(model_admin).__name__
        mro = type(model_admin).__mro__
        assert mro.index(ReadableHistoryMixin) < mro.index(SimpleHistoryAdmin)
