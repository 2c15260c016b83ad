"""The replica routing rules, without a replica (tests/test_replica.py runs a real one)."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from clusters.models import Cluster
from config import db_router
from config.db_router import ReplicaReadsMiddleware, ReplicaRouter, replica_reads

# Transactional: inside the usual test transaction every read would (rightly) use the primary.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def one_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica_0"])


def _routed_in(request):
    router = ReplicaRouter()
    seen = {}

    def view(req):
        seen["cluster"] = router.db_for_read(Cluster)
        from django.contrib.sessions.models import Session

        seen["session"] = router.db_for_read(Session)
        return HttpResponse("ok")

    response = ReplicaReadsMiddleware(view)(request)
    return seen, response


def test_without_replicas_everything_reads_the_primary():
    seen, _ = _routed_in(RequestFactory().get("/api/v1/clusters/"))
    assert seen == {"cluster": "default", "session": "default"}


def test_public_reads_go_to_the_replica_sessions_and_users_never(one_replica):
    seen, response = _routed_in(RequestFactory().get("/api/v1/clusters/"))
    assert seen == {"cluster": "replica_0", "session": "default"}
    assert db_router.STICKY_COOKIE not in response.cookies


def test_the_admin_and_writes_read_the_primary_and_writers_stay_on_it(one_replica):
    seen, _ = _routed_in(RequestFactory().get("/admin/clusters/cluster/"))
    assert seen["cluster"] == "default"
    seen, response = _routed_in(RequestFactory().post("/api/v1/clusters/"))
    assert seen["cluster"] == "default"
    cookie = response.cookies[db_router.STICKY_COOKIE]
    request = RequestFactory().get("/clusters/")
    request.COOKIES[db_router.STICKY_COOKIE] = cookie.value
    seen, _ = _routed_in(request)
    assert seen["cluster"] == "default"  # just wrote: reads its own writes


def test_reads_inside_a_transaction_use_the_primary(one_replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Cluster) == "replica_0"
        with transaction.atomic():
            assert router.db_for_read(Cluster) == "default"
    assert router.db_for_read(Cluster) == "default"  # tasks, commands, the shell
    assert router.db_for_write(Cluster) == "default"
    assert router.allow_migrate("replica_0", "clusters") is False
