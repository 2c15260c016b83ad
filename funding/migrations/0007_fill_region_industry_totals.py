"""Fill the new parts: each cluster×year row's region copy, then the region×industry rows
summed from the published cluster×year rows (as funding.services.sql computes them), so
that region and industry totals recomputed after this migration roll up complete parts."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from common.qualifiers import combine_sql

SOURCES = ["federal", "regional", "employer", "extrabudgetary"]


def fill(apps, schema_editor):
    cluster_year = apps.get_model("funding", "ClusterYearFundingTotal")
    cluster = apps.get_model("clusters", "Cluster")
    parts = apps.get_model("funding", "RegionIndustryFundingTotal")
    cluster_year.objects.update(
        region_id=Subquery(cluster.objects.filter(pk=OuterRef("cluster_id")).values("region_id"))
    )
    vendor = schema_editor.connection.vendor
    money = [f"{s}_rub" for s in SOURCES] + ["total_rub"]
    qualifiers = [f"{s}_qualifier" for s in SOURCES] + ["qualifier"]
    columns = ["region_id", "industry_id", "fiscal_year", *money, *qualifiers, "line_count"]
    values = [
        "t.region_id",
        "t.industry_id",
        "t.fiscal_year",
        *(f"COALESCE(SUM(t.{c}), 0)" for c in money),
        *(combine_sql(f"t.{c}", vendor=vendor) for c in qualifiers),
        "COALESCE(SUM(t.line_count), 0)",
    ]
    stamp = schema_editor.connection.ops.adapt_datetimefield_value(timezone.now())
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {parts._meta.db_table} ({', '.join(columns)}, computed_at, is_stale) "
            f"SELECT {', '.join(values)}, %s, %s FROM {cluster_year._meta.db_table} t "
            "WHERE t.is_published AND t.region_id IS NOT NULL "
            "GROUP BY t.region_id, t.industry_id, t.fiscal_year",
            [stamp, False],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0006_region_industry_totals"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
