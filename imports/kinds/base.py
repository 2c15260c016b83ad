"""What every template kind shares: reading cells (Russian errors naming the column), the
import's context (lookups that see rows written earlier in the same import, through the
gate), and the outcome of a row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from clusters.facts import FactOutcome, Statement
from clusters.matching import Found, OrgIndex, college_names, employer_names, parse_name
from clusters.models import Cluster, College, Employer, Industry, Source
from common.money import AMOUNT, NUMBER, parse_rub
from imports.choices import RowStatus
from imports.reading import Col
from regions.models import Region
from regions.names import RegionLookup

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


def display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


@dataclass
class Outcome:
    """One row's result: new / changed (with the field diff) / unchanged / conflict, and notes
    for the person importing (new organisations, possible duplicates, disagreements)."""

    status: str
    key: str
    diff: dict[str, tuple[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    conflicts: int = 0

    def take(self, facts: FactOutcome) -> Outcome:
        """Fold what merging a document did into this row's result."""
        self.diff.update(facts.changed)
        if facts.cited:
            cited = self.diff.get("Подтверждено источником", ("", ""))[1]
            more = "; ".join(facts.cited)
            self.diff["Подтверждено источником"] = ("", f"{cited}; {more}" if cited else more)
        self.notes += facts.notes
        self.conflicts += len(facts.conflicts)
        return self

    def settle(self) -> Outcome:
        """The status the diff and conflicts make of it."""
        if self.status == RowStatus.UNCHANGED and self.diff:
            self.status = RowStatus.CHANGED
        if self.status in (RowStatus.UNCHANGED, RowStatus.CHANGED) and self.conflicts:
            self.status = RowStatus.CONFLICT
        return self


class Context:
    """Per-import lookups; they see rows written earlier in the same transaction and only the
    records the importing user may see (the gate), so a file never learns of a hidden one.
    The system (no user: seed, press sample) sees everything."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.regions = RegionLookup(Region.objects.all())
        self.industries: dict[str, Industry] = {}
        for industry in Industry.objects.all():
            self.industries[industry.slug] = industry
            self.industries[normalise(industry.name)] = industry
        self._orgs: dict[type[Model], OrgIndex] = {}
        # Records this import created: a failed row's savepoint may have taken them back.
        self.created: dict[type[Model], set[int]] = {}
        self._cluster_names: dict[tuple[str, int], list[int]] | None = None
        self.sources: dict[str, Source | None] = {}
        self._system: Context | None = None

    def system(self) -> Context:
        """The same import as the system would run it: to show what a row waiting for review
        would change (clusters/review.py)."""
        if self._system is None:
            self._system = Context(None)
        return self._system

    # --- visibility ---------------------------------------------------------------------

    def visible(self, model: type[Model]):
        if self.actor is None:
            return model.objects.all()
        return model.objects.visible_to(self.actor)

    def clusters(self):
        return self.visible(Cluster)

    # --- organisations (clusters/matching.py) ---------------------------------------------

    def org_index(self, model: type[Model]) -> OrgIndex:
        if model not in self._orgs:
            index = OrgIndex(region_bound=model is College)
            names = college_names if model is College else employer_names
            fields = ["pk", "region_id", "inn", "aliases"]
            fields += ["full_name", "short_name"] if model is College else ["name"]
            for row in self.visible(model).values(*fields).order_by("pk"):
                record = _Row(row)
                index.add(
                    pk=row["pk"], names=names(record), region_id=row["region_id"], inn=row["inn"]
                )
            self._orgs[model] = index
        return self._orgs[model]

    def find_org(self, model, name: str, region: Region | None, inn: str | None = None) -> Found:
        found = self.org_index(model).find(name, region and region.pk, inn=inn)
        if (
            found.sure is not None
            and found.sure.pk in self.created.get(model, ())
            and not model.objects.filter(pk=found.sure.pk).exists()
        ):
            return Found()  # created by a failed row, whose savepoint was rolled back
        return found

    def remember_org(self, obj: College | Employer, *, created: bool = False) -> None:
        model = type(obj)
        if created:
            self.created.setdefault(model, set()).add(obj.pk)
        names = college_names if model is College else employer_names
        self.org_index(model).add(pk=obj.pk, names=names(obj), region_id=obj.region_id, inn=obj.inn)

    # --- clusters by name ----------------------------------------------------------------

    def _cluster_index(self) -> dict[tuple[str, int], list[int]]:
        if self._cluster_names is None:
            self._cluster_names = {}
            for pk, name, region_id in self.clusters().values_list("pk", "name", "region_id"):
                self._cluster_names.setdefault((normalise(name), region_id), []).append(pk)
        return self._cluster_names

    def find_cluster_by_name(self, name: str, region_id: int) -> Cluster | None:
        for pk in self._cluster_index().get((normalise(name), region_id), []):
            found = self.clusters().filter(pk=pk).first()
            if found is not None:
                return found
        return None

    def remember_cluster(self, cluster: Cluster) -> None:
        key = (normalise(cluster.name), cluster.region_id)
        self._cluster_index().setdefault(key, []).append(cluster.pk)


class _Row:
    """values() of a college or employer, read as the matcher's name functions expect."""

    def __init__(self, row: dict) -> None:
        self.full_name = row.get("full_name", "")
        self.short_name = row.get("short_name", "")
        self.name = row.get("name", "")
        self.aliases = row.get("aliases") or []


