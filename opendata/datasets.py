"""The registry's open data sets: what each holds and the columns of its structure file.

Every set reads through `visible_to(None)` — the anonymous view, published data only — and
keeps ids, so the sets together restore the public registry (opendata.services.opendata_load).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, Q, QuerySet

from clusters.models import (
    Cluster,
    ClusterCollege,
    ClusterEmployer,
    College,
    Employer,
    Industry,
    Programme,
    ReportedFigure,
    Source,
)
from funding.models import FundingLine
from regions.models import FederalDistrict, Region

# The date of the current structure of every set (the recommendations' «версия структуры»).
STRUCTURE_VERSION = "20261201"


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    format: str = "string"  # string | integer | decimal | date (the recommendations' types)


@dataclass(frozen=True)
class Dataset:
    identifier: str
    title: str
    description: str
    model: type[Model]
    fields: tuple[Field, ...]
    rows: Callable[[], QuerySet]
    subject: str = "образование"

    def records(self) -> Iterator[list[str]]:
        for obj in self.rows().order_by("pk").iterator(chunk_size=1000):
            yield [cell(obj, f) for f in self.fields]


def cell(obj: Any, field: Field) -> str:
    if field.name == "source_ids":
        return ";".join(str(pk) for pk in sorted(s.pk for s in obj.sources.all()))
    if field.name == "programme_codes":
        return ";".join(sorted(p.code for p in obj.programmes.all()))
    value = getattr(obj, field.name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _public_clusters() -> QuerySet:
    return Cluster.objects.visible_to(None)


def _public_sources() -> QuerySet:
    clusters = _public_clusters()
    lines = FundingLine.objects.visible_to(None)
    figures = ReportedFigure.objects.visible_to(None)
    return Source.objects.filter(
        Q(pk__in=clusters.values("sources"))
        | Q(pk__in=lines.values("source"))
        | Q(pk__in=figures.values("source"))
    )


def _colleges() -> QuerySet:
    return College.objects.visible_to(None)  # the gate: only through a published cluster


def _employers() -> QuerySet:
    return Employer.objects.visible_to(None)


INT, DEC, DATE = "integer", "decimal", "date"
DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "federal-districts",
        "Федеральные округа",
        "Федеральные округа Российской Федерации, к которым отнесены субъекты реестра.",
        FederalDistrict,
        (Field("id", "Идентификатор", INT), Field("code", "Код"), Field("name", "Название")),
        FederalDistrict.objects.all,
    ),
    Dataset(
        "regions",
        "Субъекты Российской Федерации",
        "Субъекты РФ с кодами по классификатору налоговой службы и федеральными округами.",
        Region,
        (
            Field("id", "Идентификатор", INT),
            Field("code", "Код субъекта"),
            Field("name", "Название"),
            Field("name_en", "Название (англ.)"),
            Field("kind", "Вид субъекта"),
            Field("slug", "Адрес страницы"),
            Field("federal_district_id", "Федеральный округ (идентификатор)", INT),
        ),
        Region.objects.all,
    ),
    Dataset(
        "industries",
        "Отрасли",
        "Отрасли, для которых кластеры «Профессионалитета» готовят кадры.",
        Industry,
        (
            Field("id", "Идентификатор", INT),
            Field("slug", "Адрес страницы"),
            Field("name", "Название"),
            Field("name_en", "Название (англ.)"),
        ),
        Industry.objects.all,
    ),
    Dataset(
        "programmes",
        "Профессии и специальности СПО",
        "Профессии и специальности среднего профессионального образования кластеров.",
        Programme,
        (
            Field("id", "Идентификатор", INT),
            Field("code", "Код"),
            Field("name", "Название"),
            Field("level", "Вид"),
        ),
        Programme.objects.all,
    ),
    Dataset(
        "sources",
        "Источники сведений",
        "Документы и публикации, на которые ссылаются сведения реестра.",
        Source,
        (
            Field("id", "Идентификатор", INT),
            Field("title", "Заголовок"),
            Field("publisher", "Издатель"),
            Field("published_on", "Дата публикации", DATE),
            Field("url", "Ссылка"),
            Field("document_ref", "Реквизиты документа"),
            Field("note", "Примечание"),
        ),
        _public_sources,
    ),
    Dataset(
        "colleges",
        "Образовательные организации кластеров",
        "Профессиональные образовательные организации, входящие в опубликованные кластеры.",
        College,
        (
            Field("id", "Идентификатор", INT),
            Field("full_name", "Полное наименование"),
            Field("short_name", "Краткое наименование"),
            Field("inn", "ИНН"),
            Field("ogrn", "ОГРН"),
            Field("region_id", "Субъект РФ (идентификатор)", INT),
            Field("town", "Населённый пункт"),
            Field("website", "Сайт"),
        ),
        _colleges,
    ),
    Dataset(
        "employers",
        "Работодатели кластеров",
        "Предприятия-работодатели — партнёры опубликованных кластеров.",
        Employer,
        (
            Field("id", "Идентификатор", INT),
            Field("name", "Наименование"),
            Field("inn", "ИНН"),
            Field("ogrn", "ОГРН"),
            Field("region_id", "Субъект РФ (идентификатор)", INT),
            Field("industry_id", "Отрасль (идентификатор)", INT),
            Field("website", "Сайт"),
        ),
        _employers,
    ),
    Dataset(
        "clusters",
        "Кластеры «Профессионалитета»",
        "Образовательно-производственные кластеры: тип, отрасль, субъект, годы, статус.",
        Cluster,
        (
            Field("id", "Идентификатор", INT),
            Field("slug", "Адрес страницы"),
            Field("name", "Название"),
            Field("kind", "Тип (пусто — не указан)"),
            Field("industry_id", "Отрасль (идентификатор; пусто — не указана)", INT),
            Field("region_id", "Субъект РФ (идентификатор)", INT),
            Field("selection_year", "Год отбора", INT),
            Field("launch_year", "Год первого набора", INT),
            Field("status", "Статус"),
            Field("management_board", "Управляющая компания"),
            Field("description", "Описание"),
            Field("website", "Сайт"),
            Field("programme_codes", "Коды профессий и специальностей (через «;»)"),
            Field("source_ids", "Источники (идентификаторы через «;»)"),
        ),
        lambda: _public_clusters().prefetch_related("sources", "programmes"),
    ),
    Dataset(
        "cluster-colleges",
        "Участие образовательных организаций в кластерах",
        "Базовая и сетевые организации каждого опубликованного кластера.",
        ClusterCollege,
        (
            Field("id", "Идентификатор", INT),
            Field("cluster_id", "Кластер (идентификатор)", INT),
            Field("college_id", "Организация (идентификатор)", INT),
            Field("role", "Роль (base — базовая, network — сетевая)"),
        ),
        lambda: ClusterCollege.objects.visible_to(None),
    ),
    Dataset(
        "cluster-employers",
        "Партнёрство работодателей с кластерами",
        "Работодатели-партнёры каждого опубликованного кластера.",
        ClusterEmployer,
        (
            Field("id", "Идентификатор", INT),
            Field("cluster_id", "Кластер (идентификатор)", INT),
            Field("employer_id", "Работодатель (идентификатор)", INT),
            Field("role", "Роль"),
            Field("note", "Примечание"),
        ),
        lambda: ClusterEmployer.objects.visible_to(None),
    ),
    Dataset(
        "reported-figures",
        "Заявленные показатели кластеров",
        "Что источники сообщают о кластерах (мастерские, студенты, объём финансирования).",
        ReportedFigure,
        (
            Field("id", "Идентификатор", INT),
            Field("cluster_id", "Кластер (идентификатор)", INT),
            Field("kind", "Показатель"),
            Field("value", "Значение", DEC),
            Field("qualifier", "Точность (exact, approximately, at_least, at_most)"),
            Field("as_of", "По состоянию на", DATE),
            Field("source_id", "Источник (идентификатор)", INT),
            Field("exact_wording", "Формулировка источника"),
            Field("note", "Примечание"),
        ),
        lambda: ReportedFigure.objects.visible_to(None),
    ),
    Dataset(
        "funding-lines",
        "Финансирование кластеров",
        "Суммы по источникам средств, годам и кластерам (или совокупно по субъекту), в рублях.",
        FundingLine,
        (
            Field("id", "Идентификатор", INT),
            Field("cluster_id", "Кластер (идентификатор; пусто — совокупно по субъекту)", INT),
            Field("region_id", "Субъект РФ (идентификатор)", INT),
            Field("fiscal_year", "Финансовый год (пусто — не указан)", INT),
            Field("funding_source", "Источник средств"),
            Field("amount_rub", "Сумма, руб.", DEC),
            Field("qualifier", "Точность (exact, approximately, at_least, at_most)"),
            Field("source_id", "Источник сведений (идентификатор)", INT),
            Field("exact_wording", "Формулировка источника"),
            Field("note", "Примечание"),
        ),
        lambda: FundingLine.objects.visible_to(None),
    ),
)
DATASET_BY_ID = {d.identifier: d for d in DATASETS}
