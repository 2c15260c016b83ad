"""Clusters published before review states existed count as reviewed and published."""

from django.db import migrations


def mark_published(apps, schema_editor):
    Cluster = apps.get_model("clusters", "Cluster")
    Cluster.objects.filter(is_published=True).update(review_state="published")


class Migration(migrations.Migration):
    dependencies = [("clusters", "0002_cluster_review_state_and_permissions")]

    operations = [migrations.RunPython(mark_published, migrations.RunPython.noop)]
