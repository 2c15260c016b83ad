"""Writes of staff accounts: a user with one registry role and, for regional editors, regions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from accounts.models import StaffProfile
from accounts.roles import ANALYST, FEDERAL_EDITOR, REGIONAL_EDITOR, REVIEWER, roles_sync
from regions.models import Region

STAFF_ROLES = {
    "federal-editor": FEDERAL_EDITOR,
    "regional-editor": REGIONAL_EDITOR,
    "reviewer": REVIEWER,
    "analyst": ANALYST,
}


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    role: str,
    region_codes: list[str] | None = None,
    email: str = "",
    password: str | None = None,
    with_token: bool = False,
) -> tuple[AbstractBaseUser, str | None]:
    """Create or update `username` with exactly one registry role.

    Effect: writes the user (staff for every role but analyst; never superuser), their group
    membership, a StaffProfile with `region_codes` (required for a regional editor, refused
    for other roles) and, with `with_token`, a DRF token. Returns the user and the token key.
    Raises ValueError on an unknown role or region code.
    """
    if role not in STAFF_ROLES:
        raise ValueError(f"Неизвестная роль «{role}»: {', '.join(sorted(STAFF_ROLES))}.")
    codes = sorted(set(region_codes or []))
    regions = list(Region.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {r.code for r in regions})
    if missing:
        raise ValueError(f"Нет субъектов с кодами: {', '.join(missing)}.")
    if role == "regional-editor" and not regions:
        raise ValueError("Региональному редактору нужен хотя бы один субъект (--regions).")
    if role != "regional-editor" and regions:
        raise ValueError("Субъекты задаются только региональному редактору.")
    roles_sync()
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    user.email = email or user.email
    user.is_staff = role != "analyst"
    user.is_active = True
    if password:
        user.set_password(password)
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=STAFF_ROLES.values()))
    user.groups.add(Group.objects.get(name=STAFF_ROLES[role]))
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    profile.regions.set(regions)
    key = None
    if with_token:
        from rest_framework.authtoken.models import Token

        key = Token.objects.get_or_create(user=user)[0].key
    return user, key
