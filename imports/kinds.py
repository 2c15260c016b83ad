"""What each template kind holds, how its rows find their registry object, and how they write.

Natural keys make an import repeatable: the same file twice changes nothing, a corrected file
updates. Region by its code, industry by slug (or its Russian name), college and employer by
INN when given, else by normalised name + region; cluster by slug, else base college +
industry + region, else name + region; source by its address, else title + date; a funding
line by cluster (or region-level) + region + year + budget + source; a figure by cluster +
kind + source. Every write goes through the write services with the importing user as actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model, Q
from django.utils.text import slugify

from clusters import services as cluster_services
from clusters.choices import (
    ClusterKind,
    ClusterStatus,
    CollegeRole,
    EmployerRole,
    FigureKind,
    Qualifier,
)
from clusters.models import (
    Cluster,
    College,
    Employer,
    Industry,
    ReportedFigure,
    Source,
)
from funding import services as funding_services
from funding.choices import FundingSource
from funding.models import FundingLine
from imports.choices import ImportKind, RowStatus
from imports.reading import Col
from regions.models import Region

LIST_SEPARATOR = ";"


class RowError(Exception):
    """A value of one column cannot be used; the message is Russian."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def normalise(name: str) -> str:
    """A name compared loosely: case, quotes, dots and spaces do not matter."""
    text = name.lower().replace("ё", "е")
    text = re.sub(r"[«»\"'“”„.,()№]", " ", text)
    return " ".join(text.split())


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


