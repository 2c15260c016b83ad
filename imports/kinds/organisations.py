"""Colleges and employers: one kind, two models. A row finds its record by ИНН, else by the
shared matcher (clusters/matching.py: legal forms, quotes, «им.», initials, abbreviations…)
within its subject; a near match is never merged silently — the row makes a new record and
staff get «возможно, это …» to decide."""

from __future__ import annotations

from typing import Any

from clusters import services as cluster_services
from clusters.choices import MergeModel
from clusters.matching import Found, clean_name, parse_name, placeholder, preferred_name
from clusters.merging import match_proposal_record
from clusters.models import College, Employer
from clusters.review import review_needed
from imports.choices import ImportKind, RowStatus
from imports.kinds.base import Context, Kind, Outcome, RowError
from imports.reading import Col
from regions.models import Region


def near_note(found: Found) -> str:
    names = "», «".join(candidate.name for candidate, _ in found.near)
    return f"возможно, это «{names}» — записана новая организация; решите в «Возможных дубликатах»"


class OrganisationKind(Kind):
    """A college or employer row; `name_field` and the fields differ, the rules do not."""

    name_field: str
    merge_model: str
    region_required: bool

    def fields(self, row: dict, ctx: Context, region: Region | None) -> dict[str, Any]:
        raise NotImplementedError

    def create(self, ctx: Context, fields: dict[str, Any]):
        raise NotImplementedError

    def update(self, ctx: Context, obj, fields: dict[str, Any]):
        raise NotImplementedError

    def file_key(self, row: dict, ctx: Context) -> tuple | None:
        inn = " ".join(row.get("inn", "").split())
        if inn:
            return ("inn", inn)
        return ("name", self.region_code(row, ctx), self.org_key(row.get(self.name_field, "")))

    def name(self, row: dict) -> str:
        name = clean_name(self.text(row, self.name_field, required=True, max_length=500))
        if placeholder(name) is not None:
            raise RowError(
                self.name_field,
                f"«{name}» — не название организации (группа или обрезанное название): "
                "внесите число как показатель кластера или полное название.",
            )
        return name

    def find_or_create(
        self,
        ctx: Context,
        name: str,
        region: Region | None,
        *,
        inn: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> tuple[Any, Outcome | None]:
        """The record `name` means (matcher), or a new one (with a note, and a possible
        duplicate for staff when the matcher was not sure). Used by this kind's rows and by
        the members of cluster rows. The source's markers («(…)», «(name cut…)») go."""
        name = clean_name(name)
        found = ctx.find_org(self.model, name, region, inn=inn)
        if found.sure is not None:
            obj = self.model.objects.get(pk=found.sure.pk)
            changes = self.spelling(obj, name)
            if changes:
                obj = self.update(ctx, obj, changes)
                ctx.remember_org(obj)
            return obj, None
        fields = {self.name_field: name[:500], "region": region, **(extra or {})}
        if inn:
            fields["inn"] = inn
        obj = self.create(ctx, fields)
        ctx.remember_org(obj, created=True)
        note = Outcome(RowStatus.NEW, name, new_organisations=[name])
        if found.near:
            match_proposal_record(
                model=self.merge_model,
                record=obj,
                candidates=[
                    (c.pk, c.name, comparison.score, comparison.reason)
                    for c, comparison in found.near
                ],
            )
            note.notes.append(near_note(found))
        return obj, note

    def names_of(self, obj) -> list[str]:
        raise NotImplementedError

    def spelling(self, obj, name: str) -> dict[str, Any]:
        """A new spelling of a record's name: kept among its aliases, and the record shows
        the preferred spelling of all it has (the same whatever order documents came in)."""
        current = getattr(obj, self.name_field)
        known = [current, *(obj.aliases or [])]
        shown = preferred_name([*known, name])
        keys = {parse_name(n).key for n in known}
        if shown == current and parse_name(name).key in keys:
            return {}  # a spelling that tells the matcher nothing new
        by_key: dict[str, str] = {}
        for spelling in [*known, name]:
            key = parse_name(spelling).key
            if key != parse_name(shown).key:
                by_key.setdefault(key, spelling)
        return {self.name_field: shown, "aliases": sorted(by_key.values())}

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = (
            self.region(row, ctx) if self.region_required or row.get("region", "").strip() else None
        )
        name = self.name(row)
        inn = self.text(row, "inn") or None
        ogrn = self.text(row, "ogrn") or None
        fields = self.fields(row, ctx, region)
        if ogrn:
            fields["ogrn"] = ogrn
        found = ctx.find_org(self.model, name, region, inn=inn)
        key = inn or name
        if found.sure is None:
            obj, note = self.find_or_create(ctx, name, region, inn=inn, extra=fields)
            outcome = Outcome(
                RowStatus.NEW,
                key,
                self.diff(None, {self.name_field: name, **fields, **({"inn": inn} if inn else {})}),
            )
            if note is not None:
                outcome.notes += note.notes
                outcome.new_organisations += note.new_organisations
            return outcome
        obj = self.model.objects.get(pk=found.sure.pk)
        if review_needed(ctx.actor, entity=obj):
            return self.wait_for_review(
                row, ctx, key=key, target=obj, cluster=None, region_id=obj.region_id
            )
        changes = {k: v for k, v in fields.items() if v not in (None, "") and getattr(obj, k) != v}
        if inn and obj.inn != inn:
            changes["inn"] = inn
        if inn and found.reason == "тот же ИНН" and name != getattr(obj, self.name_field):
            # The ИНН ties the row to the record: its name is the corrected name.
            changes[self.name_field] = name
            changes["aliases"] = sorted({*(obj.aliases or []), getattr(obj, self.name_field)})
        else:
            changes.update(self.spelling(obj, name))
        if not changes:
            return Outcome(RowStatus.UNCHANGED, key)
        diff = self.diff(obj, {k: v for k, v in changes.items() if k != "aliases"})
        if "aliases" in changes and self.name_field not in changes:
            diff["Другое написание названия"] = ("", name)
        obj = self.update(ctx, obj, changes)
        ctx.remember_org(obj)
        return Outcome(RowStatus.CHANGED, key, diff)


class CollegeKind(OrganisationKind):
    code = ImportKind.COLLEGES
    model = College
    name_field = "full_name"
    merge_model = MergeModel.COLLEGE
    region_required = True
    columns = [
        Col("inn", "ИНН"),
        Col("ogrn", "ОГРН"),
        Col("full_name", "Полное наименование", required=True),
        Col("short_name", "Краткое наименование"),
        Col("region", "Субъект РФ (код или название)", required=True),
        Col("town", "Населённый пункт"),
        Col("website", "Сайт"),
    ]
    example = {
        "full_name": "Пример: Энский политехнический колледж",
        "short_name": "ЭПК",
        "region": "Псковская область",
        "town": "Энск",
    }

    def fields(self, row, ctx, region):
        return {
            "short_name": self.text(row, "short_name", max_length=200),
            "region": region,
            "town": self.text(row, "town", max_length=150),
            "website": self.text(row, "website", max_length=300),
        }

    def names_of(self, obj) -> list[str]:
        return [obj.full_name, obj.short_name, *(obj.aliases or [])]

    def create(self, ctx, fields):
        return cluster_services.college_create(actor=ctx.actor, **fields)

    def update(self, ctx, obj, fields):
        return cluster_services.college_update(actor=ctx.actor, college=obj, **fields)


class EmployerKind(OrganisationKind):
    code = ImportKind.EMPLOYERS
    model = Employer
    name_field = "name"
    merge_model = MergeModel.EMPLOYER
    region_required = False
    columns = [
        Col("inn", "ИНН"),
        Col("ogrn", "ОГРН"),
        Col("name", "Наименование", required=True),
        Col("region", "Субъект РФ (код или название)"),
        Col("industry", "Отрасль"),
        Col("website", "Сайт"),
    ]
    example = {
        "name": "Пример: АО «Энский машиностроительный завод»",
        "region": "60",
        "industry": "Машиностроение",
    }

    def fields(self, row, ctx, region):
        return {
            "region": region,
            "industry": self.industry(row, ctx),
            "website": self.text(row, "website", max_length=300),
        }

    def names_of(self, obj) -> list[str]:
        return [obj.name, *(obj.aliases or [])]

    def create(self, ctx, fields):
        return cluster_services.employer_create(actor=ctx.actor, **fields)

    def update(self, ctx, obj, fields):
        return cluster_services.employer_update(actor=ctx.actor, employer=obj, **fields)


COLLEGES = CollegeKind()
EMPLOYERS = EmployerKind()
