"""The end of a test that commits (`transactional_db`): empty only what the test wrote.

Django ends such a test with `manage.py flush`: TRUNCATE of every table of the project, then
`post_migrate` again, which writes back every content type, every permission and the roles'
groups. On this project that is half a second a test (the TRUNCATE of ~150 tables 0.3 s,
`post_migrate` 0.2 s), longer than most tests it ends.

The fast path leaves the same database, and says so or steps aside:
- after a full flush (Django's own, with `post_migrate`), the tables it leaves with rows are
  the *baseline*, kept with a digest of their contents;
- at the next test's end, one query reads every other table's «has a row» and every baseline
  table's digest; if every digest is unchanged, the tables with rows are emptied with DELETE
  (foreign keys are deferred, so in any order; sequences are not reset, as Django's flush
  does not reset them either) and the database is as a full flush would leave it;
- if a baseline table changed (a test edited a group or a permission), or the test asks for
  what only Django's flush gives (`available_apps`, `serialized_rollback`, reset sequences),
  Django's flush runs, and the baseline is taken again after it.

tests/test_flushing.py compares both ends table by table.
"""

from __future__ import annotations

from django.db import DatabaseError, connections, transaction
from django.test import TransactionTestCase

from tests.seeding import digest_sql

# Database alias → the baseline: table → digest of its rows, after the last full flush.
_baselines: dict[str, dict[str, str]] = {}


def _quoted(connection, table: str) -> str:
    return connection.ops.quote_name(table)


def _tables(connection) -> list[str]:
    """The tables Django's flush empties."""
    return sorted(
        connection.introspection.django_table_names(only_existing=True, include_views=False)
    )


def take_baseline(alias: str) -> None:
    """Keep the tables a full flush left with rows, and their digests."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        _baselines.pop(alias, None)
        return
    tables = _tables(connection)
    columns = ", ".join(f"EXISTS (SELECT 1 FROM {_quoted(connection, t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        filled = [t for t, has_rows in zip(tables, cursor.fetchone(), strict=True) if has_rows]
        digests: tuple = ()
        if filled:
            cursor.execute("SELECT " + ", ".join(digest_sql(t) for t in filled))
            digests = cursor.fetchone()
    _baselines[alias] = dict(zip(filled, digests, strict=True))


def fast_flush(alias: str) -> bool:
    """Empty what the test wrote on database `alias`, leaving what a full flush leaves; False
    (nothing done) where that cannot be shown: no baseline yet, or a baseline table changed."""
    baseline = _baselines.get(alias)
    connection = connections[alias]
    if baseline is None or connection.vendor != "postgresql":
        return False
    tables = _tables(connection)
    others = [t for t in tables if t not in baseline]
    columns = [
        *(digest_sql(t) for t in baseline),
        *(f"EXISTS (SELECT 1 FROM {_quoted(connection, t)})" for t in others),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = cursor.fetchone()
    if tuple(row[: len(baseline)]) != tuple(baseline.values()):
        return False
    written = [t for t, has_rows in zip(others, row[len(baseline) :], strict=True) if has_rows]
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in written:
                cursor.execute(f"DELETE FROM {_quoted(connection, table)}")
    except DatabaseError:  # a key that cannot wait for the commit: Django's flush instead
        return False
    return True


_django_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown(self) -> None:
    aliases = list(self._databases_names(include_mirrors=False))
    plain = self.available_apps is None and not self.serialized_rollback
    if plain and not self.reset_sequences and all(fast_flush(alias) for alias in aliases):
        return
    _django_fixture_teardown(self)
    for alias in aliases:
        take_baseline(alias)


def install() -> None:
    """Called once by tests/conftest.py."""
    TransactionTestCase._fixture_teardown = _fixture_teardown
