# Two commands do everything: `make run` and `make test`. See README.md.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The tests run against this machine's PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
# `make test` runs the suite on this many processes (pytest-xdist), each on its own database
# (test_<name>_gw0, _gw1, ...), a module's tests in one process; 0 runs it in this one.
PYTEST_WORKERS ?= 2

.PHONY: venv run seed test lint fixtures check bench bench-totals bench-api bench-export bench-pages bench-extract bench-import bench-soak clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.lock
	touch $@

# Embedded default: SQLite file, tasks in-process, DEBUG on, local admin/admin login.
run: export DEBUG ?= 1
run: seed
	$(PY) manage.py publish_open_data
	$(PY) manage.py ensure_admin --port $(PORT)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

seed: venv
	$(PY) manage.py seed

test: venv
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
		$(PY) scripts/check_services.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
		$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	# Production-like variables: the deployment checklist must pass with them.
	SECRET_KEY=ci-only-$$(date +%s)-not-a-real-secret-0123456789abcdefghijklmnopqrstuvwxyz DEBUG=0 \
		ALLOWED_HOSTS=registry.example.org SECURE_SSL_REDIRECT=1 SECURE_COOKIES=1 \
		SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=1 SECURE_HSTS_PRELOAD=1 \
		$(PY) manage.py check --deploy --fail-level WARNING

check: lint test

# Rebuild fixtures/*.json from ../shared/data (the output is committed).
fixtures: venv
	$(PY) scripts/build_fixtures.py

# Funding totals recompute on 100 000 DEMO clusters / 1 000 000 lines, in its own database.
BENCH_TOTALS_DB ?= registry_totals_bench
bench-totals: venv
	$(PY) -m bench.totals --database $(BENCH_TOTALS_DB) $(BENCH_ARGS)

# Benchmarks print their figures beside a baseline measured in the same run; `make bench`
# runs them all and writes the figures to bench/RESULTS.md.
bench: bench-totals bench-api bench-export bench-pages bench-import bench-soak
	$(PY) -m bench.results

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Datasette for bench-api only, never a dependency of the project.
BENCH_DATASETTE_VENV := bench/.venv-datasette
$(BENCH_DATASETTE_VENV)/.installed: bench/requirements-datasette.txt
	test -x $(BENCH_DATASETTE_VENV)/bin/python || python3 -m venv $(BENCH_DATASETTE_VENV)
	$(BENCH_DATASETTE_VENV)/bin/python -m pip install -q -r bench/requirements-datasette.txt
	touch $@

# Cluster and funding-line lists of the API vs a one-query baseline under gunicorn, on 10 000 DEMO clusters
# in their own database (registry_api_bench). Not a test; takes a few minutes.
# Also Datasette (bench/requirements-datasette.txt, in its own venv) serving the same rows from
# a SQLite file written from that database.
bench-api: venv $(BENCH_DATASETTE_VENV)/.installed
	$(PY) -m bench.api_bench --datasette $(BENCH_DATASETTE_VENV)/bin/datasette $(BENCH_ARGS)

# Import of 10 000 DEMO rows (dry run, commit) vs loaddata of the same rows, in its own
# database (registry_import_bench, recreated each run). Not a test.
BENCH_IMPORT_DB ?= registry_import_bench
bench-import: venv
	$(PY) -m bench.import_bench --database $(BENCH_IMPORT_DB) $(BENCH_ARGS)

# CSV of the public funding lines (951 000 on 100 000 DEMO clusters) under a gthread worker
# vs `psql \copy` of the same rows: first row, total, worker RSS, the end marker.
bench-export: venv
	$(PY) -m bench.export_bench $(BENCH_EXPORT_ARGS)

# Catalogue page vs the API for the same 20 rows (reuses bench-api's database), and an admin
# cluster save with inlines on SQLite and PostgreSQL; then pages at 1 000 and 100 000 DEMO
# clusters and their growth, and the searched catalogue (bench/growth.py; smaller:
# BENCH_GROWTH_ARGS="--large 10000", or "--reuse" for databases already built).
bench-pages: venv
	$(PY) -m bench.page_bench $(BENCH_PAGES_ARGS)
	$(PY) -m bench.growth $(BENCH_GROWTH_ARGS)

# The response cache under mixed reads with one funding-line write a second (5 minutes, 10 000
# DEMO clusters in perf_bench_soak): hit ratio, errors, Redis memory. Shorter:
# BENCH_SOAK_ARGS="--reuse --seconds 60".
bench-soak: venv
	$(PY) -m bench.soak $(BENCH_SOAK_ARGS)

# Press-release extractor on the five seeds: precision/recall per kind and time per text.
bench-extract: venv
	$(PY) -m bench.extract $(BENCH_ARGS)
