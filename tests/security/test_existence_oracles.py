"""No existence oracle: a record the user may not see answers exactly as one that does not
exist — in the import (dry run and commit) and in the API — and a unique value it holds is
refused with one neutral wording that names neither the record nor its region (issue 20).

The world: regions A and B; in A a draft cluster «secret» with a college and an employer
that belong to nothing else. The user is B's regional editor, who may see none of it.
"""

from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import staff_user_create
from clusters.choices import CollegeRole
from clusters.models import College
from common.models import UNIQUE_TAKEN
from imports.choices import RowStatus
from tests.clusters.factories import (
    ClusterCollegeFactory,
    ClusterEmployerFactory,
    ClusterFactory,
    IndustryFactory,
    SourceFactory,
)
from tests.imports.conftest import part, run
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db

HIDDEN_INN = "7707083893"  # a valid ИНН, held by the hidden college
FREE_INN = "7736207543"  # a valid ИНН nobody holds
HIDDEN_EMPLOYER_INN = "7702070139"
HIDDEN_COLLEGE = "Тайный колледж черновика"
HIDDEN_EMPLOYER = "ООО «Тайный партнёр черновика»"
COLLEGE_HEADER = ["inn", "full_name", "region", "town"]
EMPLOYER_HEADER = ["inn", "name", "region"]


@pytest.fixture
def world():
    region_a = RegionFactory(code="91", name="Область А", slug="oblast-a")
    region_b = RegionFactory(code="92", name="Область Б", slug="oblast-b")
    industry = IndustryFactory(slug="test-industry", name="Тестовая отрасль")
    SourceFactory(title="Новость", url="https://example.org/news")
    draft = ClusterFactory(
        region=region_a, industry=industry, slug="secret", name="Черновик", is_published=False
    )
    college = ClusterCollegeFactory(
        cluster=draft,
        role=CollegeRole.BASE,
        college__full_name=HIDDEN_COLLEGE,
        college__inn=HIDDEN_INN,
        college__region=region_a,
    ).college
    employer = ClusterEmployerFactory(
        cluster=draft,
        employer__name=HIDDEN_EMPLOYER,
        employer__inn=HIDDEN_EMPLOYER_INN,
        employer__region=region_a,
    ).employer
    editor, _ = staff_user_create(username="b", role="regional-editor", region_codes=["92"])
    return {"a": region_a, "b": region_b, "draft": draft, "college": college,
            "employer": employer, "editor": editor}  # fmt: skip


def _errors(result) -> list[str]:
    """Each row's errors without its row number."""
    return [re.sub(r"^Строка \d+, ", "", " ".join(row.get("errors", []))) for row in result.rows]


def _no_name_or_region(text: str) -> None:
    for secret in (HIDDEN_COLLEGE, HIDDEN_EMPLOYER, "Черновик", "Область А", "91", "secret"):
        assert secret not in text, (secret, text)


# --- the import ---------------------------------------------------------------------------


@pytest.mark.parametrize("commit", [False, True])
def test_an_exact_copy_of_a_hidden_college_is_answered_as_a_record_that_does_not_exist(
    world, commit
):
    """By ИНН or by name, in the hidden college's region: the same refusal as for a college
    nobody has — never «без изменений»."""
    hidden = [HIDDEN_INN, HIDDEN_COLLEGE, "91", ""]
    by_name = ["", HIDDEN_COLLEGE, "91", ""]
    unknown = [FREE_INN, "Колледж, которого нет", "91", ""]
    unknown_by_name = ["", "Колледж, которого нет", "91", ""]
    for copy, absent in [(hidden, unknown), (by_name, unknown_by_name)]:
        result = run(
            part("colleges", COLLEGE_HEADER, copy),
            actor=world["editor"],
            commit=commit,
        )
        other = run(part("colleges", COLLEGE_HEADER, absent), actor=world["editor"], commit=commit)
        assert [r["status"] for r in result.rows] == [RowStatus.ERROR]
        assert _errors(result) == _errors(other)
        _no_name_or_region(_errors(result)[0].replace("Область А", ""))
    college = College.objects.get(pk=world["college"].pk)
    assert college.full_name == HIDDEN_COLLEGE and college.region == world["a"]


@pytest.mark.parametrize("commit", [False, True])
def test_a_hidden_employer_copied_into_a_file_is_answered_as_one_that_does_not_exist(world, commit):
    hidden = run(
        part("employers", EMPLOYER_HEADER, [HIDDEN_EMPLOYER_INN, HIDDEN_EMPLOYER, "91"]),
        actor=world["editor"],
        commit=commit,
    )
    absent = run(
        part("employers", EMPLOYER_HEADER, [FREE_INN, "ООО «Нигде»", "91"]),
        actor=world["editor"],
        commit=commit,
    )
    assert [r["status"] for r in hidden.rows] == [RowStatus.ERROR]
    assert _errors(hidden) == _errors(absent)