@dataclass
class Outcome:
    status: str
    key: str
    diff: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Context:
    """Per-import caches; lookups see rows written earlier in the same transaction."""

    actor: Any
    regions: dict[str, Region] = field(default_factory=dict)
    industries: dict[str, Industry] = field(default_factory=dict)

    # (model, normalised name, region id or None) → pks, built once per model: a 10 000-row
    # file must not compare every name with every other.
    names: dict[type[Model], dict[tuple[str, int | None], list[int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.regions = {r.code: r for r in Region.objects.all()}
        for industry in Industry.objects.all():
            self.industries[industry.slug] = industry
            self.industries[normalise(industry.name)] = industry

    def clusters(self):
        """The clusters this import may match rows to: those its user may see (the gate), so a
        file can never reveal that a draft elsewhere exists; every one for the system (no
        user: the seed and the press sample). Colleges and employers are matched by their
        unique INN whoever imports, since a second row with the same INN cannot be written."""
        if self.actor is None:
            return Cluster.objects.all()
        return Cluster.objects.visible_to(self.actor)

    def _rows(self, model: type[Model]):
        return self.clusters() if model is Cluster else model.objects.all()

    def _index(self, model: type[Model], name_field: str) -> dict:
        if model not in self.names:
            index: dict[tuple[str, int | None], list[int]] = {}
            for pk, name, region_id in self._rows(model).values_list("pk", name_field, "region_id"):
                index.setdefault((normalise(name), region_id), []).append(pk)
                index.setdefault((normalise(name), None), []).append(pk)
            self.names[model] = index
        return self.names[model]

    def find_by_name(self, model, name_field: str, name: str, region_id: int | None):
        """The first row of `model` whose normalised name (in the region, if given) matches;
        rows of a rolled-back savepoint (a failed row) are skipped."""
        for pk in self._index(model, name_field).get((normalise(name), region_id), []):
            found = self._rows(model).filter(pk=pk).first()
            if found is not None:
                return found
        return None

    def remember(self, obj: Model, name_field: str) -> None:
        index = self._index(type(obj), name_field)
        name = normalise(getattr(obj, name_field))
        for key in ((name, obj.region_id), (name, None)):
            index.setdefault(key, []).append(obj.pk)


class Kind:
    """A template kind: columns, parsing of cells and the write of one row."""

    code: str = ""
    title: str = ""
    columns: list[Col] = []

    def label(self, code: str) -> str:
        return next((c.label for c in self.columns if c.code == code), code)

    # --- cell parsers (raise RowError naming the column) ----------------------------------

    def text(self, row: dict, code: str, *, required: bool = False, max_length: int = 0) -> str:
        # Runs of spaces and line breaks inside a cell are folded: «А  Б» is «А Б».
        value = " ".join(row.get(code, "").split())
        if required and not value:
            raise RowError(code, "обязательное поле не заполнено.")
        if max_length and len(value) > max_length:
            raise RowError(code, f"не длиннее {max_length} знаков.")
        return value

    def integer(self, row: dict, code: str) -> int | None:
        value = row.get(code, "").replace(" ", "").replace("\u00a0", "")
        if not value:
            return None
        if not value.isdigit():
            raise RowError(code, f"«{row[code]}» — не целое число.")
        return int(value)

    def decimal(self, row: dict, code: str, *, required: bool = False) -> Decimal | None:
        value = re.sub(r"[\s\u00a0]", "", row.get(code, "")).replace(",", ".")
        if not value:
            if required:
                raise RowError(code, "обязательное поле не заполнено.")
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise RowError(code, f"«{row[code]}» — не число.") from None
        if number < 0:
            raise RowError(code, "не может быть отрицательным.")
        return number

    def day(self, row: dict, code: str) -> date | None:
        value = row.get(code, "").strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", value)
        try:
            if match:
                return date(int(match[3]), int(match[2]), int(match[1]))
            return date.fromisoformat(value[:10])
        except ValueError:
            raise RowError(code, f"«{value}» — не дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ).") from None

    def flag(self, row: dict, code: str) -> bool | None:
        value = row.get(code, "").strip().lower()
        if not value:
            return None
        if value in ("да", "1", "true", "yes", "опубликован"):
            return True
        if value in ("нет", "0", "false", "no", "черновик"):
            return False
        raise RowError(code, f"«{row[code]}»: ожидается «да» или «нет».")

    def choice(self, row: dict, code: str, choices, *, default: str = "") -> str:
        value = row.get(code, "").strip()
        if not value:
            return default
        for key, label in choices.choices:
            if value.lower() in (key, str(label).lower()):
                return key
        allowed = ", ".join(f"{key} ({label})" for key, label in choices.choices)
        raise RowError(code, f"«{value}» — нет такого значения; допустимы: {allowed}.")

    def region(self, row: dict, ctx: Context, code: str = "region") -> Region:
        value = self.text(row, code, required=True)
        value = value.zfill(2) if value.isdigit() else value
        region = ctx.regions.get(value)
        if region is None:
            raise RowError(code, f"субъект РФ с кодом «{value}» не найден.")
        return region

    def industry(self, row: dict, ctx: Context, code: str = "industry") -> Industry | None:
        value = self.text(row, code)
        if not value:
            return None
        industry = ctx.industries.get(value) or ctx.industries.get(normalise(value))
        if industry is None:
            raise RowError(
                code, f"отрасль «{value}» не найдена (slug или название из справочника)."
            )
        return industry

    def source(self, row: dict, code: str = "source", *, required: bool = True) -> Source | None:
        value = self.text(row, code, required=required)
        if not value:
            return None
        found = Source.objects.filter(Q(url=value) | Q(title=value)).order_by("pk").first()
        if found is None:
            raise RowError(code, f"источник «{value}» не найден: загрузите сначала источники.")
        return found

    def cluster_ref(self, row: dict, ctx: Context, region: Region, code: str = "cluster"):
        value = self.text(row, code)
        if not value:
            return None
        cluster = ctx.clusters().filter(slug=value).first()
        if cluster is None:
            cluster = ctx.find_by_name(Cluster, "name", value, region.pk)
        if cluster is None:
            raise RowError(code, f"кластер «{value}» не найден (slug или название в субъекте).")
        return cluster

    # --- diff and write -----------------------------------------------------------------

    def diff(self, obj: Model | None, fields: dict[str, Any]) -> dict[str, tuple[str, str]]:
        changes = {}
        for name, new in fields.items():
            old = getattr(obj, name) if obj is not None else None
            if obj is None and new in (None, ""):
                continue
            if obj is None or old != new:
                model_field = self.model._meta.get_field(name)
                labels = dict(model_field.flatchoices) if model_field.choices else {}
                changes[str(model_field.verbose_name)] = (
                    _display(labels.get(old, old)) if obj is not None else "",
                    _display(labels.get(new, new)),
                )
        return changes

    def upsert(self, obj, fields, *, create, update, key: str) -> tuple[Any, Outcome]:
        """Create or update through the service given; unchanged rows write nothing."""
        if obj is None:
            obj = create(**fields)
            return obj, Outcome(RowStatus.NEW, key, self.diff(None, fields))
        changes = {k: v for k, v in fields.items() if getattr(obj, k) != v}
        if not changes:
            return obj, Outcome(RowStatus.UNCHANGED, key)
        diff = self.diff(obj, changes)
        obj = update(obj, **changes)
        return obj, Outcome(RowStatus.CHANGED, key, diff)

    def process(self, row: dict, ctx: Context) -> Outcome:
        raise NotImplementedError


class SourceKind(Kind):
    code = ImportKind.SOURCES
    model = Source
    columns = [
        Col("url", "Ссылка"),
        Col("title", "Заголовок", required=True),
        Col("publisher", "Издатель"),
        Col("published_on", "Дата публикации"),
        Col("document_ref", "Реквизиты документа"),
        Col("note", "Примечание"),
    ]

    def process(self, row: dict, ctx: Context) -> Outcome:
        fields = {
            "url": self.text(row, "url", max_length=500),
            "title": self.text(row, "title", required=True, max_length=500),
            "publisher": self.text(row, "publisher", max_length=300),
            "published_on": self.day(row, "published_on"),
            "document_ref": self.text(row, "document_ref", max_length=300),
            "note": self.text(row, "note"),
        }
        if fields["url"]:
            existing = Source.objects.filter(url=fields["url"]).order_by("pk").first()
        else:
            existing = Source.objects.filter(
                url="", title=fields["title"], published_on=fields["published_on"]
            ).first()
        key = fields["url"] or fields["title"]
        if existing is None:
            cluster_services.source_create(actor=ctx.actor, **fields)
            return Outcome(RowStatus.NEW, key, self.diff(None, fields))
        # Sources are records of documents: once in, the registry keeps its own copy.
        return Outcome(RowStatus.UNCHANGED, key)


class LegalEntityKind(Kind):
    name_field = "full_name"

    def created(self, ctx: Context, obj):
        ctx.remember(obj, self.name_field)
        return obj

    def find(self, ctx: Context, inn: str | None, name: str, region: Region | None):
        if inn:
            found = self.model.objects.filter(inn=inn).first()
            if found is not None:
                return found
        return ctx.find_by_name(self.model, self.name_field, name, region and region.pk)


class CollegeKind(LegalEntityKind):
    code = ImportKind.COLLEGES
    model = College
    columns = [
        Col("inn", "ИНН"),
        Col("ogrn", "ОГРН"),
        Col("full_name", "Полное наименование", required=True),
        Col("short_name", "Краткое наименование"),
        Col("region", "Субъект РФ (код)", required=True),
        Col("town", "Населённый пункт"),
        Col("website", "Сайт"),
    ]

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx)
        fields = {
            "full_name": self.text(row, "full_name", required=True, max_length=500),
            "short_name": self.text(row, "short_name", max_length=200),
            "region": region,
            "town": self.text(row, "town", max_length=150),
            "website": self.text(row, "website", max_length=300),
        }
        inn = self.text(row, "inn") or None
        ogrn = self.text(row, "ogrn") or None
        if inn:
            fields["inn"] = inn
        if ogrn:
            fields["ogrn"] = ogrn
        obj = self.find(ctx, inn, fields["full_name"], region)
        _, outcome = self.upsert(
            obj,
            fields,
            create=lambda **f: self.created(
                ctx, cluster_services.college_create(actor=ctx.actor, **f)
            ),
            update=lambda o, **f: self.created(
                ctx, cluster_services.college_update(actor=ctx.actor, college=o, **f)
            ),
            key=inn or fields["full_name"],
        )
        return outcome


class EmployerKind(LegalEntityKind):
    code = ImportKind.EMPLOYERS
    model = Employer
    name_field = "name"
    columns = [
        Col("inn", "ИНН"),
        Col("ogrn", "ОГРН"),
        Col("name", "Наименование", required=True),
        Col("region", "Субъект РФ (код)"),
        Col("industry", "Отрасль"),
        Col("website", "Сайт"),
    ]

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx) if row.get("region") else None
        fields = {
            "name": self.text(row, "name", required=True, max_length=500),
            "region": region,
            "industry": self.industry(row, ctx),
            "website": self.text(row, "website", max_length=300),
        }
        inn = self.text(row, "inn") or None
        ogrn = self.text(row, "ogrn") or None
        if inn:
            fields["inn"] = inn
        if ogrn:
            fields["ogrn"] = ogrn
        obj = self.find(ctx, inn, fields["name"], region)
        _, outcome = self.upsert(
            obj,
            fields,
            create=lambda **f: self.created(
                ctx, cluster_services.employer_create(actor=ctx.actor, **f)
            ),
            update=lambda o, **f: self.created(
                ctx, cluster_services.employer_update(actor=ctx.actor, employer=o, **f)
            ),
            key=inn or fields["name"],
        )
        return outcome


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _unique_slug(base: str) -> str:
    base = (slugify(base) or "cluster")[:110].strip("-")
    slug, n = base, 1
    while Cluster.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class ClusterKindSpec(Kind):
    code = ImportKind.CLUSTERS
    model = Cluster
    columns = [
        Col("slug", "Адрес страницы (slug)"),
        Col("name", "Название", required=True),
        Col("kind", "Тип"),
        Col("industry", "Отрасль"),
        Col("region", "Субъект РФ (код)", required=True),
        Col("selection_year", "Год отбора"),
        Col("launch_year", "Год первого набора"),
        Col("status", "Статус"),
        Col("base_college", "Базовая организация"),
        Col("base_college_inn", "ИНН базовой организации"),
        Col("base_college_town", "Населённый пункт базовой организации"),
        Col("network_colleges", "Сетевые организации (через «;»)"),
        Col("employers", "Работодатели (через «;»)"),
        Col("sources", "Источники (ссылки через «;»)"),
        Col("is_published", "Опубликован (да/нет)"),
        Col("description", "Описание"),
        Col("website", "Сайт"),
    ]

    def _college(self, ctx, name: str, inn: str | None, region: Region, town: str = ""):
        college = COLLEGES.find(ctx, inn, name, region)
        if college is None:
            fields = {"full_name": name[:500], "region": region, "town": town[:150]}
            if inn:
                fields["inn"] = inn
            college = COLLEGES.created(
                ctx, cluster_services.college_create(actor=ctx.actor, **fields)
            )
        return college

    def _employer(self, ctx, name: str, region: Region):
        employer = EMPLOYERS.find(ctx, None, name, region) or EMPLOYERS.find(ctx, None, name, None)
        if employer is None:
            employer = EMPLOYERS.created(
                ctx,
                cluster_services.employer_create(actor=ctx.actor, name=name[:500], region=region),
            )
        return employer

    def find(self, row: dict, ctx, region, industry, base: College | None, name: str):
        slug = self.text(row, "slug")
        if slug:
            found = ctx.clusters().filter(slug=slug).first()
            if found is not None:
                return found
        if base is not None:
            found = (
                ctx.clusters()
                .filter(
                    region=region,
                    industry=industry,
                    cluster_colleges__college=base,
                    cluster_colleges__role=CollegeRole.BASE,
                )
                .first()
            )
            if found is not None:
                return found
        return ctx.find_by_name(Cluster, "name", name, region.pk)

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx)
        industry = self.industry(row, ctx)
        name = self.text(row, "name", required=True, max_length=300)
        fields = {
            "name": name,
            "kind": self.choice(row, "kind", ClusterKind),
            "industry": industry,
            "region": region,
            "selection_year": self.integer(row, "selection_year"),
            "launch_year": self.integer(row, "launch_year"),
            "status": self.choice(row, "status", ClusterStatus, default=ClusterStatus.SELECTED),
            "description": self.text(row, "description"),
            "website": self.text(row, "website", max_length=300),
        }
        if "kind" not in row:
            fields.pop("kind")
        publish = self.flag(row, "is_published")
        sources = [
            self.source({"sources": url}, "sources") for url in _split(row.get("sources", ""))
        ]
        base_name = self.text(row, "base_college", max_length=500)
        base_inn = self.text(row, "base_college_inn") or None
        base = COLLEGES.find(ctx, base_inn, base_name, region) if base_name or base_inn else None

        cluster = self.find(row, ctx, region, industry, base, name)
        key = (cluster.slug if cluster else self.text(row, "slug")) or name
        if cluster is None:
            fields["slug"] = self.text(row, "slug") or _unique_slug(
                f"{region.slug}-{industry.slug if industry else 'cluster'}"
            )
            cluster = cluster_services.cluster_create(actor=ctx.actor, **fields)
            ctx.remember(cluster, "name")
            outcome = Outcome(RowStatus.NEW, cluster.slug, self.diff(None, fields))
        else:
            cluster, outcome = self.upsert(
                cluster,
                fields,
                create=None,
                update=lambda o, **f: cluster_services.cluster_update(
                    actor=ctx.actor, cluster=o, **f
                ),
                key=key,
            )
            ctx.remember(cluster, "name")  # a renamed cluster is found by its new name

        added: list[str] = []
        members = {m.college_id: m for m in cluster.cluster_colleges.all()}
        if base_name or base_inn:
            college = base or self._college(
                ctx, base_name, base_inn, region, self.text(row, "base_college_town")
            )
            if college.pk not in members:
                has_base = any(m.role == CollegeRole.BASE for m in members.values())
                if has_base:
                    raise RowError("base_college", "у кластера уже другая базовая организация.")
                cluster_services.cluster_college_add(
                    actor=ctx.actor, cluster=cluster, college=college, role=CollegeRole.BASE
                )
                members[college.pk] = None
                added.append(f"базовая: {college}")
        for college_name in _split(row.get("network_colleges", "")):
            college = self._college(ctx, college_name, None, region)
            if college.pk not in members:
                cluster_services.cluster_college_add(
                    actor=ctx.actor, cluster=cluster, college=college, role=CollegeRole.NETWORK
                )
                members[college.pk] = None
                added.append(f"сетевая: {college}")
        partners = set(cluster.cluster_employers.values_list("employer_id", flat=True))
        for employer_name in _split(row.get("employers", "")):
            employer = self._employer(ctx, employer_name, region)
            if employer.pk not in partners:
                cluster_services.cluster_employer_add(
                    actor=ctx.actor, cluster=cluster, employer=employer, role=EmployerRole.PARTNER
                )
                partners.add(employer.pk)
                added.append(f"работодатель: {employer}")
        cited = set(cluster.sources.values_list("pk", flat=True))
        new_sources = [s for s in sources if s.pk not in cited]
        if new_sources:
            cluster = cluster_services.cluster_update(
                actor=ctx.actor, cluster=cluster, sources=[*cited, *(s.pk for s in new_sources)]
            )
            added += [f"источник: {s.url or s.title}" for s in new_sources]
        if publish is True and not cluster.is_published:
            cluster_services.cluster_publish(actor=ctx.actor, cluster=cluster)
            outcome.diff["Опубликован"] = ("нет", "да")
        elif publish is False and cluster.is_published:
            cluster_services.cluster_withdraw(actor=ctx.actor, cluster=cluster)
            outcome.diff["Опубликован"] = ("да", "нет")
        if added:
            outcome.diff["Добавлено"] = ("", "; ".join(added))
        if outcome.status == RowStatus.UNCHANGED and outcome.diff:
            outcome.status = RowStatus.CHANGED
        return outcome


