"""The registry's roles as Django groups, defined here once and synced on every migrate.

* «Федеральный редактор» edits everything in every region, publishes and withdraws;
* «Региональный редактор» edits only the records of the regions on their StaffProfile and
  submits clusters for review, but cannot publish;
* «Рецензент» reads everything, drafts included, and writes nothing;
* «Аналитик» reads the public data through an API token at a higher rate limit.

What each permission lets a user do is decided in one place, clusters/gate.py; the names of
the roles and permissions are common/access.py.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from common.access import (
    ANALYST,
    CHANGE_FEED,
    EDIT_ALL_REGIONS,
    FEDERAL_EDITOR,
    PUBLISH,
    REGIONAL_EDITOR,
    REVIEWER,
    VIEW_DRAFT,
)

# Models whose rows belong to a region (directly or through their cluster).
REGIONAL_MODELS = {
    "clusters": ["cluster", "clustercollege", "clusteremployer", "reportedfigure"]
    + ["college", "employer"],
    "funding": ["fundingline"],
}
# Rows about facts from many sources: editors see and decide them in their regions.
PROVENANCE_MODELS = {
    "clusters": ["factconflict", "matchproposal", "merge", "citation", "pendingchange"]
}
# Spreadsheet imports: federal editors import everything, regional editors their regions
# (every row goes through the write services with the importing user, gate included).
IMPORTS = ["imports.add_importjob", "imports.view_importjob"]
REFERENCE_MODELS = {
    "regions": ["federaldistrict", "region", "reportedcount"],
    "clusters": ["industry", "programme", "source"],
    "funding": [
        "clusterfundingtotal",
        "regionfundingtotal",
        "federaldistrictfundingtotal",
        "industryfundingtotal",
        "nationalfundingtotal",
    ],
}


def _model_perms(models: dict[str, list[str]], actions: list[str]) -> list[str]:
    return [
        f"{app}.{action}_{model}"
        for app, names in models.items()
        for model in names
        for action in actions
    ]


def role_permissions() -> dict[str, list[str]]:
    """Permission codes ("app.codename") of every role."""
    crud = ["add", "change", "delete", "view"]
    view_all = _model_perms(REGIONAL_MODELS, ["view"]) + _model_perms(REFERENCE_MODELS, ["view"])
    return {
        FEDERAL_EDITOR: [
            *_model_perms(REGIONAL_MODELS, crud),
            *_model_perms(PROVENANCE_MODELS, ["view", "change"]),
            *IMPORTS,
            *_model_perms(REFERENCE_MODELS, ["view"]),
            *_model_perms({"clusters": ["industry", "programme", "source"]}, crud),
            *_model_perms({"regions": ["reportedcount"]}, crud),
            *_model_perms({"extraction": ["sourcetext"]}, ["add", "change", "view"]),
            VIEW_DRAFT,
            PUBLISH,
            EDIT_ALL_REGIONS,
            CHANGE_FEED,
        ],
        REGIONAL_EDITOR: [
            *_model_perms(REGIONAL_MODELS, crud),
            *_model_perms(PROVENANCE_MODELS, ["view", "change"]),
            *IMPORTS,
            *_model_perms(REFERENCE_MODELS, ["view"]),
            "clusters.add_source",
            *_model_perms({"extraction": ["sourcetext"]}, ["add", "change", "view"]),
        ],
        REVIEWER: [*view_all, *_model_perms(PROVENANCE_MODELS, ["view"]), VIEW_DRAFT, CHANGE_FEED],
        ANALYST: [],
    }


def roles_sync() -> dict[str, int]:
    """Create or update the four groups so that each holds exactly its permissions.

    Effect: writes auth groups and their permission links; returns permissions per group.
    Permissions that do not exist yet (a model not migrated) are skipped.
    """
    roles = role_permissions()
    wanted_codes = {code for codes in roles.values() for code in codes}
    labels = {code.split(".", 1)[0] for code in wanted_codes}
    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(
            content_type__app_label__in=labels
        ).values_list("pk", "content_type__app_label", "codename")
    }
    result = {}
    for name, codes in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {known[code] for code in codes if code in known}
        group.permissions.set(wanted)
        result[name] = len(wanted)
    return result


def roles_sync_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    # Django sends post_migrate once per app with models, in INSTALLED_APPS order, each app's
    # permissions created by its own; after the last one every permission exists, so the
    # groups are synced once per migrate (or flush), not once per app.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not None and with_models and app_config is with_models[-1]:
        roles_sync()
