"""The names of who may do what, written once: the role groups and the permissions the gate
reads. Vocabulary only — the rule is clusters/gate.py, what each role is granted is
accounts/roles.py, and both (and the API throttle) take their names from here.
"""

# The role groups (Django groups, synced on every migrate by accounts/roles.py).
FEDERAL_EDITOR = "Федеральный редактор"
REGIONAL_EDITOR = "Региональный редактор"
REVIEWER = "Рецензент"
ANALYST = "Аналитик"

# The permissions the gate asks about, beyond the models' own add/change/delete/view.
VIEW_DRAFT = "clusters.view_draft"
PUBLISH = "clusters.publish_cluster"
EDIT_ALL_REGIONS = "clusters.edit_all_regions"
CHANGE_FEED = "history.view_change"  # the feed of all changes (history/admin.py, /api/v1/changes/)


def holds(user, perm: str) -> bool:
    """Whether `user` is a signed-in, active account holding `perm` — the one test of a
    permission (the gate, the services' checks and reference rows' `editable_by` ask it)."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(perm)
    )