@pytest.mark.parametrize("commit", [False, True])
def test_an_inn_held_by_a_hidden_college_is_refused_with_the_one_neutral_wording(world, commit):
    """In the editor's own region the row would be a new college: its ИНН is taken, and the
    refusal says only that — the same words as for an ИНН a visible college holds."""
    result = run(
        part("colleges", COLLEGE_HEADER, [HIDDEN_INN, "Новый колледж", "92", ""]),
        actor=world["editor"],
        commit=commit,
    )
    assert [r["status"] for r in result.rows] == [RowStatus.ERROR]
    text = _errors(result)[0]
    assert UNIQUE_TAKEN in text
    assert "уже существует" not in text
    _no_name_or_region(text)


def test_a_cluster_row_with_a_hidden_drafts_slug_is_refused_with_the_neutral_wording(world):
    header = ["slug", "name", "region", "industry", "base_college", "sources"]
    row = ["secret", "Новый кластер", "92", "test-industry", "Колледж Б", "Новость"]
    result = run(part("clusters", header, row), actor=world["editor"], commit=False)
    assert [r["status"] for r in result.rows] == [RowStatus.ERROR]
    text = _errors(result)[0]
    assert UNIQUE_TAKEN in text and "уже существует" not in text
    _no_name_or_region(text.replace("secret", ""))
    free = run(
        part("clusters", header, ["free-slug", *row[1:]]), actor=world["editor"], commit=False
    )
    assert [r["status"] for r in free.rows] == [RowStatus.NEW]


# --- the API ------------------------------------------------------------------------------


@pytest.fixture
def api(world):
    client = APIClient()
    token = Token.objects.create(user=world["editor"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _same(first, second) -> None:
    assert first.status_code == second.status_code
    assert first.content == second.content


def test_api_reads_and_writes_of_a_hidden_college_answer_as_for_no_college(world, api):
    hidden, absent = world["college"].pk, 99_999_999
    for method in ("get", "patch", "put", "delete"):
        call = getattr(api, method)
        seen = call(f"/api/v1/colleges/{hidden}/", {"town": "Икс"}, format="json")
        none = call(f"/api/v1/colleges/{absent}/", {"town": "Икс"}, format="json")
        _same(seen, none)
        assert seen.status_code == 404, method
    for name, pk in [("employers", world["employer"].pk)]:
        _same(api.get(f"/api/v1/{name}/{pk}/"), api.get(f"/api/v1/{name}/{absent}/"))


def test_api_naming_a_hidden_cluster_or_college_answers_as_for_none(world, api):
    line = {"fiscal_year": 2024, "funding_source": "regional", "amount_rub": "5.00"}
    source = SourceFactory().pk
    hidden = api.post(
        "/api/v1/funding-lines/", {**line, "cluster": "secret", "source": source}, format="json"
    )
    absent = api.post(
        "/api/v1/funding-lines/", {**line, "cluster": "nothing", "source": source}, format="json"
    )
    assert hidden.status_code == absent.status_code == 400
    assert hidden.json()["cluster"] == [
        m.replace("nothing", "secret") for m in absent.json()["cluster"]
    ]
    own = ClusterFactory(region=world["b"], is_published=False, slug="own")
    joined = api.post(
        "/api/v1/cluster-colleges/",
        {"cluster": own.slug, "college": world["college"].pk, "role": "network"},
        format="json",
    )
    nobody = api.post(
        "/api/v1/cluster-colleges/",
        {"cluster": own.slug, "college": 99_999_999, "role": "network"},
        format="json",
    )
    assert joined.status_code == nobody.status_code == 400
    assert joined.json()["college"] == [
        m.replace("99999999", str(world["college"].pk)) for m in nobody.json()["college"]
    ]


def test_api_unique_values_of_hidden_records_are_refused_with_the_neutral_wording(world, api):
    cluster = {"name": "Новый", "region": "92", "kind": "production_center"}
    taken = api.post("/api/v1/clusters/", {**cluster, "slug": "secret"}, format="json")
    assert taken.status_code == 400, taken.content
    assert taken.json()["slug"] == [UNIQUE_TAKEN]
    college = {"full_name": "Новый колледж", "region": "92"}
    taken = api.post("/api/v1/colleges/", {**college, "inn": HIDDEN_INN}, format="json")
    assert taken.status_code == 400, taken.content
    assert taken.json()["inn"] == [UNIQUE_TAKEN]
    employer = {"name": "ООО «Новое»", "region": "92"}
    taken = api.post("/api/v1/employers/", {**employer, "inn": HIDDEN_EMPLOYER_INN}, format="json")
    assert taken.status_code == 400, taken.content
    assert taken.json()["inn"] == [UNIQUE_TAKEN]
    body = taken.content.decode()
    _no_name_or_region(body)
