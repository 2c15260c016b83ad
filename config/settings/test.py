"""Test settings: base plus speed-ups. The database and broker still come from the environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret")

from config.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
# Rates no test reaches unless it means to (tests/security/ sets its own); the counters live in
# Redis as in production, under a prefix of this run so parallel runs never share a count.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        scope: "100000/minute"
        for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # noqa: F405
    },
}
CACHES = {
    "default": {
        "BACKEND": "common.cache.RedisCache",
        "LOCATION": CACHE_URL or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0",  # noqa: F405
        "KEY_PREFIX": f"test-{os.getpid()}-{os.urandom(4).hex()}",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

# Celery, decided here rather than by whether CELERY_BROKER_URL happens to be set: tasks run
# in-process (eagerly) in every test, except the `celery_worker` tests, which switch the app
# to the real Redis broker (this URL) and start a worker themselves (tests/funding/conftest.py).
CELERY_BROKER_URL = CELERY_BROKER_URL or "redis://127.0.0.1:6379/0"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True

# Each test runs in one transaction; an import's progress connection would sit outside it.
DATABASES.pop("progress", None)  # noqa: F405

# No JIT on any connection comes from base settings (DATABASE_JIT): it mattered most here,
# where a test is one transaction and a scoped recompute's planner settings (hash joins off,
# funding/services/recompute.py `lock`) made later queries costly enough to be JIT-compiled.
