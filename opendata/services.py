"""Open data by the Russian methodological recommendations: list, passports, dated versions.

Layout in the default storage, under OPENDATA_DIR (served by the app at /open-data/files/):

    list.csv                                   the list of sets (реестр наборов)
    <inn>-<set>/meta.csv                       the set's passport
    <inn>-<set>/data-YYYYMMDD-structure-S.csv  a dated version of the data (UTF-8, comma)
    <inn>-<set>/structure-S.csv                the structure (field, title, format)

A new data version is written only when the data differ from the latest one, so the
passport's «modified» is the date the data last changed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from common.spreadsheet import safe_csv, spreadsheet_unguard
from opendata.datasets import DATASETS, STRUCTURE_VERSION, Dataset

STANDARD_VERSION = "http://opendata.gosmonitor.ru/standard/3.0"
VERSION = re.compile(r"^data-(\d{8})-structure-(\d{8})\.csv$")


def _csv(rows) -> bytes:
    """A file of the set: cells guarded against formulas and quoted for `,` and `;` readers,
    as every file the registry writes (common/spreadsheet.py)."""
    return safe_csv(rows)


def set_identifier(dataset: Dataset) -> str:
    return f"{settings.OPENDATA_PUBLISHER_INN}-{dataset.identifier}"


def _path(*parts: str) -> str:
    return "/".join([settings.OPENDATA_DIR.strip("/"), *parts])


def _write(path: str, content: bytes) -> None:
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(content))


def _read(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def data_bytes(dataset: Dataset) -> bytes:
    return _csv([[f.name for f in dataset.fields], *dataset.records()])


def versions(dataset: Dataset) -> list[str]:
    """File names of the set's data versions, oldest first."""
    folder = _path(set_identifier(dataset))
    if not default_storage.exists(folder):
        return []
    _, files = default_storage.listdir(folder)
    return sorted(name for name in files if VERSION.match(name))


@dataclass
class SetPassport:
    dataset: Dataset
    identifier: str
    versions: list[str]
    created: str
    modified: str

    @property
    def latest(self) -> str:
        return self.versions[-1] if self.versions else ""

    def url(self, name: str) -> str:
        return f"/open-data/files/{self.identifier}/{name}"


def _passport_rows(dataset: Dataset, identifier: str, files: list[str]) -> list[list[str]]:
    created = VERSION.match(files[0])[1]
    modified = VERSION.match(files[-1])[1]
    rows = [
        ["property", "value"],
        ["standardversion", STANDARD_VERSION],
        ["identifier", identifier],
        ["title", dataset.title],
        ["description", dataset.description],
        ["creator", settings.OPENDATA_PUBLISHER],
        ["created", created],
        ["modified", modified],
        ["subject", dataset.subject],
        ["format", "csv"],
        ["publishername", settings.OPENDATA_RESPONSIBLE_PERSON],
        ["publisherphone", settings.OPENDATA_RESPONSIBLE_PHONE],
        ["publishermbox", settings.OPENDATA_RESPONSIBLE_EMAIL],
        ["updatefrequency", settings.OPENDATA_UPDATE_FREQUENCY],
        ["license", settings.OPENDATA_LICENCE_URL or settings.OPENDATA_LICENCE_TEXT],
        ["structureversion", STRUCTURE_VERSION],
    ]
    for name in files:
        stamp = VERSION.match(name)
        rows.append([f"data-{stamp[1]}-structure-{stamp[2]}", name])
        rows.append([f"structure-{stamp[2]}", f"structure-{stamp[2]}.csv"])
    return rows


