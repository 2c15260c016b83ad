"""The embedded default's database (SQLite) migrated and seeded once for the whole run.

Two tests run the project on SQLite in a subprocess (search on SQLite, table versions on
SQLite). Each used to migrate a new file and run `manage.py seed` (about 10 s); now the first
of them, on whichever xdist worker, builds one file under a lock in the run's shared temporary
directory, and each copies it — the same file the two commands write, made once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("seed", no_press=True, verbosity=0)
"""


def shared_dir(tmp_path_factory, worker_id: str) -> Path:
    """The directory every xdist worker of this run sees."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def seeded_sqlite(dest: Path, shared: Path) -> Path:
    """A copy at `dest` of the run's migrated and seeded SQLite file (built on first use)."""
    template = shared / "seeded.sqlite3"
    with open(shared / "seeded.sqlite3.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = shared / "seeded.sqlite3.building"
            building.unlink(missing_ok=True)
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{building}",
                "CELERY_BROKER_URL": "",
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            }
            out = subprocess.run(
                [sys.executable, "-c", BUILD],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if out.returncode != 0:
                raise RuntimeError(f"seeding SQLite failed:\n{out.stderr[-3000:]}")
            building.rename(template)
    shutil.copyfile(template, dest)
    return dest
