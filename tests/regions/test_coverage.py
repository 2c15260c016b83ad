"""The registry's counts set against the ones the ministry and the press report."""

from pathlib import Path

import pytest
from django.conf import settings

from regions.choices import ReportedMeasure
from regions.coverage import Coverage, national_coverage, region_coverage
from regions.models import Region, ReportedCount

pytestmark = pytest.mark.django_db

AGGREGATES = Path(settings.BASE_DIR).parent / "shared" / "data" / "press-aggregates.md"


def test_every_reported_count_cites_a_dated_address_of_the_aggregates_file(seed):
    text = AGGREGATES.read_text(encoding="utf-8")
    counts = list(ReportedCount.objects.all())
    assert len(counts) >= 20
    for count in counts:
        assert count.as_of and count.publisher, count
        assert count.url.removeprefix("https://").removeprefix("http://") in text, count.url
        for part in count.wording.split("…"):
            assert part.strip() in text, count.wording
    national = ReportedCount.objects.national(ReportedMeasure.CLUSTERS)
    assert (national.value, str(national.as_of)) == (506, "2026-02-13")


@pytest.mark.parametrize(
    ("count", "value", "lead", "short"),
    [
        (
            5,
            13,
            "В реестре 5 из 13 кластеров субъекта, о которых сообщает источник",
            "в реестре 5 из 13",
        ),
        (
            1,
            21,
            "В реестре 1 из 21 кластера субъекта, о которых сообщает источник",
            "в реестре 1 из 21",
        ),
        (
            0,
            19,
            "В реестре нет сведений о кластерах субъекта; источник сообщает о 19 кластерах",
            "в реестре нет сведений (источник: 19)",
        ),
        (14, 12, "В реестре 14 кластеров субъекта; источник называл 12", "в реестре 14 из 12"),
        (0, None, "В реестре нет сведений о кластерах субъекта.", "в реестре нет сведений"),
        (3, None, "В реестре 3 кластера субъекта.", "в реестре 3"),
    ],
)
def test_coverage_sentences(count, value, lead, short):
    reported = ReportedCount(value=value, qualifier="exact") if value is not None else None
    coverage = Coverage(count, reported, "субъекта")
    assert coverage.lead.replace("\u00a0", " ") == lead
    assert coverage.short_text == short
    assert coverage.cites_source is (value is not None)


def test_the_latest_figure_of_a_region_wins(seed):
    region = Region.objects.get(code="38")
    ReportedCount.objects.create(
        measure=ReportedMeasure.CLUSTERS,
        region=region,
        value=9,
        as_of="2024-01-01",
        publisher="Старое издание",
        url="https://example.org/old",
    )
    assert region_coverage(region, 2).reported.value == 12
    assert national_coverage(8).missing == 498
