"""Which registry models have a history, how each reads in Russian, and where it belongs."""

from __future__ import annotations

from django.db import models
from django.utils.text import capfirst  # not str.capitalize(): «РФ» stays «РФ»

from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
    ReportedFigure,
    Source,
)
from funding.models import FundingLine
from regions.models import FederalDistrict, Region

TRACKED: list[type[models.Model]] = [
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    ReportedFigure,
    FundingLine,
    College,
    Employer,
    Source,
    Programme,
    Industry,
    Region,
    FederalDistrict,
]

# The parts of a cluster whose history is shown on the cluster's own history page.
CLUSTER_PARTS: list[type[models.Model]] = [
    ClusterCollege,
    ClusterEmployer,
    ReportedFigure,
    FundingLine,
]

# Never shown as a change: bookkeeping every save touches.
SKIPPED_FIELDS = {"id", "created_at", "updated_at"}


def model_key(model: type[models.Model]) -> str:
    return model._meta.label_lower


def model_by_key(key: str) -> type[models.Model] | None:
    return next((m for m in TRACKED if model_key(m) == key), None)


def model_choices() -> list[tuple[str, str]]:
    return [(model_key(m), capfirst(str(m._meta.verbose_name_plural))) for m in TRACKED]


def region_lookup(model: type[models.Model]) -> str | None:
    """The historical row's field that says which region a change belongs to."""
    names = {f.name for f in model._meta.fields}
    if "region" in names:
        return "region_id"
    if "cluster" in names:
        return "cluster_id"
    return None