def opendata_publish(*, today: date | None = None) -> dict[str, str]:
    """Write today's version of every set whose data changed, its structure and passport,
    and the list of sets. Returns {set: file written or "unchanged"}."""
    today = today or timezone.localdate()
    stamp = today.strftime("%Y%m%d")
    result = {}
    list_rows = [["property", "title", "value", "format"]]
    for dataset in DATASETS:
        identifier = set_identifier(dataset)
        with transaction.atomic():  # one consistent snapshot of the set
            content = data_bytes(dataset)
        files = versions(dataset)
        name = f"data-{stamp}-structure-{STRUCTURE_VERSION}.csv"
        if files and _read(_path(identifier, files[-1])) == content:
            result[dataset.identifier] = "unchanged"
        else:
            _write(_path(identifier, name), content)
            result[dataset.identifier] = name
            files = versions(dataset)
        _write(
            _path(identifier, f"structure-{STRUCTURE_VERSION}.csv"),
            _csv(
                [
                    ["field name", "english description", "russian description", "format"],
                    *[
                        [f.name, f.name.replace("_", " "), f.title, f.format]
                        for f in dataset.fields
                    ],
                ]
            ),
        )
        _write(_path(identifier, "meta.csv"), _csv(_passport_rows(dataset, identifier, files)))
        list_rows.append([identifier, dataset.title, f"{identifier}/meta.csv", "csv"])
    _write(_path("list.csv"), _csv(list_rows))
    return result


def opendata_catalogue() -> list[SetPassport]:
    """What the /open-data/ page lists: every set with its versions, from the storage."""
    passports = []
    for dataset in DATASETS:
        files = versions(dataset)
        stamps = [VERSION.match(f)[1] for f in files]

        def day(stamp: str) -> str:
            return datetime.strptime(stamp, "%Y%m%d").date().isoformat() if stamp else ""

        passports.append(
            SetPassport(
                dataset,
                set_identifier(dataset),
                files,
                day(stamps[0] if stamps else ""),
                day(stamps[-1] if stamps else ""),
            )
        )
    return passports


def opendata_file(path: str) -> bytes | None:
    """A published file's bytes, or None (also for paths outside the open-data folder)."""
    if ".." in path.split("/") or not re.fullmatch(r"[\w\-./]+", path):
        return None
    full = _path(path)
    return _read(full) if default_storage.exists(full) else None


def latest_data(dataset: Dataset) -> bytes | None:
    files = versions(dataset)
    return _read(_path(set_identifier(dataset), files[-1])) if files else None


@transaction.atomic
def opendata_load(*, read: Callable[[Dataset], bytes]) -> dict[str, int]:
    """Restore the public registry from a dump (`read` gives each set's data CSV) into an
    empty database: rows keep their ids; totals are recomputed after. A restore of published
    facts, not an edit: rows are written as the dump holds them (bulk), not re-reviewed.
    Returns rows loaded per set."""
    from funding.services import funding_totals_recompute_all

    counts = {}
    for dataset in DATASETS:
        reader = csv.DictReader(io.StringIO(read(dataset).decode("utf-8")))
        objects, m2m = [], []
        for row in reader:
            fields = {}
            for field in dataset.fields:
                value = spreadsheet_unguard(row[field.name])
                if field.name in ("source_ids", "programme_codes"):
                    m2m.append((int(row["id"]), field.name, value))
                    continue
                if field.format == "integer":
                    fields[field.name] = int(value) if value else None
                elif field.format == "date":
                    fields[field.name] = date.fromisoformat(value) if value else None
                elif dataset.model._meta.get_field(field.name.removesuffix("_id")).null:
                    fields[field.name] = value or None
                else:
                    fields[field.name] = value
            if dataset.identifier == "clusters":
                fields.update(is_published=True, review_state="published")
            objects.append(dataset.model(**fields))
        dataset.model.objects.bulk_create(objects)
        counts[dataset.identifier] = len(objects)
        if m2m:
            from clusters.models import Cluster, Programme

            programmes = dict(Programme.objects.values_list("code", "pk"))
            through_sources = Cluster.sources.through
            through_programmes = Cluster.programmes.through
            links_s, links_p = [], []
            for pk, name, value in m2m:
                for part in filter(None, value.split(";")):
                    if name == "source_ids":
                        links_s.append(through_sources(cluster_id=pk, source_id=int(part)))
                    else:
                        links_p.append(
                            through_programmes(cluster_id=pk, programme_id=programmes[part])
                        )
            through_sources.objects.bulk_create(links_s)
            through_programmes.objects.bulk_create(links_p)
    transaction.on_commit(funding_totals_recompute_all)
    return counts
