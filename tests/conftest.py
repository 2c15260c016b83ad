import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


@pytest.fixture
def seed(db):
    """The real reference and seed data, loaded as `make seed` loads it."""
    call_command("seed", no_migrate=True)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


@pytest.fixture
def staff_editor(django_user_model):
    """A ministry staff member with every model permission of the registry apps."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        "editor", "editor@example.org", "pw", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["regions", "clusters", "funding"])
    )
    return user


@pytest.fixture
def stranger(django_user_model):
    """Logged in, but neither staff nor holding any permission."""
    return django_user_model.objects.create_user("stranger", "s@example.org", "pw")


@pytest.fixture
def admin_client_logged(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def api_client():
    return APIClient()
