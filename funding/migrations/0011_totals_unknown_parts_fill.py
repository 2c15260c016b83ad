"""Unknown is not zero in the stored totals: a budget part that no counted line gives becomes
NULL (amount and qualifier), and so do the total and its qualifier of a row no line feeds.

Each table's rows are matched with the lines that count in them, as funding.services.sql
computes them (a cluster's total counts all its lines; region, district, industry and
national totals count region-level lines and lines of published clusters). The next
recompute would write the same; this fills the tables now, without waiting for it."""

from django.db import migrations

SOURCES = ["federal", "regional", "employer", "extrabudgetary"]


def _same(left: str, right: str) -> str:
    """Null-safe equality on every database (the «год не указан» bucket, no industry)."""
    return f"({left} = {right} OR ({left} IS NULL AND {right} IS NULL))"


def fill(apps, schema_editor):
    line = apps.get_model("funding", "FundingLine")._meta.db_table
    cluster = apps.get_model("clusters", "Cluster")._meta.db_table
    region = apps.get_model("regions", "Region")._meta.db_table
    public = "(fl.cluster_id IS NULL OR c.is_published)"

    def table(name: str) -> str:
        return apps.get_model("funding", name)._meta.db_table

    def matches(t: str) -> dict[str, str]:
        """Each table with the condition that a line `fl` counts in its row; the row is named
        by its table (`t`) in full, since UPDATE takes no alias on every database."""
        return {
            "ClusterYearFundingTotal": f"fl.cluster_id = {t}.cluster_id AND {_same('fl.fiscal_year', f'{t}.fiscal_year')}",
            "ClusterFundingTotal": f"fl.cluster_id = {t}.cluster_id",
            "RegionIndustryFundingTotal": (
                f"c.is_published AND c.region_id = {t}.region_id AND {_same('c.industry_id', f'{t}.industry_id')}"
                f" AND {_same('fl.fiscal_year', f'{t}.fiscal_year')}"
            ),
            "RegionFundingTotal": f"{public} AND fl.region_id = {t}.region_id AND {_same('fl.fiscal_year', f'{t}.fiscal_year')}",
            "FederalDistrictFundingTotal": (
                f"{public} AND r.federal_district_id = {t}.federal_district_id"
                f" AND {_same('fl.fiscal_year', f'{t}.fiscal_year')}"
            ),
            "NationalFundingTotal": f"{public} AND {_same('fl.fiscal_year', f'{t}.fiscal_year')}",
            "IndustryFundingTotal": (
                f"c.is_published AND c.industry_id = {t}.industry_id AND {_same('fl.fiscal_year', f'{t}.fiscal_year')}"
            ),
        }

    with schema_editor.connection.cursor() as cursor:
        for name in matches("t"):
            target = table(name)
            condition = matches(target)[name]
            for source in SOURCES:
                cursor.execute(
                    f"UPDATE {target} SET {source}_rub = NULL, {source}_qualifier = NULL "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {line} fl "
                    f"LEFT JOIN {cluster} c ON c.id = fl.cluster_id "
                    f"JOIN {region} r ON r.id = fl.region_id "
                    f"WHERE fl.funding_source = %s AND {condition})",
                    [source],
                )
            cursor.execute(
                f"UPDATE {target} SET total_rub = NULL, qualifier = NULL WHERE line_count = 0"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0010_totals_unknown_parts_null"),
        ("clusters", "0007_merge_20261201_1054"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
