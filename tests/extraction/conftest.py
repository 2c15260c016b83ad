from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def reference(db):
    """Regions and industries only: an empty registry that knows its vocabulary."""
    call_command(
        "loaddata",
        str(FIXTURES / "01_regions.json"),
        str(FIXTURES / "02_industries.json"),
        verbosity=0,
    )


def _staff_with_role(django_user_model, username: str, role: str, regions=()):
    from django.contrib.auth.models import Group

    from accounts.models import StaffProfile
    from accounts.roles import roles_sync

    roles_sync()
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    profile = StaffProfile.objects.create(user=user)
    profile.regions.set(regions)
    return user


@pytest.fixture
def federal_editor(django_user_model, reference):
    from accounts.roles import FEDERAL_EDITOR

    return _staff_with_role(django_user_model, "federal", FEDERAL_EDITOR)


@pytest.fixture
def smolensk_editor(django_user_model, reference):
    """A regional editor who keeps Смоленская область only."""
    from accounts.roles import REGIONAL_EDITOR
    from regions.models import Region

    return _staff_with_role(
        django_user_model, "smolensk", REGIONAL_EDITOR, [Region.objects.get(code="67")]
    )


@pytest.fixture
def altai_editor(django_user_model, reference):
    from accounts.roles import REGIONAL_EDITOR
    from regions.models import Region

    return _staff_with_role(
        django_user_model, "altai", REGIONAL_EDITOR, [Region.objects.get(code="22")]
    )
