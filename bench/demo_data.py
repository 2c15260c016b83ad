"""Generate a large DEMO dataset in its own PostgreSQL database, for benchmarks only.

Everything generated is labelled as demo data («ДЕМО-кластер 123», a source titled
«ДЕМО: сгенерированные данные, не факт») and lives in a separate database created for the
purpose: it never touches fixtures/ or a real registry database. Only the real reference
lists (regions, industries) are loaded alongside, because the demo rows point at them.

    python -m bench.demo_data --database registry_bench --clusters 100000 --lines-per-cluster 10

Set-based SQL (INSERT ... SELECT generate_series) keeps a million rows to well under a minute.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEMO_SOURCE_TITLE = "ДЕМО: сгенерированные данные, не факт"
SERVER_URL = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{SERVER_URL}/{name}"


def recreate_database(name: str) -> None:
    if not name.replace("_", "").isalnum() or "bench" not in name:
        raise SystemExit(
            f"Refusing to recreate {name!r}: bench databases must have 'bench' in the name."
        )
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _env(name: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url(name), "DEBUG": "1", "CELERY_BROKER_URL": ""}


def migrate(name: str) -> None:
    """Apply this checkout's migrations to database `name` (nothing when up to date)."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=_env(name), check=True
    )


def recompute_totals(name: str) -> None:
    """Compute the funding totals of database `name` from its lines, as a deployment always
    has them (the demo rows are written by SQL, past the services that schedule them)."""
    subprocess.run(
        [sys.executable, "manage.py", "recompute_totals"],
        cwd=ROOT, env=_env(name), check=True, capture_output=True,
    )  # fmt: skip


def migrate_and_load_reference(name: str) -> None:
    env = _env(name)
    python = sys.executable
    migrate(name)
    for fixture in ("fixtures/01_regions.json", "fixtures/02_industries.json"):
        subprocess.run(
            [python, "manage.py", "loaddata", "-v0", fixture], cwd=ROOT, env=env, check=True
        )


