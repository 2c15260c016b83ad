"""Admin login lockout (django-axes): N failures lock the login, staff unlock it (issue 10)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("lock-me", password="right-pw", is_staff=True)


def _login(client, password, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": "lock-me", "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_lockout_after_n_failures_refuses_the_right_password_until_unlocked(client, editor):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, "wrong").status_code == 200  # the form again, with its error
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    assert "Вход временно заблокирован" in locked.content.decode()

    refused = _login(client, "right-pw")
    assert refused.status_code == 429
    assert not _logged_in(client)

    call_command("axes_reset_username", "lock-me")
    assert _login(client, "right-pw").status_code == 302
    assert _logged_in(client)


def test_lockout_holds_from_another_address(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong", ip="192.0.2.20")
    assert _login(client, "right-pw", ip="198.51.100.7").status_code == 429
    assert not _logged_in(client)


def test_staff_unlock_in_the_admin(client, editor, admin_client_logged):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    attempt = AccessAttempt.objects.get(username="lock-me")
    page = admin_client_logged.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "lock-me" in page.content.decode()
    admin_client_logged.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert _login(client, "right-pw").status_code == 302


def test_a_success_before_the_limit_clears_the_failures(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "right-pw").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, "right-pw").status_code == 302
