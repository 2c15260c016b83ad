import csv
import io

import pytest

from imports.services import ImportPart, import_run
from tests.clusters.factories import IndustryFactory, SourceFactory
from tests.regions.factories import RegionFactory


def csv_bytes(header: list[str], *rows: list) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def part(kind: str, header: list[str], *rows: list) -> ImportPart:
    """An in-memory file: rows numbered as a spreadsheet would (header is row 1)."""
    return ImportPart(
        kind,
        f"{kind}.csv",
        [(n + 2, dict(zip(header, row, strict=True))) for n, row in enumerate(rows)],
    )


def run(*parts: ImportPart, actor=None, commit: bool = True):
    return import_run(parts=list(parts), actor=actor, commit=commit)


@pytest.fixture
def region(db):
    return RegionFactory(code="38", name="Иркутская область", slug="irkutsk")


@pytest.fixture
def other_region(db):
    return RegionFactory(code="22", name="Алтайский край", slug="altai")


@pytest.fixture
def industry(db):
    return IndustryFactory(slug="energy", name="Энергетика")


@pytest.fixture
def source(db):
    return SourceFactory(title="Новость", url="https://example.org/news")
