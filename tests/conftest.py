import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


def pytest_collection_modifyitems(config, items):
    """Modules marked `long_module` run first (their order otherwise kept): pytest-xdist hands
    modules out in collection order, so a long one started last would leave one worker busy
    while the other has nothing left to do."""
    items.sort(key=lambda item: item.get_closest_marker("long_module") is None)


def pytest_configure(config):
    from tests import flushing

    flushing.install()  # a test that commits ends by emptying only what it wrote


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup, django_db_blocker):
    """What `manage.py seed` writes, captured once per test database (see tests/seeding.py)."""
    from tests.seeding import SeedSnapshot

    with django_db_blocker.unblock():
        return SeedSnapshot.capture()


@pytest.fixture
def seed(db, seed_snapshot):
    """The real reference and seed data, loaded as `make seed` loads it (without the press
    sample, which tests/imports/test_press_sample.py loads once for its module).

    The command runs once per test database; each test gets its rows back by COPY, unless the
    database no longer looks as it did then (a fixture wrote first): then the command runs.
    tests/test_seed.py proves both paths leave the same rows."""
    if not seed_snapshot.restore():
        call_command("seed", no_migrate=True, no_press=True)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


@pytest.fixture
def staff_editor(django_user_model):
    """A ministry staff member with every model permission of the registry apps."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        "editor", "editor@example.org", "pw", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["regions", "clusters", "funding"])
    )
    return user


@pytest.fixture
def stranger(django_user_model):
    """Logged in, but neither staff nor holding any permission."""
    return django_user_model.objects.create_user("stranger", "s@example.org", "pw")


@pytest.fixture
def admin_client_logged(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def editor_api_client(staff_editor):
    """The API as a staff editor holding a token (the way analysts' scripts write)."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_editor).key}")
    return client


@pytest.fixture(params=["anonymous", "staff"])
def persona_client(request, api_client, editor_api_client):
    """Each test twice: an anonymous client, and staff who may see drafts."""
    return api_client if request.param == "anonymous" else editor_api_client


@pytest.fixture
def stranger_api_client(stranger):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=stranger).key}")
    return client


@pytest.fixture
def draft_cluster(seed):
    """An unpublished cluster in Irkutsk oblast with a base college, a partner and money."""
    return make_draft_cluster()


def make_draft_cluster():
    """The `draft_cluster` fixture's rows, for fixtures of a wider scope (on the seed)."""
    from decimal import Decimal

    from clusters.choices import CollegeRole
    from clusters.models import Industry, Source
    from funding.services import funding_totals_recompute_all
    from regions.models import Region
    from tests.clusters.factories import (
        ClusterCollegeFactory,
        ClusterEmployerFactory,
        ClusterFactory,
    )
    from tests.funding.factories import FundingLineFactory

    cluster = ClusterFactory(
        slug="irk-draft",
        name="Черновик: ОПЦ «Химия», Иркутская область",
        region=Region.objects.get(code="38"),
        industry=Industry.objects.get(slug="mechanical-engineering"),
        is_published=False,
        selection_year=2022,
    )
    ClusterCollegeFactory(
        cluster=cluster, role=CollegeRole.BASE, college__full_name="Тайный колледж"
    )
    ClusterEmployerFactory(cluster=cluster, employer__name="ООО «Тайный партнёр»")
    FundingLineFactory(
        cluster=cluster,
        fiscal_year=2023,
        amount_rub=Decimal("777000000"),
        source=Source.objects.first(),
    )
    # The stored totals now count the draft's money, as they would in production.
    funding_totals_recompute_all()
    return cluster


@pytest.fixture(autouse=True)
def _broker_backoff_reset():
    """A dead-broker test must not make the next test skip the broker (see funding_totals_enqueue)."""
    from funding.services.scheduling import funding_totals_broker_reset

    funding_totals_broker_reset()
    yield
    funding_totals_broker_reset()


@pytest.fixture
def seeded_sqlite_url(tmp_path, tmp_path_factory, worker_id):
    """A `DATABASE_URL` of a SQLite file migrated and seeded as `make run` seeds it (without
    the press sample), built once per run (tests/sqlite_seed.py)."""
    from tests.sqlite_seed import seeded_sqlite, shared_dir

    path = seeded_sqlite(tmp_path / "seeded.sqlite3", shared_dir(tmp_path_factory, worker_id))
    return f"sqlite:///{path}"
