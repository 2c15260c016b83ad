"""Baseline for the API benchmark: the same list JSON from ONE SQL query.

A bare WSGI app (psycopg + orjson, no framework) that answers
`/api/v1/clusters/?federal_district=..&status=..&page_size=..&page=..` and
`/api/v1/funding-lines/?fiscal_year=..&funding_source=..&page_size=..` for anonymous clients
with the body the Django API gives (rows built by PostgreSQL's json_build_object), so the
benchmark measures what the framework layers cost. Run under gunicorn like the real app:

    DATABASE_URL=... gunicorn bench.baseline_app:application
"""

import os
from urllib.parse import parse_qs, urlencode

import orjson
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
TIME_FORMAT = """'YYYY-MM-DD"T"HH24:MI:SS.US"+03:00"'"""  # Europe/Moscow has no DST


def _ts(column: str) -> str:
    return f"to_char({column} AT TIME ZONE 'Europe/Moscow', {TIME_FORMAT})"


QUERY = f"""
SELECT count(*) OVER () AS total, json_build_object(
  'slug', c.slug, 'name', c.name, 'kind', c.kind, 'status', c.status,
  'selection_year', c.selection_year, 'launch_year', c.launch_year,
  'is_published', c.is_published, 'website', c.website,
  'region', json_build_object('code', r.code, 'name', r.name),
  'federal_district', CASE WHEN fd.id IS NULL THEN NULL
                      ELSE json_build_object('code', fd.code, 'name', fd.name) END,
  'industry', json_build_object('slug', i.slug, 'name', i.name),
  'base_college', (SELECT json_build_object('id', col.id, 'full_name', col.full_name,
                          'short_name', col.short_name, 'inn', col.inn)
                   FROM clusters_clustercollege cc JOIN clusters_college col ON col.id = cc.college_id
                   WHERE cc.cluster_id = c.id AND cc.role = 'base' LIMIT 1),
  'network_colleges', coalesce((SELECT json_agg(json_build_object('id', col.id,
                          'full_name', col.full_name, 'short_name', col.short_name, 'inn', col.inn)
                          ORDER BY col.full_name)
                   FROM clusters_clustercollege cc JOIN clusters_college col ON col.id = cc.college_id
                   WHERE cc.cluster_id = c.id AND cc.role = 'network'), '[]'::json),
  'employers', coalesce((SELECT json_agg(json_build_object('id', e.id, 'name', e.name,
                          'inn', e.inn, 'role', ce.role, 'note', ce.note) ORDER BY ce.role, e.name)
                   FROM clusters_clusteremployer ce JOIN clusters_employer e ON e.id = ce.employer_id
                   WHERE ce.cluster_id = c.id), '[]'::json),
  'programmes', coalesce((SELECT json_agg(json_build_object('code', p.code, 'name', p.name,
                          'level', p.level) ORDER BY p.code)
                   FROM clusters_cluster_programmes cp JOIN clusters_programme p ON p.id = cp.programme_id
                   WHERE cp.cluster_id = c.id), '[]'::json),
  'figures', coalesce((SELECT json_agg(json_build_object('kind', f.kind, 'value', f.value::text,
                          'qualifier', f.qualifier, 'as_of', f.as_of, 'source_id', f.source_id)
                          ORDER BY f.kind, f.as_of DESC)
                   FROM clusters_reportedfigure f WHERE f.cluster_id = c.id), '[]'::json),
  'funding_total', (SELECT json_build_object(
                          'federal_rub', t.federal_rub::text, 'federal_qualifier', t.federal_qualifier,
                          'regional_rub', t.regional_rub::text, 'regional_qualifier', t.regional_qualifier,
                          'employer_rub', t.employer_rub::text, 'employer_qualifier', t.employer_qualifier,
                          'extrabudgetary_rub', t.extrabudgetary_rub::text,
                          'extrabudgetary_qualifier', t.extrabudgetary_qualifier,
                          'total_rub', t.total_rub::text, 'qualifier', t.qualifier,
                          'parts_known', (SELECT coalesce(json_agg(p.s ORDER BY p.n), '[]'::json)
                                          FROM (VALUES ('federal', 1, t.federal_rub),
                                                       ('regional', 2, t.regional_rub),
                                                       ('employer', 3, t.employer_rub),
                                                       ('extrabudgetary', 4, t.extrabudgetary_rub))
                                               p(s, n, v) WHERE p.v IS NOT NULL),
                          'line_count', t.line_count, 'computed_at', {_ts("t.computed_at")},
                          'is_stale', t.is_stale)
                   FROM funding_clusterfundingtotal t
                   WHERE t.cluster_id = c.id AND t.line_count > 0),
  'has_funding_data', (SELECT t.line_count > 0 FROM funding_clusterfundingtotal t
                       WHERE t.cluster_id = c.id),
  'updated_at', {_ts("c.updated_at")}
)::text AS row
FROM clusters_cluster c
JOIN regions_region r ON r.id = c.region_id
LEFT JOIN regions_federaldistrict fd ON fd.id = r.federal_district_id
JOIN clusters_industry i ON i.id = c.industry_id
WHERE c.is_published
  AND (%(district)s::text IS NULL OR fd.code = %(district)s)
  AND (%(status)s::text IS NULL OR c.status = %(status)s)
ORDER BY r.name, c.name, c.id
LIMIT %(limit)s OFFSET %(offset)s
"""

