"""Settings come from the environment through typed readers that fail loudly."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
    require_secret_key,
)


def test_booleans_integers_and_lists_are_parsed(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    assert env_bool("X_UNSET", True) is True


@pytest.mark.parametrize(
    ("reader", "value"),
    [
        (env_bool, "maybe"),
        (env_int, "forty"),
        (env_float, "1,1"),
        (env_float, "-1"),
        (env_float, "nan"),
    ],
)
def test_a_malformed_value_is_an_error_naming_the_variable(monkeypatch, reader, value):
    monkeypatch.setenv("X_BAD", value)
    with pytest.raises(ImproperlyConfigured, match="X_BAD"):
        reader("X_BAD", 0) if reader in (env_int, env_float) else reader("X_BAD")


def test_a_number_may_be_unset_set_or_emptied(monkeypatch):
    monkeypatch.delenv("X_NUMBER", raising=False)
    assert env_float("X_NUMBER", 1.1) == 1.1
    monkeypatch.setenv("X_NUMBER", "4")
    assert env_float("X_NUMBER", 1.1) == 4.0
    monkeypatch.setenv("X_NUMBER", "")
    assert env_float("X_NUMBER", 1.1) is None


@pytest.mark.django_db
def test_every_postgresql_connection_prices_an_index_read_as_on_ssd():
    """DATABASE_RANDOM_PAGE_COST (default 1.1) is set on each connection (config/settings)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_a_required_value_without_default_is_an_error(monkeypatch):
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_REQUIRED"):
        env_str("X_REQUIRED")


def test_a_secret_may_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_secret("X_SECRET") == "from-a-file"


def test_the_site_refuses_to_serve_without_a_secret_key():
    with override_settings(SECRET_KEY=""), pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        require_secret_key()
    require_secret_key()  # the test settings have one
