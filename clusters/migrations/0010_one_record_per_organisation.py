"""Data stored before facts had sources (issue 18): figures and money lines cite their own
source, placeholders stored as organisations become counts, and records that are surely one
organisation or cluster are merged — each merge recorded (clusters.Merge) so staff can undo
it in the admin. Totals of merged clusters are recomputed by the next reconcile (or
`manage.py recompute_totals`)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from clusters.dedupe import stored_duplicates_merge
    from clusters.merging import Models

    done = stored_duplicates_merge(Models.from_apps(apps))
    if any(done.values()):
        print("\n  " + "; ".join(f"{k}: {v}" for k, v in sorted(done.items()) if v))


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0009_provenance_citations_conflicts_merges"),
        ("funding", "0009_funding_line_citations"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
