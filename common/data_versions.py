"""A version per database table, changed by the database itself on every committed write.

The response cache (common/response_cache.py) keeps a response with the versions of the tables
it read; it is good while those versions are unchanged. The versions are kept by triggers, so
no write can go unseen: the write services, the recompute of totals, the admin, an import,
`QuerySet.update()`, raw SQL and `psql` all fire them.

PostgreSQL: every table has statement-level triggers (insert, update, delete with a transition
table, so a statement that changed no row changes nothing; truncate). A statement that changed
rows adds one row `(transaction id, table)` to `common_datachange` (at most one per transaction
and table: the primary key). A table's version is `common_dataversion.base` plus its rows in
`common_datachange` that the reader's snapshot sees, so a version changes exactly when a
transaction that wrote the table commits, in commit order, and writers never wait for one
another (no shared counter row is updated by a write: two transactions writing the same tables
in different orders cannot deadlock on it). `compact()` moves the counted rows into `base` in
one statement (the sum a reader sees is unchanged by it); it runs when a version read finds
more than `COMPACT_AFTER` rows.

SQLite (the embedded default): row-level triggers add 1 to the table's `base`. SQLite has one
writer at a time and a writer's counter update commits with its rows, so this is exact too.

Triggers are installed after every `migrate` (`install`, connected to `post_migrate`): each
table of the database gets them, so a table a later migration adds is versioned from then on.
`django_session` is left out (written on every login, never read by a cacheable response): a
response that read a table without a version is never kept.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

VERSION_TABLE = "common_dataversion"
CHANGE_TABLE = "common_datachange"
UNVERSIONED = frozenset({VERSION_TABLE, CHANGE_TABLE, "django_session", "django_migrations"})
COMPACT_AFTER = 500
_TRIGGER_PREFIX = "registry_version"

_PG_SETUP = f"""
CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
    table_name text PRIMARY KEY,
    base bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS {CHANGE_TABLE} (
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    table_name text NOT NULL,
    PRIMARY KEY (xid, table_name)
);
CREATE OR REPLACE FUNCTION registry_version_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        INSERT INTO {CHANGE_TABLE} (table_name) VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION registry_version_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {CHANGE_TABLE} (table_name) VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
"""

_PG_TRIGGERS = """
CREATE OR REPLACE TRIGGER {prefix}_ins AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION registry_version_changed();
CREATE OR REPLACE TRIGGER {prefix}_upd AFTER UPDATE ON {table}
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION registry_version_changed();
CREATE OR REPLACE TRIGGER {prefix}_del AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION registry_version_changed();
CREATE OR REPLACE TRIGGER {prefix}_trunc AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION registry_version_truncated();
"""

_SQLITE_SETUP = f"""
CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
    table_name text PRIMARY KEY,
    base integer NOT NULL DEFAULT 0
)
"""

_SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS "{prefix}_{event}" AFTER {event} ON {table}
BEGIN UPDATE {version_table} SET base = base + 1 WHERE table_name = '{name}'; END
"""

_PG_READ = f"""
SELECT v.table_name, v.base, coalesce(c.n, 0)
FROM {VERSION_TABLE} v
LEFT JOIN (SELECT table_name, count(*) AS n FROM {CHANGE_TABLE} GROUP BY table_name) c
    USING (table_name)
"""

_PG_COMPACT = f"""
WITH gone AS (DELETE FROM {CHANGE_TABLE} RETURNING table_name),
counted AS (SELECT table_name, count(*) AS n FROM gone GROUP BY table_name)
UPDATE {VERSION_TABLE} v SET base = v.base + counted.n
FROM counted WHERE v.table_name = counted.table_name
"""


def supported(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def install(using: str = "default", **kwargs) -> None:
    """Create the version tables and give every table of database `using` its triggers (only
    those still missing: cheap after the first run). Connected to `post_migrate`."""
    connection = connections[using]
    if not supported(connection):
        return
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor)) - UNVERSIONED
        if connection.vendor == "postgresql":
            cursor.execute(_PG_SETUP)
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s AND c.relnamespace = current_schema()::regnamespace",
                [f"{_TRIGGER_PREFIX}_trunc"],
            )
            missing = tables - {row[0] for row in cursor.fetchall()}
            for table in sorted(missing):
                cursor.execute(
                    _PG_TRIGGERS.format(
                        prefix=_TRIGGER_PREFIX, table=connection.ops.quote_name(table)
                    )
                )
        else:
            cursor.execute(_SQLITE_SETUP)
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{_TRIGGER_PREFIX}_%_DELETE"],
            )
            missing = tables - {row[0] for row in cursor.fetchall()}
            for table in sorted(missing):
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        _SQLITE_TRIGGER.format(
                            prefix=f"{_TRIGGER_PREFIX}_{table}",
                            event=event,
                            table=connection.ops.quote_name(table),
                            version_table=VERSION_TABLE,
                            name=table,
                        )
                    )
        # A version row per table (new ones start at 0; existing ones keep theirs).
        cursor.execute(f"SELECT table_name FROM {VERSION_TABLE}")
        for table in sorted(tables - {row[0] for row in cursor.fetchall()}):
            cursor.execute(
                f"INSERT INTO {VERSION_TABLE} (table_name, base) VALUES (%s, 0) "
                "ON CONFLICT DO NOTHING",
                [table],
            )


def read(using: str) -> dict[str, int] | None:
    """Every versioned table's version as database `using` sees it now, in one query; None
    where versions cannot be trusted: inside a transaction (it may hold uncommitted writes),
    on a database without them."""
    connection = connections[using]
    if not supported(connection) or connection.in_atomic_block:
        return None
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(_PG_READ)
                rows = cursor.fetchall()
            else:
                cursor.execute(f"SELECT table_name, base, 0 FROM {VERSION_TABLE}")
                rows = cursor.fetchall()
    except Exception:  # not installed yet (before the first migrate): nothing is cached
        logger.warning("table versions unavailable on %s", using, exc_info=True)
        return None
    if using == "default" and sum(row[2] for row in rows) > COMPACT_AFTER:
        try:
            compact(using)
        except Exception:
            logger.warning("table versions not compacted", exc_info=True)
    return {table: base + changes for table, base, changes in rows}


def compact(using: str = "default") -> None:
    """Fold the counted change rows into each table's base (one statement: every reader sees
    the same versions before and after)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_PG_COMPACT)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=4096)
def tables_in(sql: str, known: frozenset[str]) -> frozenset[str]:
    """The tables of `known` that statement `sql` names (an over-approximation: any word equal
    to a table's name counts, which can only add a dependency). `known` is every versioned
    table and `UNVERSIONED`: `install` versions every other table after each migrate."""
    return frozenset(_WORD.findall(sql)) & known


_KNOWN: dict[tuple[str, frozenset[str]], frozenset[str]] = {}


def known_tables(alias: str, versions: dict[str, int]) -> frozenset[str]:
    """The tables a statement is checked against: every table of database `alias` (listed once
    per process) and every versioned one (one frozenset per distinct set, so `tables_in`'s
    cache keys stay few). Call it outside any statement wrapper: the first call queries."""
    tables = frozenset(versions)
    found = _KNOWN.get((alias, tables))
    if found is None:
        connection = connections[alias]
        with connection.cursor() as cursor:
            listed = frozenset(connection.introspection.table_names(cursor))
        found = _KNOWN[(alias, tables)] = tables | listed | UNVERSIONED
    return found