class FundingKind(Kind):
    code = ImportKind.FUNDING
    model = FundingLine
    columns = [
        Col("cluster", "Кластер (slug или название; пусто — совокупно по субъекту)"),
        Col("region", "Субъект РФ (код)", required=True),
        Col("fiscal_year", "Финансовый год"),
        Col("funding_source", "Источник средств", required=True),
        Col("amount_rub", "Сумма, ₽", required=True),
        Col("qualifier", "Точность"),
        Col("source", "Источник (ссылка или заголовок)", required=True),
        Col("exact_wording", "Формулировка источника"),
        Col("note", "Примечание"),
    ]

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx)
        cluster = self.cluster_ref(row, ctx, region)
        if cluster is not None and cluster.region_id != region.pk:
            raise RowError("region", f"кластер «{cluster}» находится в другом субъекте.")
        year = self.integer(row, "fiscal_year")
        budget = self.choice(row, "funding_source", FundingSource)
        if not budget:
            raise RowError("funding_source", "обязательное поле не заполнено.")
        source = self.source(row)
        key_fields = {
            "cluster": cluster,
            "region": region,
            "fiscal_year": year,
            "funding_source": budget,
            "source": source,
        }
        fields = {
            "amount_rub": self.decimal(row, "amount_rub", required=True),
            "qualifier": self.choice(row, "qualifier", Qualifier, default=Qualifier.EXACT),
            "exact_wording": self.text(row, "exact_wording"),
            "note": self.text(row, "note"),
        }
        existing = FundingLine.objects.filter(**key_fields).order_by("pk").first()
        where = cluster.slug if cluster else f"{region.code} (совокупно)"
        _, outcome = self.upsert(
            existing,
            {**key_fields, **fields} if existing is None else fields,
            create=lambda **f: funding_services.funding_line_create(actor=ctx.actor, **f),
            update=lambda o, **f: funding_services.funding_line_update(
                actor=ctx.actor, line=o, **f
            ),
            key=f"{where} · {year or 'год не указан'} · {budget}",
        )
        return outcome


