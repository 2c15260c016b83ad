"""The crawl of every public URL over the real data `manage.py seed` loads (the seed and the
press sample: clusters with no industry, no kind, no year, joint money) — tests/crawl.py."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from tests.crawl import crawl, problems_report

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_registry(django_db_setup, django_db_blocker, tmp_path_factory):
    """`manage.py seed` (press sample included) and the open data published, once for the
    module, rolled back at its end."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed", no_migrate=True, verbosity=0)
        call_command("publish_open_data", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_every_public_url_of_the_seeded_registry_tells_the_truth(seeded_registry):
    from clusters.models import Cluster

    # The real data holds what the crawl must survive.
    published = Cluster.objects.visible_to(None)
    assert published.filter(industry__isnull=True).exists()
    assert published.filter(kind="").exists()
    assert published.filter(selection_year__isnull=True).exists()
    crawler = crawl(Client())
    assert crawler.read > 1000
    assert not crawler.problems, "\n".join(problems_report(crawler))
