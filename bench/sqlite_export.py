"""The rows the anonymous API lists serve, written to a SQLite file for Datasette to serve.

    python -m bench.sqlite_export --database registry_api_bench --out /tmp/registry.db

Each row is read through the API's own list (its viewset's gate for an anonymous client, its
default order and its serializer's row plan), so the file holds what `/api/v1/clusters/` and
`/api/v1/funding-lines/` show, nothing more. Datasette serves tables, so the rows are
flattened: a nested object becomes columns under its name (`region` → `region_code`,
`region_name`; null when the API gives null), a nested list (colleges, employers, programmes,
figures) one JSON text column, which Datasette returns parsed with `?_json=<column>`. Values
are the API's own (money and timestamps as its strings, booleans as 0/1).

Tables:
- `clusters` and `funding_lines`, flat, inserted in the API's order, so the rowid, by which
  Datasette orders a table by default, follows it (a line's id is a column of its own), with
  an index on the benchmark's two filter columns, as a Datasette user serving those filters
  would add;
- `funding_line`, `cluster`, `region`, `federal_district`, `industry`, `source`: the same
  lines normalised (integer keys), and the view `funding_lines_joined` that joins them back
  into the flat columns (no ORDER BY: a client sorts it with `?_sort=`, as Datasette offers).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

# The bench server's settings; the test suite has Django set up already.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

CLUSTERS_INDEX = ("federal_district_code", "status")
LINES_INDEX = ("fiscal_year", "funding_source")
# The normalised form of a flat line: table → (its columns in the flat row, the table it
# refers to), a table before those that refer to it.
LOOKUPS = {
    "federal_district": (["federal_district_code", "federal_district_name"], None),
    "region": (["region_code", "region_name"], "federal_district"),
    "industry": (["industry_slug", "industry_name"], None),
    "cluster": (["cluster_slug", "cluster_name"], "industry"),
}
SOURCE_COLUMNS = ["source_id", "source_title", "source_publisher", "source_published_on"]
SOURCE_COLUMNS += ["source_url", "source_document_ref"]
LINE_COLUMNS = ["id", "fiscal_year", "funding_source", "amount_rub", "qualifier"]
LINE_COLUMNS += ["exact_wording", "note", "updated_at"]


def columns_of(serializer) -> list[tuple[str, str]]:
    """(column, SQLite type) of a list serializer's flattened row, from its declared fields."""
    from rest_framework import serializers

    def sql_type(field) -> str:
        if isinstance(field, serializers.BooleanField | serializers.IntegerField):
            return "INTEGER"
        return "TEXT"

    columns = []
    for name, field in serializer.child.fields.items():
        if isinstance(field, serializers.ListSerializer | serializers.ListField):
            columns.append((name, "TEXT"))  # JSON
        elif isinstance(field, serializers.Serializer):
            columns += [(f"{name}_{sub}", sql_type(f)) for sub, f in field.fields.items()]
        else:
            columns.append((name, sql_type(field)))
    return columns


def flatten(row: Mapping[str, Any], columns: list[tuple[str, str]]) -> tuple:
    """A row as the API writes it, as the values of `columns` (see columns_of)."""
    names = [c for c, _ in columns]
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if value is None and key not in names:
            continue  # a null nested object: its columns are null
        if isinstance(value, list):
            flat[key] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, dict):
            flat.update(
                {
                    f"{key}_{sub}": json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                    for sub, v in value.items()
                }
            )
        else:
            flat[key] = value
    assert flat.keys() <= set(names), f"no column for {flat.keys() - set(names)}"
    return tuple(int(v) if isinstance(v, bool) else v for v in map(flat.get, names))


def _list_rows(viewset_class) -> tuple[list[tuple[str, str]], Iterator[Mapping[str, Any]]]:
    """Columns and every row of a list endpoint as an anonymous client reads it, in its order."""
    from rest_framework.test import APIRequestFactory

    from common.api.rows import iter_serialized

    view = viewset_class(action_map={"get": "list"})
    view.request = view.initialize_request(APIRequestFactory().get("/"))
    view.action, view.format_kwarg, view.args, view.kwargs = "list", None, (), {}
    view.headers = {}
    queryset = view.filter_queryset(view.get_queryset())
    serializer = view.get_serializer(many=True)
    return columns_of(serializer), iter(iter_serialized(serializer, queryset, chunk_size=2000))


def _create(db: sqlite3.Connection, table: str, columns: list[tuple[str, str]], pk: str | None):
    # An INTEGER PRIMARY KEY is the rowid.
    spec = ", ".join(f'"{c}" {t}{" PRIMARY KEY" if c == pk else ""}' for c, t in columns)
    db.execute(f'CREATE TABLE "{table}" ({spec})')