class FigureKindSpec(Kind):
    code = ImportKind.FIGURES
    model = ReportedFigure
    columns = [
        Col("cluster", "Кластер (slug или название)", required=True),
        Col("region", "Субъект РФ (код)", required=True),
        Col("kind", "Показатель", required=True),
        Col("value", "Значение", required=True),
        Col("qualifier", "Точность"),
        Col("as_of", "По состоянию на"),
        Col("source", "Источник (ссылка или заголовок)", required=True),
        Col("exact_wording", "Формулировка источника"),
        Col("note", "Примечание"),
    ]

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx)
        cluster = self.cluster_ref(row, ctx, region)
        if cluster is None:
            raise RowError("cluster", "обязательное поле не заполнено.")
        kind = self.choice(row, "kind", FigureKind)
        if not kind:
            raise RowError("kind", "обязательное поле не заполнено.")
        source = self.source(row)
        fields = {
            "value": self.decimal(row, "value", required=True),
            "qualifier": self.choice(row, "qualifier", Qualifier, default=Qualifier.EXACT),
            "as_of": self.day(row, "as_of"),
            "exact_wording": self.text(row, "exact_wording"),
            "note": self.text(row, "note"),
        }
        existing = ReportedFigure.objects.filter(cluster=cluster, kind=kind, source=source).first()
        _, outcome = self.upsert(
            existing,
            fields,
            create=lambda **f: cluster_services.figure_create(
                actor=ctx.actor, cluster=cluster, kind=kind, source=source, **f
            ),
            update=lambda o, **f: cluster_services.cluster_part_update(actor=ctx.actor, row=o, **f),
            key=f"{cluster.slug} · {kind}",
        )
        return outcome


COLLEGES = CollegeKind()
EMPLOYERS = EmployerKind()
KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        SourceKind(),
        COLLEGES,
        EMPLOYERS,
        ClusterKindSpec(),
        FundingKind(),
        FigureKindSpec(),
    )
}
# The order a set of files is imported in, so every row finds what it refers to.
KIND_ORDER = [
    ImportKind.SOURCES,
    ImportKind.COLLEGES,
    ImportKind.EMPLOYERS,
    ImportKind.CLUSTERS,
    ImportKind.FUNDING,
    ImportKind.FIGURES,
]
