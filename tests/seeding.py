"""The `seed` fixture's fast path: `manage.py seed` runs once per test database, and each test
that asks for the seed gets the rows it wrote back by COPY (a few milliseconds instead of
loaddata's per-object saves, the totals recompute and the history rows, every test).

Equal to the plain path by construction, and checked:
- capture runs the real command inside a transaction it rolls back, and keeps every table
  whose contents the command changed; each of those must have been empty before it (else no
  snapshot, and every test runs the command);
- restore happens only when every table holds as many rows as before the command ran (the
  state the command saw, as at the start of a test); otherwise the caller runs the command;
- after the COPY, the sequences of those tables are reset as loaddata resets them;
- tests/test_seed.py compares both paths row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from common.data_versions import CHANGE_TABLE, VERSION_TABLE


def _tables() -> list[str]:
    """Every table the seed may write, less the table versions: the database's triggers keep
    those (the COPY of a restore fires them as the command's writes did)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(set(names) - {VERSION_TABLE, CHANGE_TABLE})


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)


def _row_counts(tables: list[str]) -> tuple[int, ...]:
    """Every table's row count, in one query."""
    columns = ", ".join(f"(SELECT count(*) FROM {_quoted(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return tuple(cursor.fetchone())


def digest_sql(table: str) -> str:
    """A scalar subquery: the md5 of a table's rows in a fixed order (also tests/flushing.py)."""
    return f"(SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM {_quoted(table)} r)"


def _fingerprints(tables: list[str]) -> tuple[str, ...]:
    """A digest of every table's contents, in one query (to see what a command changed)."""
    columns = ", ".join(digest_sql(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return tuple(cursor.fetchone())


@dataclass
class SeedSnapshot:
    tables: list[str] = field(default_factory=list)  # every table of the database
    counts: tuple[int, ...] = ()  # their row counts before the command ran
    data: dict[str, bytes] = field(default_factory=dict)  # table → COPY (binary) of its rows
    sequences_sql: list[str] = field(default_factory=list)
    captured_at: datetime | None = None  # when the command ran (its history and totals say so)
    usable: bool = False

    @classmethod
    def capture(cls) -> SeedSnapshot:
        """Run `seed` once (rolled back) and keep what it wrote. Needs database access."""
        snapshot = cls()
        if connection.vendor != "postgresql":
            return snapshot  # COPY is PostgreSQL's: the plain command every time
        with transaction.atomic():
            snapshot.tables = _tables()
            snapshot.counts = _row_counts(snapshot.tables)
            before = _fingerprints(snapshot.tables)
            snapshot.captured_at = timezone.now()
            call_command("seed", no_migrate=True, no_press=True, verbosity=0)
            after = _fingerprints(snapshot.tables)
            changed = [
                (table, count)
                for table, count, old, new in zip(
                    snapshot.tables, snapshot.counts, before, after, strict=True
                )
                if old != new
            ]
            if changed and all(count == 0 for _, count in changed):
                with connection.cursor() as cursor:
                    for table, _ in changed:
                        with cursor.copy(
                            f"COPY {_quoted(table)} TO STDOUT (FORMAT binary)"
                        ) as copy:
                            snapshot.data[table] = b"".join(bytes(chunk) for chunk in copy)
                models = [
                    model
                    for model in apps.get_models(include_auto_created=True)
                    if model._meta.db_table in snapshot.data
                ]
                snapshot.sequences_sql = connection.ops.sequence_reset_sql(no_style(), models)
                snapshot.usable = True
            transaction.set_rollback(True)
        return snapshot

    def restore(self) -> bool:
        """Write the seed's rows back, if the database is as the command found it."""
        if not self.usable or _tables() != self.tables:
            return False
        if _row_counts(self.tables) != self.counts:
            return False
        # One transaction (a savepoint inside a test's own): the foreign keys, deferred, are
        # checked once every table is in, whatever the order of the tables.
        with transaction.atomic(), connection.cursor() as cursor:
            for table, rows in self.data.items():
                with cursor.copy(f"COPY {_quoted(table)} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(rows)
            for statement in self.sequences_sql:
                cursor.execute(statement)
        return True