class Kind:
    """A template kind: columns, parsing of cells, the key of a row within one file, and the
    write of one row."""

    code: str = ""
    model: type[Model]
    columns: list[Col] = []
    example: dict[str, str] = {}  # the template's example row (never imported)

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
        """A sum or a count, read as the admin reads it (common/money.parse_rub)."""
        try:
            number = parse_rub(row.get(code, ""), AMOUNT if code.endswith("_rub") else NUMBER)
        except ValidationError as error:
            raise RowError(code, " ".join(error.messages)) from None
        if number is None and required:
            raise RowError(code, "обязательное поле не заполнено.")
        return number

    def day(self, row: dict, code: str) -> date | None:
        value = row.get(code, "").strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
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
        if value in ("да", "1", "true", "yes", "опубликован", "+"):
            return True
        if value in ("нет", "0", "false", "no", "черновик", "-"):
            return False
        raise RowError(code, f"«{row[code]}»: ожидается «да» или «нет».")

    def choice(self, row: dict, code: str, choices, *, default: str = "") -> str:
        value = " ".join(row.get(code, "").split())
        if not value:
            return default
        for key, label in choices.choices:
            if value.lower().replace("ё", "е") in (key, str(label).lower().replace("ё", "е")):
                return key
        allowed = ", ".join(f"«{label}»" for _key, label in choices.choices)
        raise RowError(code, f"«{value}» — нет такого значения; допустимы: {allowed}.")

    def region(self, row: dict, ctx: Context, code: str = "region") -> Region:
        value = self.text(row, code, required=True)
        region = ctx.regions.find(value)
        if region is None:
            raise RowError(
                code, f"субъект РФ «{value}» не найден: укажите код (например, 60) или название."
            )
        return region

    def industry(self, row: dict, ctx: Context, code: str = "industry") -> Industry | None:
        value = self.text(row, code)
        if not value:
            return None
        industry = ctx.industries.get(value) or ctx.industries.get(normalise(value))
        if industry is None:
            raise RowError(
                code, f"отрасль «{value}» не найдена (название или slug из справочника)."
            )
        return industry

    def source(
        self, row: dict, ctx: Context, code: str = "source", *, required: bool = True
    ) -> Source | None:
        value = self.text(row, code, required=required)
        if not value:
            return None
        if value not in ctx.sources:
            ctx.sources[value] = (
                Source.objects.filter(url=value).order_by("pk").first()
                or Source.objects.filter(title=value).order_by("pk").first()
            )
        found = ctx.sources[value]
        if found is None:
            ctx.sources.pop(value, None)  # it may be loaded by a later part of the import
            raise RowError(code, f"источник «{value}» не найден: загрузите сначала источники.")
        return found

    def sources(self, row: dict, ctx: Context, code: str = "sources") -> list[Source]:
        return [self.source({code: value}, ctx, code) for value in split_list(row.get(code, ""))]

    def statements(self, sources: list[Source], quote: str, implied: bool = False):
        return [Statement(source, quote, implied) for source in sources]

    def cluster_ref(self, row: dict, ctx: Context, region: Region, code: str = "cluster"):
        """The cluster a row names: by slug, by name in the subject, or — when the name is
        not the registry's (another document named it otherwise) — by its base college
        (column «base_college», the shared matcher)."""
        value = self.text(row, code)
        base = self.text(row, "base_college")
        if not value and not base:
            return None
        cluster = ctx.clusters().filter(slug=value).first() if value else None
        if cluster is None and value:
            cluster = ctx.find_cluster_by_name(value, region.pk)
        if cluster is None and base:
            found = ctx.find_org(College, base, region)
            if found.sure is not None:
                clusters = list(
                    ctx.clusters()
                    .filter(
                        region=region,
                        cluster_colleges__college=found.sure.pk,
                        cluster_colleges__role="base",
                    )
                    .order_by("pk")[:2]
                )
                if len(clusters) > 1:
                    raise RowError(
                        code,
                        f"у «{base}» несколько кластеров: укажите адрес страницы (slug) кластера.",
                    )
                cluster = clusters[0] if clusters else None
        if cluster is None:
            raise RowError(
                code,
                f"кластер «{value or base}» не найден (slug, название или базовая организация "
                "в субъекте).",
            )
        return cluster

    # --- the key of a row within one file -------------------------------------------------

    def region_code(self, row: dict, ctx: Context, code: str = "region") -> str:
        value = " ".join(row.get(code, "").split())
        region = ctx.regions.find(value) if value else None
        return region.code if region else value.lower()

    def org_key(self, name: str) -> str:
        return parse_name(name).key or normalise(name)

    def file_key(self, row: dict, ctx: Context) -> tuple | None:
        """What identifies the row's record within one file (two rows with the same key are
        an error naming both); None: the row has no key of its own."""
        return None

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
                    display(labels.get(old, old)) if obj is not None else "",
                    display(labels.get(new, new)),
                )
        return changes

    def process(self, row: dict, ctx: Context) -> Outcome:
        raise NotImplementedError

    def wait_for_review(
        self, row: dict, ctx: Context, *, key: str, target: Model, cluster, region_id: int
    ) -> Outcome:
        """A row that would change public data, from a user who may not publish: what it would
        change is worked out as the system would write it (then undone), and the row is
        recorded for a federal editor's review (clusters/review.py); nothing is written."""
        from clusters.choices import ChangeKind
        from clusters.review import change_propose

        savepoint = transaction.savepoint()
        try:
            preview = self.process(row, ctx.system())
        finally:
            transaction.savepoint_rollback(savepoint)
        if preview.status == RowStatus.UNCHANGED:
            return Outcome(RowStatus.UNCHANGED, key)
        diff = [[label, old or "—", new] for label, (old, new) in preview.diff.items()]
        change_propose(
            actor=ctx.actor,
            kind=ChangeKind.IMPORT_ROW,
            target=target,
            target_model=f"{target._meta.app_label}.{target._meta.model_name}",
            target_name=str(target),
            region_id=region_id,
            cluster=cluster,
            data={"kind": self.code, "row": row},
            diff=diff,
        )
        return Outcome(RowStatus.PENDING, key, preview.diff, notes=preview.notes)
