#!/usr/bin/env bash
# Hostile run of the API (issue 10): schemathesis generates requests for every operation of the
# OpenAPI schema against a served instance — gunicorn with production settings on a free port,
# a throwaway PostgreSQL database with the seed loaded — once anonymous and once with a staff
# token, and fails on any 5xx or any response the schema does not describe.
#
# Bounded: SCHEMATHESIS_EXAMPLES cases per operation and phase, SCHEMATHESIS_MAX_TIME seconds a
# run (two runs). Figures go to stdout and test-artifacts/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-30}
MAX_TIME=${SCHEMATHESIS_MAX_TIME:-45}
PG=${SCHEMATHESIS_PG:-postgres://postgres@127.0.0.1:5432}
DB=registry_schemathesis_$$
REPORTS=test-artifacts/schemathesis
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GUNICORN_PID=

export DATABASE_URL=$PG/$DB
export DEBUG=0
export SECRET_KEY=schemathesis-only-$(date +%s)-$$-0123456789abcdefghijklmnopqrstuvwxyz
export ALLOWED_HOSTS=127.0.0.1
unset CELERY_BROKER_URL  # totals recompute in-process: the run needs no worker
export CACHE_URL=${SCHEMATHESIS_CACHE_URL:-redis://127.0.0.1:6379/0}
export CACHE_KEY_PREFIX=schemathesis-$$
# The limits are tested in tests/security; here they would only turn cases into 429s.
for scope in ANON USER ANALYST STAFF; do export "API_${scope}_THROTTLE_RATE=1000000/minute"; done

database() {  # database create|drop
  $PY - "$1" "$PG" "$DB" <<'EOF'
import sys

import psycopg

action, url, name = sys.argv[1:]
with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
    if action == "create":
        conn.execute(f'CREATE DATABASE "{name}"')
    else:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
EOF
}

cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  database drop || true
}
trap cleanup EXIT

database create
$PY manage.py migrate -v0
$PY manage.py seed --no-migrate >/dev/null
$PY manage.py collectstatic --noinput -v0
TOKEN=$($PY manage.py shell -c '
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
user = get_user_model().objects.create_superuser("schemathesis", "st@example.org", None)
print(Token.objects.create(user=user).key)
' 2>/dev/null | tail -1)

.venv/bin/gunicorn config.wsgi -b 127.0.0.1:"$PORT" -w 2 --timeout 30 --log-level warning &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/robots.txt" >/dev/null 2>&1 && break
  sleep 0.5
done

mkdir -p "$REPORTS"
status=0
# One worker: with two, hypothesis compiled its strategies in two threads at once and CPython
# 3.11 failed inside it ("AST constructor recursion depth mismatch"), an internal error that
# failed the run without any finding about the API.
run() {  # run NAME [schemathesis options...]
  local name=$1; shift
  echo "== schemathesis: $name =="
  .venv/bin/schemathesis --config-file scripts/schemathesis.toml run "http://127.0.0.1:$PORT/api/v1/schema/" \
    --checks all \
    --max-examples "$EXAMPLES" --max-time "$MAX_TIME" --workers 1 --request-timeout 20 \
    --seed 10 --no-color --generation-database none --suppress-health-check all \
    --report junit --report-junit-path "$REPORTS/$name.xml" "$@" || status=1
}
run anonymous
run staff-token -H "Authorization: Token $TOKEN"
exit $status
