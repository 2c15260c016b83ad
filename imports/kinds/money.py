"""Funding lines and reported figures: facts with a number, each from one source.

A money row is merged by funding/services/facts.py — the same grant reported by two
documents is one line citing both; a second tranche is a line of its own only when the row
says so; another sum for the same grant is a conflict for staff. A figure row is merged by
clusters/facts.py (the same figure again gains a citation).
"""

from __future__ import annotations

from clusters.choices import FigureKind
from clusters.facts import Statement, figure_state
from clusters.models import ReportedFigure
from clusters.review import review_needed
from common.qualifiers import Qualifier
from funding.choices import FundingSource
from funding.models import FundingLine
from funding.services import funding_line_state
from imports.choices import ImportKind, RowStatus
from imports.kinds.base import Context, Kind, Outcome, RowError, normalise
from imports.reading import Col

LINE_STATUS = {
    "new": RowStatus.NEW,
    "changed": RowStatus.CHANGED,
    "cited": RowStatus.CHANGED,
    "unchanged": RowStatus.UNCHANGED,
    "conflict": RowStatus.CONFLICT,
}


class FundingKind(Kind):
    code = ImportKind.FUNDING
    model = FundingLine
    columns = [
        Col("cluster", "Кластер (slug или название. Пусто — совокупно по субъекту)"),
        Col("region", "Субъект РФ (код или название)", required=True),
        Col("fiscal_year", "Финансовый год"),
        Col("funding_source", "Источник средств", required=True),
        Col("amount_rub", "Сумма, ₽", required=True),
        Col("qualifier", "Точность"),
        Col("source", "Источник (ссылка или заголовок)", required=True),
        Col("exact_wording", "Формулировка источника"),
        Col("note", "Примечание"),
        Col("base_college", "Базовая организация кластера"),
        Col("tranche", "Отдельный транш (да/нет)"),
        Col("implied", "Только подразумевается (да/нет)"),
    ]
    example = {
        "cluster": "Пример: кластер машиностроения Энского политехнического колледжа",
        "region": "60",
        "fiscal_year": "2024",
        "funding_source": "федеральный бюджет",
        "amount_rub": "100 000 000",
        "qualifier": "точно",
        "source": "https://example.org/novosti/klaster",
        "exact_wording": "колледж получит грант 100 млн рублей",
    }

    def file_key(self, row: dict, ctx: Context) -> tuple | None:
        return (
            normalise(row.get("cluster", "")) or self.org_key(row.get("base_college", "")),
            self.region_code(row, ctx),
            row.get("fiscal_year", "").strip(),
            row.get("funding_source", "").strip().lower(),
            " ".join(row.get("source", "").split()),
            row.get("tranche", "").strip().lower(),
            row.get("amount_rub", "").strip() if row.get("tranche", "").strip() else "",
        )

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx)
        cluster = self.cluster_ref(row, ctx, region)
        if cluster is not None and cluster.region_id != region.pk:
            raise RowError("region", f"кластер «{cluster}» находится в другом субъекте.")
        year = self.integer(row, "fiscal_year")
        budget = self.choice(row, "funding_source", FundingSource)
        if not budget:
            raise RowError("funding_source", "обязательное поле не заполнено.")
        source = self.source(row, ctx)
        amount = self.decimal(row, "amount_rub", required=True)
        public = (
            review_needed(ctx.actor, cluster=cluster)
            if cluster
            else review_needed(ctx.actor, region_level=True)
        )
        if public:
            where = cluster.slug if cluster else f"{region.code} (совокупно)"
            return self.wait_for_review(
                row,
                ctx,
                key=f"{where} · {year or 'год не указан'} · {budget}",
                target=cluster or region,
                cluster=cluster,
                region_id=region.pk,
            )
        qualifier = self.choice(row, "qualifier", Qualifier, default=Qualifier.EXACT)
        statement = Statement(
            source, self.text(row, "exact_wording"), bool(self.flag(row, "implied"))
        )
        line, status, facts = funding_line_state(
            actor=ctx.actor,
            cluster=cluster,
            region=region,
            funding_source=budget,
            amount_rub=amount,
            qualifier=qualifier,
            fiscal_year=year,
            statement=statement,
            note=self.text(row, "note"),
            is_tranche=bool(self.flag(row, "tranche")),
        )
        where = cluster.slug if cluster else f"{region.code} (совокупно)"
        outcome = Outcome(
            LINE_STATUS[status], f"{where} · {year or 'год не указан'} · {budget}"
        ).take(facts)
        return outcome.settle()


class FigureKindSpec(Kind):
    code = ImportKind.FIGURES
    model = ReportedFigure
    columns = [
        Col("cluster", "Кластер (slug или название)"),
        Col("region", "Субъект РФ (код или название)", required=True),
        Col("kind", "Показатель", required=True),
        Col("value", "Значение", required=True),
        Col("qualifier", "Точность"),
        Col("as_of", "По состоянию на"),
        Col("source", "Источник (ссылка или заголовок)", required=True),
        Col("exact_wording", "Формулировка источника"),
        Col("note", "Примечание"),
        Col("base_college", "Базовая организация кластера"),
    ]
    example = {
        "cluster": "Пример: кластер машиностроения Энского политехнического колледжа",
        "region": "60",
        "kind": "студенты",
        "value": "1200",
        "qualifier": "не менее",
        "as_of": "01.09.2025",
        "source": "https://example.org/novosti/klaster",
        "exact_wording": "в кластере учатся более 1200 студентов",
    }

    def file_key(self, row: dict, ctx: Context) -> tuple | None:
        return (
            normalise(row.get("cluster", "")) or self.org_key(row.get("base_college", "")),
            self.region_code(row, ctx),
            row.get("kind", "").strip().lower(),
            " ".join(row.get("source", "").split()),
        )

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx)
        cluster = self.cluster_ref(row, ctx, region)
        if cluster is None:
            raise RowError("cluster", "укажите кластер (или его базовую организацию).")
        kind = self.choice(row, "kind", FigureKind)
        if not kind:
            raise RowError("kind", "обязательное поле не заполнено.")
        source = self.source(row, ctx)
        value = self.decimal(row, "value", required=True)
        if review_needed(ctx.actor, cluster=cluster):
            return self.wait_for_review(
                row,
                ctx,
                key=f"{cluster.slug} · {FigureKind(kind).label}",
                target=cluster,
                cluster=cluster,
                region_id=cluster.region_id,
            )
        qualifier = self.choice(row, "qualifier", Qualifier, default=Qualifier.EXACT)
        _figure, status, facts = figure_state(
            actor=ctx.actor,
            cluster=cluster,
            kind=kind,
            value=value,
            qualifier=qualifier,
            as_of=self.day(row, "as_of"),
            statement=Statement(source, self.text(row, "exact_wording")),
            note=self.text(row, "note"),
        )
        outcome = Outcome(LINE_STATUS[status], f"{cluster.slug} · {FigureKind(kind).label}")
        if status != "new":
            outcome.take(facts)
        return outcome.settle()