def _insert(db: sqlite3.Connection, table: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        db.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)


def _normalise(db: sqlite3.Connection, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    """The flat lines as normalised tables with integer keys, and the view joining them."""
    at = {c: i for i, (c, _) in enumerate(columns)}
    types = dict(columns)
    for table, (cols, parent) in LOOKUPS.items():
        own = [(c.removeprefix(f"{table}_"), types[c]) for c in cols]
        parent_key = [(f"{parent}_id", "INTEGER")] if parent else []
        _create(db, table, [("id", "INTEGER"), *own, *parent_key], "id")
    _create(db, "source", [(c.removeprefix("source_"), types[c]) for c in SOURCE_COLUMNS], "id")
    line_columns = [(c, types[c]) for c in LINE_COLUMNS]
    refs = [("cluster_id", "INTEGER"), ("region_id", "INTEGER"), ("source_id", "INTEGER")]
    _create(db, "funding_line", line_columns[:1] + refs + line_columns[1:], "id")

    ids: dict[str, dict[tuple, int]] = {table: {} for table in LOOKUPS}

    def key(table: str, row: tuple) -> int | None:
        """The id of the row's `table` part (a new row the first time it is seen)."""
        cols, parent = LOOKUPS[table]
        values = tuple(row[at[c]] for c in cols)
        if values[0] is None:
            return None
        if values not in ids[table]:
            ids[table][values] = len(ids[table]) + 1
            parent_id = [key(parent, row)] if parent else []
            _insert(db, table, [(ids[table][values], *values, *parent_id)])
        return ids[table][values]

    sources = {row[at["source_id"]]: tuple(row[at[c]] for c in SOURCE_COLUMNS) for row in rows}
    _insert(db, "source", list(sources.values()))
    lines = []
    for row in rows:
        line = [row[at[c]] for c in LINE_COLUMNS]
        refs = [key("cluster", row), key("region", row), row[at["source_id"]]]
        lines.append((line[0], *refs, *line[1:]))
    _insert(db, "funding_line", lines)
    db.execute(f"CREATE INDEX funding_line_filter ON funding_line ({', '.join(LINES_INDEX)})")
    select = {
        "id": "fl.id",
        **{c: f"c.{c.removeprefix('cluster_')}" for c in ("cluster_slug", "cluster_name")},
        **{c: f"r.{c.removeprefix('region_')}" for c in ("region_code", "region_name")},
        "federal_district_code": "fd.code",
        "federal_district_name": "fd.name",
        "industry_slug": "i.slug",
        "industry_name": "i.name",
        **{c: f"s.{c.removeprefix('source_')}" for c in SOURCE_COLUMNS},
        **{c: f"fl.{c}" for c in LINE_COLUMNS[1:]},
    }
    missing = {c for c, _ in columns} - set(select)
    assert not missing, f"the joined view lacks the API's columns {missing}"
    db.execute(
        "CREATE VIEW funding_lines_joined AS SELECT "
        + ", ".join(f'{select[c]} AS "{c}"' for c, _ in columns)
        + """ FROM funding_line fl
        LEFT JOIN cluster c ON c.id = fl.cluster_id
        LEFT JOIN industry i ON i.id = c.industry_id
        JOIN region r ON r.id = fl.region_id
        LEFT JOIN federal_district fd ON fd.id = r.federal_district_id
        JOIN source s ON s.id = fl.source_id"""
    )


def export_sqlite(path: Path) -> dict[str, int]:
    """Write the SQLite file at `path` (replacing it) from this Django database; row counts."""
    from clusters.api.views import ClusterViewSet
    from funding.api.views import FundingLineViewSet

    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    counts = {}
    for table, viewset, index in [
        ("clusters", ClusterViewSet, CLUSTERS_INDEX),
        ("funding_lines", FundingLineViewSet, LINES_INDEX),
    ]:
        columns, rows = _list_rows(viewset)
        _create(db, table, columns, None)  # rowid: the API's order
        flat = [flatten(row, columns) for row in rows]
        _insert(db, table, flat)
        db.execute(f'CREATE INDEX {table}_filter ON "{table}" ({", ".join(index)})')
        counts[table] = len(flat)
        if table == "funding_lines":
            _normalise(db, columns, flat)
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="PostgreSQL database (default: DATABASE_URL)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.database:
        from bench.demo_data import database_url

        os.environ["DATABASE_URL"] = database_url(args.database)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    started = time.perf_counter()
    counts = export_sqlite(args.out)
    print(
        f"SQLite file {args.out}: {counts['clusters']} clusters, {counts['funding_lines']} "
        f"funding lines in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
