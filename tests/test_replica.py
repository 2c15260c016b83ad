"""Reads scale out to a real streaming replica, and replica lag never hides a saved edit.

`test_reads_scale_out_to_a_streaming_replica` builds two PostgreSQL clusters on this machine in
a temporary directory: a primary (initdb, on a free port) and a hot-standby replica made from it
with `pg_basebackup -R -X stream`. It cannot use the shared server on 127.0.0.1:5432 as the
primary: that server's pg_hba.conf has no `replication` entry (and a test does not edit a shared
server's configuration), which the test checks and reports. It then runs the scenario below in
a fresh pytest process with DATABASE_URL at the primary and DATABASE_REPLICA_URL at the replica:
replay is paused on the replica (a lag as long as we like), a staff member edits a cluster in
the admin, and the admin shows the edit at once while the public API, still reading the
replica, shows the old name; the editor's own reads stick to the primary; after replay resumes
the replica catches up. Skipped, with the reason, when the PostgreSQL server binaries are
missing or a cluster cannot start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.long_module  # scheduled first (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SCENARIO_ENV = "REGISTRY_REPLICA_SCENARIO"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(*command: str, timeout: int = 120) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, *command], capture_output=True, text=True, timeout=timeout, check=False
    )


def _shared_server_allows_replication() -> bool:
    hba = Path("/etc/postgresql/15/main/pg_hba.conf")
    if not hba.exists():
        return False
    lines = [line.split() for line in hba.read_text().splitlines() if line.strip()]
    return any(len(f) > 1 and not f[0].startswith("#") and f[1] == "replication" for f in lines)


@pytest.fixture(scope="module")
def streaming_pair():
    """(primary port, replica port) of a fresh primary and its streaming replica."""
    for binary in ("initdb", "pg_ctl", "pg_basebackup"):
        if not (PG_BIN / binary).exists():
            pytest.skip(f"PostgreSQL server binary {binary} not found in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: PostgreSQL will not start as root")
    workdir = Path(tempfile.mkdtemp(prefix="registry-replica-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    primary_dir, replica_dir = workdir / "primary", workdir / "replica"
    primary_port, replica_port = _free_port(), _free_port()
    options = f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={workdir} -c fsync=off"
    started = []
    try:
        result = _as_postgres(
            str(PG_BIN / "initdb"), "-D", str(primary_dir), "-U", "postgres", "--auth=trust"
        )
        if result.returncode:
            pytest.skip(f"initdb failed: {result.stderr[-500:]}")
        # initdb's pg_hba.conf already trusts replication from 127.0.0.1; wal_level is replica.
        result = _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(primary_dir), "-w", "-l",
            str(workdir / "primary.log"), "-o", f"-p {primary_port} {options}", "start",
        )  # fmt: skip
        if result.returncode:
            pytest.skip(f"the primary did not start: {result.stderr[-500:]}")
        started.append(primary_dir)
        result = _as_postgres(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port),
            "-U", "postgres", "-D", str(replica_dir), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert (replica_dir / "standby.signal").exists()
        result = _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(replica_dir), "-w", "-l",
            str(workdir / "replica.log"), "-o", f"-p {replica_port} {options} -c hot_standby=on",
            "start",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        started.append(replica_dir)
        yield primary_port, replica_port
    finally:
        for data_dir in reversed(started):
            _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


def test_reads_scale_out_to_a_streaming_replica(streaming_pair):
    primary_port, replica_port = streaming_pair
    note = "" if _shared_server_allows_replication() else " (5432 refuses replication)"
    database = "registry_replica"
    env = {
        **os.environ,
        SCENARIO_ENV: "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary_port}/{database}",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica_port}/{database}",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         f"{__file__}::test_scenario_admin_edit_survives_replica_lag"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"scenario failed{note}:\n{result.stdout[-4000:]}"
    assert "1 passed" in result.stdout


# --- the scenario, run by the test above in its own process ------------------------------


def _wait_for(check, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the replica did not catch up")
        time.sleep(0.2)


@pytest.mark.skipif(not os.environ.get(SCENARIO_ENV), reason="run inside the replica test")
@pytest.mark.django_db(transaction=True, databases=["default", "replica_0"])
def test_scenario_admin_edit_survives_replica_lag(client, django_user_model):
    from django.db import connections
    from django.urls import reverse
    from rest_framework.test import APIClient

    from clusters.choices import CollegeRole
    from clusters.models import Cluster
    from tests.clusters.factories import ClusterCollegeFactory, ClusterFactory
    from tests.test_admin import _change_form_data, _errors

    def on_replica():
        return (
            Cluster.objects.using("replica_0")
            .filter(slug="lag-test")
            .values_list("name", flat=True)
            .first()
        )

    def public_name(api):
        response = api.get("/api/v1/clusters/lag-test/")
        return response.json()["name"] if response.status_code == 200 else None

    cluster = ClusterFactory(slug="lag-test", name="До правки")
    ClusterCollegeFactory(cluster=cluster, role=CollegeRole.BASE)
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(boss)
    anonymous = APIClient()
    _wait_for(lambda: on_replica() == "До правки")
    assert public_name(anonymous) == "До правки"

    with connections["replica_0"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
        form = _change_form_data(client, url)
        form["name"] = "После правки"
        response = client.post(url, form)
        assert response.status_code == 302, _errors(response)

        # The admin reads the primary: the edit is there although the replica lags.
        assert "После правки" in client.get(url).content.decode()
        # Public reads go to the replica, which has not replayed the edit yet...
        assert on_replica() == "До правки"
        assert public_name(anonymous) == "До правки"
        # ...except the editor's own, which stay on the primary for a while after a write.
        assert public_name(client) == "После правки"
    finally:
        with connections["replica_0"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    _wait_for(lambda: on_replica() == "После правки")
    assert public_name(anonymous) == "После правки"