LINES_FROM = """
FROM funding_fundingline fl
LEFT JOIN clusters_cluster c ON c.id = fl.cluster_id
LEFT JOIN clusters_industry i ON i.id = c.industry_id
JOIN regions_region r ON r.id = fl.region_id
LEFT JOIN regions_federaldistrict fd ON fd.id = r.federal_district_id
JOIN clusters_source s ON s.id = fl.source_id
WHERE (fl.cluster_id IS NULL OR c.is_published)
  AND (%(year)s::int IS NULL OR fl.fiscal_year = %(year)s)
  AND (%(source)s::text IS NULL OR fl.funding_source = %(source)s)
"""
# Two statements, as a paginating server does: the count, and the page sorted top-N.
LINES_COUNT = f"SELECT count(*) {LINES_FROM}"
LINES_QUERY = f"""
SELECT NULL, json_build_object(
  'id', fl.id,
  'cluster', CASE WHEN c.id IS NULL THEN NULL
             ELSE json_build_object('slug', c.slug, 'name', c.name) END,
  'region', json_build_object('code', r.code, 'name', r.name),
  'federal_district', CASE WHEN fd.id IS NULL THEN NULL
                      ELSE json_build_object('code', fd.code, 'name', fd.name) END,
  'industry', CASE WHEN i.id IS NULL THEN NULL
              ELSE json_build_object('slug', i.slug, 'name', i.name) END,
  'fiscal_year', fl.fiscal_year, 'funding_source', fl.funding_source,
  'amount_rub', fl.amount_rub::text, 'qualifier', fl.qualifier,
  'source', json_build_object('id', s.id, 'title', s.title, 'publisher', s.publisher,
            'published_on', s.published_on, 'url', s.url, 'document_ref', s.document_ref),
  'exact_wording', fl.exact_wording, 'note', fl.note,
  'updated_at', {_ts("fl.updated_at")}
)::text AS row
{LINES_FROM}
ORDER BY r.name, fl.fiscal_year, fl.funding_source, fl.id
LIMIT %(limit)s OFFSET %(offset)s
"""

_connection: psycopg.Connection | None = None


def _conn() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(DATABASE_URL, autocommit=True)
    return _connection


def application(environ, start_response):
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    size = min(int(query.get("page_size", 50)), 500)
    page = int(query.get("page", 1))
    params = {
        "district": query.get("federal_district"),
        "status": query.get("status"),
        "year": int(query["fiscal_year"]) if query.get("fiscal_year") else None,
        "source": query.get("funding_source"),
        "limit": size,
        "offset": (page - 1) * size,
    }
    lines = environ.get("PATH_INFO", "").startswith("/api/v1/funding-lines/")
    rows = _conn().execute(LINES_QUERY if lines else QUERY, params).fetchall()
    if lines:
        count = _conn().execute(LINES_COUNT, params).fetchone()[0]
    else:
        count = rows[0][0] if rows else 0
    base = f"http://{environ.get('HTTP_HOST', '127.0.0.1')}{environ.get('PATH_INFO', '')}"

    def link(n: int) -> str | None:
        if n < 1 or (n - 1) * size >= count:
            return None
        return f"{base}?{urlencode({**query, 'page': n})}"

    # PostgreSQL already wrote each row as JSON text; orjson writes the envelope around them.
    head = orjson.dumps({"count": count, "next": link(page + 1), "previous": link(page - 1)})
    body = b"".join((head[:-1], b',"results":[', ",".join(r[1] for r in rows).encode(), b"]}"))
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
