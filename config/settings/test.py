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
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}  # noqa: F405

# Celery, decided here rather than by whether CELERY_BROKER_URL happens to be set: tasks run
# in-process (eagerly) in every test, except the `celery_worker` tests, which switch the app
# to the real Redis broker (this URL) and start a worker themselves (tests/funding/conftest.py).
CELERY_BROKER_URL = CELERY_BROKER_URL or "redis://127.0.0.1:6379/0"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True

# Each test runs in one transaction; an import's progress connection would sit outside it.
DATABASES.pop("progress", None)  # noqa: F405
