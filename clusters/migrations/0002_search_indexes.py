"""GIN indexes for the Russian full-text search and pg_trgm for typo-tolerant names.

PostgreSQL only (the embedded SQLite default searches without an index). Each index holds
exactly the expression clusters/search.py queries, so the planner can use it.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "clusters_cluster_search": ("clusters_cluster", "name || ' ' || description"),
    "clusters_college_search": (
        "clusters_college",
        "full_name || ' ' || short_name || ' ' || town",
    ),
    "clusters_employer_search": ("clusters_employer", "name"),
    "regions_region_search": ("regions_region", "name"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, document) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (to_tsvector('russian'::regconfig, {document}))"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS clusters_cluster_name_trgm ON clusters_cluster "
        "USING gin (name gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*INDEXES, "clusters_cluster_name_trgm"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
