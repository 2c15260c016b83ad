"""The registry's one gate and the two models it is about, as the ground floor reaches them.

`common/` imports no app of the registry, yet its door plumbing (page views, the admin base,
the response cache) applies the gate of clusters/gate.py. Settings name the gate and its
models once — `REGISTRY_GATE`, `REGISTRY_CLUSTER_MODEL`, `REGISTRY_REGION_MODEL`, as
`AUTH_USER_MODEL` names the user model — and these functions hand them over at call time.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.db import models


@cache
def gate() -> ModuleType:
    """The module holding the rule of who sees and edits what (clusters/gate.py)."""
    return import_module(settings.REGISTRY_GATE)


def cluster_model() -> type[models.Model]:
    """The model whose rows the gate decides on (clusters.Cluster)."""
    return apps.get_model(settings.REGISTRY_CLUSTER_MODEL)


def region_model() -> type[models.Model]:
    """The federal subjects, by which editors' rights are cut (regions.Region)."""
    return apps.get_model(settings.REGISTRY_REGION_MODEL)