SQL = [
    # One demo source that every generated fact cites.
    """INSERT INTO clusters_source (title, publisher, url, document_ref, note, created_at, updated_at)
       VALUES (%(title)s, 'генератор демо-данных', '', 'bench/demo_data.py',
               'Сгенерировано для замеров производительности; не является фактом.', now(), now())""",
    """INSERT INTO clusters_cluster (name, slug, kind, industry_id, region_id, selection_year,
           launch_year, status, management_board, description, website, is_published, review_state,
           review_comment, created_at, updated_at)
       SELECT 'ДЕМО-кластер ' || g, 'demo-' || g,
              CASE WHEN g %% 5 = 0 THEN 'education_cluster' ELSE 'production_center' END,
              ind.ids[1 + g %% array_length(ind.ids, 1)], reg.ids[1 + (g * 7) %% array_length(reg.ids, 1)],
              2022 + g %% 4, CASE WHEN g %% 3 = 0 THEN NULL ELSE 2023 + g %% 4 END,
              (ARRAY['selected','operating','operating','closed'])[1 + g %% 4],
              '', 'Демо-описание кластера ' || g || ' (сгенерировано).', '', g %% 20 <> 0, CASE WHEN g %% 20 <> 0 THEN 'published' ELSE 'draft' END, '', now(), now()
       FROM generate_series(1, %(clusters)s::bigint) AS g,
            (SELECT array_agg(id ORDER BY id) AS ids FROM clusters_industry) AS ind,
            (SELECT array_agg(id ORDER BY id) AS ids FROM regions_region) AS reg""",
    """INSERT INTO clusters_college (full_name, short_name, region_id, town, inn, ogrn, website, created_at, updated_at)
       SELECT 'ДЕМО-колледж ' || g, '', reg.ids[1 + g %% array_length(reg.ids, 1)], '', NULL, NULL, '', now(), now()
       FROM generate_series(1, %(clusters)s::bigint * %(colleges)s::bigint) AS g,
            (SELECT array_agg(id ORDER BY id) AS ids FROM regions_region) AS reg""",
    # College k of cluster c is the k-th of its block; the first one is the base college.
    """INSERT INTO clusters_clustercollege (cluster_id, college_id, role, created_at, updated_at)
       SELECT c.id, col.first_id + (c.id - cl.first_id) * %(colleges)s::bigint + k,
              CASE WHEN k = 0 THEN 'base' ELSE 'network' END, now(), now()
       FROM clusters_cluster c, generate_series(0, %(colleges)s::bigint - 1) AS k,
            (SELECT min(id) AS first_id FROM clusters_cluster) cl,
            (SELECT min(id) AS first_id FROM clusters_college) col""",
    """INSERT INTO clusters_employer (name, region_id, industry_id, inn, ogrn, website, created_at, updated_at)
       SELECT 'ДЕМО-предприятие ' || g, NULL, NULL, NULL, NULL, '', now(), now()
       FROM generate_series(1, greatest(%(clusters)s::bigint * %(employers)s::bigint / 2, 2)) AS g""",
    """INSERT INTO clusters_clusteremployer (cluster_id, employer_id, role, note, created_at, updated_at)
       SELECT c.id, e.first_id + ((c.id * 7 + k * 13) %% e.n),
              CASE WHEN k = 0 THEN 'anchor' ELSE 'partner' END, '', now(), now()
       FROM clusters_cluster c, generate_series(0, %(employers)s::bigint - 1) AS k,
            (SELECT min(id) AS first_id, count(*) AS n FROM clusters_employer) e
       ON CONFLICT DO NOTHING""",
    """INSERT INTO clusters_reportedfigure (cluster_id, kind, value, qualifier, as_of, source_id,
           exact_wording, note, created_at, updated_at)
       SELECT c.id, 'workshops', 1 + c.id %% 20, 'exact', NULL, s.id, '', 'демо', now(), now()
       FROM clusters_cluster c, (SELECT max(id) AS id FROM clusters_source) s""",
    # Funding lines of clusters: the year is missing for every tenth, some are non-exact.
    """INSERT INTO funding_fundingline (cluster_id, region_id, fiscal_year, funding_source, amount_rub,
           qualifier, source_id, exact_wording, note, created_at, updated_at)
       SELECT c.id, c.region_id, CASE WHEN g %% 10 = 0 THEN NULL ELSE 2022 + g %% 4 END,
              (ARRAY['federal','regional','employer','extrabudgetary'])[1 + g %% 4],
              ((g::bigint * 7919) %% 100000) * 1000,
              CASE WHEN g %% 17 = 0 THEN 'approximately' WHEN g %% 23 = 0 THEN 'at_least' ELSE 'exact' END,
              s.id, '', 'демо', now(), now()
       FROM generate_series(0, %(clusters)s::bigint * %(lines)s::bigint - 1) AS g
            JOIN clusters_cluster c ON c.id = (SELECT min(id) FROM clusters_cluster) + g / %(lines)s::bigint,
            (SELECT max(id) AS id FROM clusters_source) s""",
    # Region-level money without a cluster, as sources give it for several clusters jointly.
    """INSERT INTO funding_fundingline (cluster_id, region_id, fiscal_year, funding_source, amount_rub,
           qualifier, source_id, exact_wording, note, created_at, updated_at)
       SELECT NULL, reg.ids[1 + g %% array_length(reg.ids, 1)], 2022 + g %% 4, 'federal', 200000000,
              'exact', s.id, '', 'демо, совокупно для нескольких кластеров', now(), now()
       FROM generate_series(1, %(region_lines)s::bigint) AS g,
            (SELECT array_agg(id ORDER BY id) AS ids FROM regions_region) AS reg,
            (SELECT max(id) AS id FROM clusters_source) s""",
]


def generate(
    name: str,
    *,
    clusters: int,
    lines_per_cluster: int = 10,
    colleges_per_cluster: int = 3,
    employers_per_cluster: int = 2,
    region_lines: int = 1000,
) -> dict[str, float]:
    """Recreate database `name` with migrations, reference lists and demo rows; return timings."""
    started = time.perf_counter()
    recreate_database(name)
    migrate_and_load_reference(name)
    params = {
        "title": DEMO_SOURCE_TITLE,
        "clusters": clusters,
        "lines": lines_per_cluster,
        "colleges": colleges_per_cluster,
        "employers": employers_per_cluster,
        "region_lines": region_lines,
    }
    with psycopg.connect(database_url(name)) as conn:
        for statement in SQL:
            conn.execute(statement, params)
        conn.commit()
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="registry_bench")
    parser.add_argument("--clusters", type=int, default=100_000)
    parser.add_argument("--lines-per-cluster", type=int, default=10)
    parser.add_argument("--colleges-per-cluster", type=int, default=3)
    parser.add_argument("--employers-per-cluster", type=int, default=2)
    parser.add_argument("--region-lines", type=int, default=1000)
    args = parser.parse_args()
    result = generate(
        args.database,
        clusters=args.clusters,
        lines_per_cluster=args.lines_per_cluster,
        colleges_per_cluster=args.colleges_per_cluster,
        employers_per_cluster=args.employers_per_cluster,
        region_lines=args.region_lines,
    )
    print(f"demo database {args.database}: generated in {result['seconds']:.1f} s")


if __name__ == "__main__":
    main()
