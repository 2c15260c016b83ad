"""The embedded SQLite default finds Cyrillic text whatever its case (admin search,
autocomplete, every `icontains`), as PostgreSQL does."""

import sqlite3
from types import SimpleNamespace

import pytest

from common.sqlite import like, unicode_like


@pytest.fixture
def sqlite():
    raw = sqlite3.connect(":memory:")
    unicode_like(None, SimpleNamespace(vendor="sqlite", connection=raw))
    yield raw
    raw.close()


@pytest.mark.parametrize(
    ("value", "pattern", "found"),
    [
        ("Смоленская область", "%смол%", True),
        ("ОПЦ машиностроения", "%МАШИН%", True),
        ("Ёлкинский техникум", "%ёлк%", True),
        ("Иркутская область", "иркут%", True),
        ("Иркутская область", "%смол%", False),
        ("50% грант", r"%50\%%", True),
        ("500 грант", r"%50\%%", False),
        ("a_b", r"%a\_b%", True),
        ("axb", r"%a\_b%", False),
        ("строка\nс переводом", "%переводом", True),
    ],
)
def test_like_folds_the_case_of_every_alphabet_in_sql(sqlite, value, pattern, found):
    # Django's SQLite LIKE for contains/icontains/startswith/iexact, escape included.
    row = sqlite.execute("SELECT ? LIKE ? ESCAPE '\\'", [value, pattern]).fetchone()
    assert bool(row[0]) is found


def test_like_of_null_is_null():
    assert like(None, "x") is None and like("x", None) is None


def test_postgresql_connections_are_left_alone():
    touched = []
    fake = SimpleNamespace(
        vendor="postgresql", connection=SimpleNamespace(create_function=touched.append)
    )
    unicode_like(None, fake)
    assert touched == []
