"""The trip of one admin save of an amount to the stored totals (docs/ARCHITECTURE.md,
«Derived totals»): the project files that carry it, and no file entered twice for one
purpose — followed through the real door (the admin's change form) with a profiler."""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from funding.models import ClusterFundingTotal, FundingLine
from funding.services import funding_totals_recompute_all
from tests.funding.factories import FundingLineFactory

pytestmark = pytest.mark.django_db

ROOT = str(Path(__file__).resolve().parents[2]) + "/"
WRITES = ("INSERT", "UPDATE", "DELETE")


def _project_file(filename: str) -> str | None:
    if not filename.startswith(ROOT) or "/.venv/" in filename or "/tests/" in filename:
        return None
    return filename[len(ROOT) :]


def _form(line: FundingLine, amount: str) -> dict[str, str]:
    return {
        "cluster": str(line.cluster_id),
        "region": str(line.region_id),
        "fiscal_year": str(line.fiscal_year),
        "funding_source": line.funding_source,
        "amount_rub": amount,
        "amount_rub_reason": "уточнено",
        "qualifier": line.qualifier,
        "source": str(line.source_id),
        "exact_wording": line.exact_wording,
        "note": line.note,
    }


@pytest.fixture
def saved_trip(admin_client_logged, django_capture_on_commit_callbacks):
    """One admin save of an amount, with its recompute run on commit, traced: the files on
    the call stack of every write to a funding table (the route), and every call into a
    project file (what the route consults on the way)."""
    line = FundingLineFactory(amount_rub=Decimal(16_000_000))
    funding_totals_recompute_all()
    import funding.tasks  # noqa: F401 -- a warm process: the task module's first import is not the trip

    route: list[str] = []
    calls: list[tuple[str, str]] = []

    def on_write(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES) and "funding_" in sql.split("(")[0]:
            frame = sys._getframe(1)
            while frame is not None:
                name = _project_file(frame.f_code.co_filename)
                if name and name not in route:
                    route.append(name)
                frame = frame.f_back
        return execute(sql, params, many, context)

    window = {"open": False, "closed": False}

    def on_call(frame, event, _arg):
        # From the admin's save_model to the end of the recompute task it scheduled.
        code = frame.f_code
        if event == "call" and code.co_name == "save_model":
            window["open"] = True
        if event == "return" and code.co_name == "funding_totals_recompute_task":
            window["closed"] = True
        if event == "call" and window["open"] and not window["closed"]:
            name = _project_file(code.co_filename)
            if name:
                calls.append((name, code.co_name))

    url = reverse("admin:funding_fundingline_change", args=[line.pk])
    sys.setprofile(on_call)
    try:
        with connection.execute_wrapper(on_write):
            with django_capture_on_commit_callbacks(execute=True):
                response = admin_client_logged.post(url, _form(line, "17 000 000"))
    finally:
        sys.setprofile(None)
    assert response.status_code == 302
    total = ClusterFundingTotal.objects.get(cluster_id=line.cluster_id)
    assert total.federal_rub == Decimal(17_000_000)  # the trip did reach the stored totals
    return route, calls


def test_an_admin_save_reaches_the_totals_through_at_most_ten_files(saved_trip):
    route, _calls = saved_trip
    # Door, service, scheduler, task, recompute, statements; the request's middleware above.
    for step in (
        "common/admin.py",
        "funding/admin.py",
        "funding/services/lines.py",
        "funding/services/scheduling.py",
        "funding/tasks.py",
        "funding/services/recompute.py",
        "funding/services/statements.py",
    ):
        assert step in route, route
    assert len(route) <= 10, route


def test_no_rule_is_consulted_twice_on_the_trip(saved_trip):
    _route, calls = saved_trip
    count = Counter(name for _file, name in calls)
    # The stored line is read once; its region checked once (it did not move); review once.
    assert count["require_region"] == 1
    assert count["review_needed"] == 1
    # The statements read each table's columns as data, never back through kinds.py.
    assert {name for file, name in calls if file == "funding/services/kinds.py"} <= {"keys_of"}
    entries = sum(1 for i, call in enumerate(calls) if i == 0 or calls[i - 1][0] != call[0])
    assert entries <= 70, entries  # 157 before the kinds' columns became data
