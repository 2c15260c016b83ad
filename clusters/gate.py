"""The one gate: who sees and who edits which registry rows. Written here once.

Every door (public pages, API viewsets, CSV, stats, sitemaps, the admin, imports) gets its
rows through the QuerySet methods `visible_to(user)` and `editable_by(user)`, which are
built from the functions below; counts, facets and annotations that cannot start from a
QuerySet use the same rule as a `Q` (`cluster_visible_q(user, prefix)`).

The rule:

* a published cluster is visible to everyone;
* a draft is visible to users holding `clusters.view_draft` (federal editors, reviewers) and
  to the regional editors of its region — nobody else, whatever `is_staff` says;
* a row is editable by an active user holding the model's `change` permission who either
  holds `clusters.edit_all_regions` (federal editors) or keeps the row's region on their
  StaffProfile (regional editors);
* memberships, partnerships, figures and funding lines follow their cluster; region-level
  funding lines (joint money, no cluster) are public facts of their region;
* a college or employer is seen only through a cluster the user may see (so it is public
  only through a published cluster: one in no cluster, or only in drafts, is not), and by
  the editors of its region.

Public funding totals (region, district, industry, national) are the anonymous view, so the
totals SQL uses `PUBLIC_CLUSTER_SQL` — the same rule for a user who may see no draft.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from common.access import EDIT_ALL_REGIONS, PUBLISH, VIEW_DRAFT, holds

User = AbstractBaseUser | AnonymousUser | None


# The one refusal of a write outside the user's regions: it must not tell a record that
# exists from one that does not, nor which right is missing (issue 20).
REFUSED = "Недостаточно прав на записи этого субъекта."

# Matches nothing, as a Q (an empty `Q()` matches everything).
NOTHING = Q(pk__in=[])


def PUBLIC_CLUSTER_SQL(alias: str) -> str:  # noqa: N802 — a constant with a table alias
    """The anonymous rule as SQL on a cluster table alias (for hand-written totals SQL)."""
    return f"{alias}.is_published"


def _active(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_drafts(user: User) -> bool:
    return holds(user, VIEW_DRAFT)


def can_publish(user: User) -> bool:
    return holds(user, PUBLISH)


def edits_all_regions(user: User) -> bool:
    return holds(user, EDIT_ALL_REGIONS)


def profile_region_ids(user: User) -> frozenset[int]:
    """The regions on the user's StaffProfile, read once per user object."""
    if not _active(user):
        return frozenset()
    cached = getattr(user, "_registry_region_ids", None)
    if cached is None:
        from accounts.models import StaffProfile

        cached = frozenset(
            StaffProfile.regions.through.objects.filter(staffprofile__user_id=user.pk).values_list(
                "region_id", flat=True
            )
        )
        user._registry_region_ids = cached
    return cached


def editable_region_ids(user: User, perm: str) -> frozenset[int] | None:
    """Regions whose rows `user` may change with model permission `perm`; None means all."""
    if not holds(user, perm):
        return frozenset()
    if edits_all_regions(user):
        return None
    return profile_region_ids(user)


def region_q(regions: frozenset[int] | None, region_path: str) -> Q:
    """Rows whose `region_path` is in `regions` (None: every row)."""
    if regions is None:
        return Q()
    if not regions:
        return NOTHING
    return Q(**{f"{region_path}__in": sorted(regions)})


def cluster_editable_q(user: User, prefix: str = "") -> Q:
    """Clusters `user` may change, as a Q on the path `prefix` (e.g. "cluster__")."""
    return region_q(editable_region_ids(user, "clusters.change_cluster"), f"{prefix}region")


def cluster_visible_q(user: User, prefix: str = "") -> Q:
    """Clusters `user` may see, as a Q on the path `prefix` (e.g. "clusters__" in a Count)."""
    if can_view_drafts(user):
        return Q()
    published = Q(**{f"{prefix}is_published": True})
    own = cluster_editable_q(user, prefix)
    if own == NOTHING:
        return published
    return published | own


def sees_some_drafts(user: User) -> bool:
    """Whether `user` sees more than the public does (any draft at all)."""
    return cluster_visible_q(user) != Q(is_published=True)


def organisation_visible_q(user: User, memberships, member_field: str, perm: str) -> Q:
    """Colleges or employers `user` may see, as a Q on their table: members (through
    `memberships`, their membership rows, by `member_field`) of a cluster the user may see,
    and the rows of the regions the user may change with `perm`. Never public on their own."""
    if can_view_drafts(user):
        return Q()
    in_visible = (
        memberships.order_by()
        .filter(cluster_visible_q(user, "cluster__"))
        .values_list(member_field)
    )
    return Q(pk__in=in_visible) | region_q(editable_region_ids(user, perm), "region")


def funding_line_visible_q(user: User, prefix: str = "") -> Q:
    """Funding lines `user` may see: region-level lines, and lines of visible clusters."""
    rule = cluster_visible_q(user, f"{prefix}cluster__")
    if rule == Q():
        return Q()
    return Q(**{f"{prefix}cluster__isnull": True}) | rule


def audience_key(user: User) -> str:
    """Users with the same key see the same rows: a cache of whole responses may share an
    entry between them (common/response_cache.py). Written from the rule above, so a change
    to who sees what changes the keys with it."""
    if can_view_drafts(user):
        return "drafts:all"
    own = editable_region_ids(user, "clusters.change_cluster")
    if own:
        return "drafts:regions:" + ",".join(str(pk) for pk in sorted(own))
    return "public"
