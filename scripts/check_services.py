"""Say clearly which service the tests need is missing, and how to point at another one."""

import os
import sys
from urllib.parse import urlparse

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
problems = []

if not DATABASE_URL.startswith("postgres"):
    problems.append(f"DATABASE_URL must point at PostgreSQL for the tests (got {DATABASE_URL!r}).")
else:
    import psycopg

    # The server, not the named database: the tests create their own (test_<name>).
    try:
        psycopg.connect(DATABASE_URL, dbname="postgres", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        problems.append(
            f"PostgreSQL is not reachable at {DATABASE_URL}: {str(exc).strip().splitlines()[0]}\n"
            "  Start it (bash ../shared/ci/ensure-services) or point at another one:\n"
            "  make test DATABASE_URL=postgres://USER@HOST:PORT/DBNAME"
        )

if BROKER_URL:
    import redis

    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as exc:
        url = urlparse(BROKER_URL)
        problems.append(
            f"Redis is not reachable at {url.hostname}:{url.port}: {exc}\n"
            "  Start it (bash ../shared/ci/ensure-services) or point at another one:\n"
            "  make test CELERY_BROKER_URL=redis://HOST:PORT/DB"
        )

if problems:
    print("Cannot run the tests:\n- " + "\n- ".join(problems), file=sys.stderr)
    sys.exit(2)
