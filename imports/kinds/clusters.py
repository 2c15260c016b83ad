"""Clusters with their members: one row is what one document (its sources) says of a cluster.

The row finds its cluster by slug, else by its base college (the shared matcher) in the
subject, else by name in the subject — among the clusters its user may see. What the row
states is merged by clusters/facts.py: blanks never erase, a repeated fact gains the row's
source, a disagreement becomes a conflict for staff. Lists of members are read by the
matcher too: «12 учреждений СПО», «+5 more» become a reported figure, never organisations.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.text import capfirst, slugify

from clusters import services as cluster_services
from clusters.choices import ClusterKind, ClusterStatus, CollegeRole, FactKind, FigureKind
from clusters.facts import (
    MERGED_FIELDS,
    FactOutcome,
    Statement,
    cluster_college_state,
    cluster_employer_state,
    cluster_facts_state,
    figure_state,
)
from clusters.matching import ListReading, placeholder, read_list
from clusters.models import Citation, Cluster, College
from clusters.review import review_needed
from common.qualifiers import Qualifier
from imports.choices import ImportKind, RowStatus
from imports.kinds.base import Context, Kind, Outcome, RowError, normalise, split_list
from imports.kinds.organisations import COLLEGES, EMPLOYERS
from imports.reading import Col
from regions.models import Region

# Words a row may use in «Только подразумевается» for the facts it does not state outright.
IMPLIED_WORDS = {
    **{str(label).lower(): code for code, label in FactKind.choices},
    **{code: code for code in FactKind.values},
    "базовая организация": "base_college",
    "base_college": "base_college",
    "сетевые организации": "network_colleges",
    "network_colleges": "network_colleges",
    "работодатели": "employers",
    "employers": "employers",
}


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
        Col("region", "Субъект РФ (код или название)", required=True),
        Col("selection_year", "Год отбора"),
        Col("launch_year", "Год первого набора"),
        Col("status", "Статус"),
        Col("base_college", "Базовая организация"),
        Col("base_college_inn", "ИНН базовой организации"),
        Col("base_college_town", "Населённый пункт базовой организации"),
        Col("network_colleges", "Сетевые организации (через точку с запятой)"),
        Col("employers", "Работодатели (через точку с запятой)"),
        Col("sources", "Источники (ссылки через точку с запятой)"),
        Col("quote", "Цитата источника"),
        Col("implied", "Только подразумевается (через точку с запятой)"),
        Col("is_published", "Опубликован (да/нет)"),
        Col("description", "Описание"),
        Col("website", "Сайт"),
    ]
    example = {
        "name": "Пример: кластер машиностроения Энского политехнического колледжа",
        "kind": "образовательно-производственный центр (кластер)",
        "industry": "Машиностроение",
        "region": "Псковская область",
        "selection_year": "2024",
        "launch_year": "2025",
        "status": "отобран",
        "base_college": "Энский политехнический колледж",
        "network_colleges": "Энский технологический техникум; Энский колледж сервиса",
        "employers": "АО «Энский машиностроительный завод»",
        "sources": "https://example.org/novosti/klaster",
        "quote": "Кластер создан на базе Энского политехнического колледжа…",
        "implied": "отрасль",
        "is_published": "нет",
    }

    # --- reading ---------------------------------------------------------------------------

    def implied(self, row: dict) -> frozenset[str]:
        found = set()
        for word in split_list(row.get("implied", "")):
            code = IMPLIED_WORDS.get(word.lower().replace("ё", "е"))
            if code is None:
                allowed = "отрасль, тип, год отбора, год первого набора, название, базовая "
                raise RowError(
                    "implied",
                    f"«{word}» — не факт кластера; допустимы: {allowed}"
                    "организация, сетевые организации, работодатели.",
                )
            found.add(code)
        return frozenset(found)

    def values(self, row: dict, ctx: Context, region: Region) -> dict[str, Any]:
        """What the row states of the cluster's fields (blanks: not stated)."""
        return {
            FactKind.NAME: self.text(row, "name", required=True, max_length=300),
            FactKind.KIND: self.choice(row, "kind", ClusterKind),
            FactKind.INDUSTRY: self.industry(row, ctx),
            FactKind.SELECTION_YEAR: self.integer(row, "selection_year"),
            FactKind.LAUNCH_YEAR: self.integer(row, "launch_year"),
            FactKind.STATUS: self.choice(row, "status", ClusterStatus),
            FactKind.DESCRIPTION: self.text(row, "description"),
            FactKind.WEBSITE: self.text(row, "website", max_length=300),
        }

    def file_key(self, row: dict, ctx: Context) -> tuple | None:
        sources = tuple(sorted(split_list(row.get("sources", ""))))
        slug = " ".join(row.get("slug", "").split())
        if slug:
            return ("slug", slug, sources)
        region = self.region_code(row, ctx)
        base = row.get("base_college", "").strip() or row.get("base_college_inn", "").strip()
        if base:
            return ("base", region, self.org_key(base), sources)
        return ("name", region, normalise(row.get("name", "")), sources)

    # --- finding the cluster ----------------------------------------------------------------

    def find(
        self,
        row,
        ctx: Context,
        region,
        industry,
        base: College | None,
        name: str,
        industry_implied: bool,
    ):
        slug = self.text(row, "slug")
        if slug:
            found = ctx.clusters().filter(slug=slug).first()
            if found is not None:
                return found
        if base is not None:
            candidates = list(
                ctx.clusters()
                .filter(
                    region=region,
                    cluster_colleges__college=base,
                    cluster_colleges__role=CollegeRole.BASE,
                )
                .order_by("pk")
            )
            for cluster in candidates:
                if self._same_industry(cluster, industry, industry_implied):
                    return cluster
        return ctx.find_cluster_by_name(name, region.pk)

    def _same_industry(self, cluster: Cluster, industry, industry_implied: bool) -> bool:
        """One base college, one cluster — unless both the row and the registry state two
        different industries (a college can be the base of two clusters of two industries)."""
        if industry is None or industry_implied or cluster.industry_id in (None, industry.pk):
            return True
        # The registry's industry rests only on documents that imply it: the row's stated one
        # is the same cluster's (and replaces it). Stated, or entered by staff: two clusters.
        support = Citation.objects.filter(
            cluster=cluster, fact=FactKind.INDUSTRY, value=cluster.industry.slug
        )
        return support.exists() and not support.filter(is_implied=False).exists()

    # --- writing ----------------------------------------------------------------------------

    def process(self, row: dict, ctx: Context) -> Outcome:
        region = self.region(row, ctx)
        values = self.values(row, ctx, region)
        implied = self.implied(row)
        publish = self.flag(row, "is_published")
        sources = self.sources(row, ctx)
        quote = self.text(row, "quote")
        statements = [Statement(source, quote) for source in sources]
        base_name = self.text(row, "base_college", max_length=500)
        base_inn = self.text(row, "base_college_inn") or None
        if base_name and placeholder(base_name) is not None:
            raise RowError(
                "base_college",
                f"«{base_name}» не называет организацию: оставьте ячейку пустой (кластер "
                "останется черновиком) или внесите полное название.",
            )
        base = None
        if base_name or base_inn:
            found = ctx.find_org(College, base_name, region, inn=base_inn)
            base = College.objects.get(pk=found.sure.pk) if found.sure else None
        industry = values[FactKind.INDUSTRY]
        cluster = self.find(
            row, ctx, region, industry, base, values[FactKind.NAME], FactKind.INDUSTRY in implied
        )
        if cluster is not None and review_needed(ctx.actor, cluster=cluster):
            return self.wait_for_review(
                row,
                ctx,
                key=cluster.slug,
                target=cluster,
                cluster=cluster,
                region_id=cluster.region_id,
            )
        outcome = self._cluster(row, ctx, cluster, region, values, statements, implied)
        cluster = outcome.pop("cluster")
        result: Outcome = outcome.pop("outcome")

        # Members: the base college, network colleges, employers.
        if base_name or base_inn:
            # Found or new, through the one path that also keeps the name's spelling.
            college, note = COLLEGES.find_or_create(
                ctx,
                base_name,
                region,
                inn=base_inn,
                extra={"town": self.text(row, "base_college_town", max_length=150)},
            )
            self._note(result, note)
            current = cluster.cluster_colleges.filter(role=CollegeRole.BASE).first()
            if not statements and current is not None and current.college_id != college.pk:
                raise RowError("base_college", "у кластера уже другая базовая организация.")
            self._member(
                ctx,
                result,
                statements,
                "base_college" in implied,
                lambda st: cluster_college_state(
                    actor=ctx.actor,
                    cluster=cluster,
                    college=college,
                    role=CollegeRole.BASE,
                    statement=st,
                ),
                lambda: cluster_services.cluster_college_add(
                    actor=ctx.actor, cluster=cluster, college=college, role=CollegeRole.BASE
                ),
                exists=current is not None,
            )
        network = read_list(split_list(row.get("network_colleges", "")))
        for name in network.names:
            college, note = COLLEGES.find_or_create(ctx, name, region)
            self._note(result, note)
            self._member(
                ctx,
                result,
                statements,
                "network_colleges" in implied,
                lambda st, college=college: cluster_college_state(
                    actor=ctx.actor,
                    cluster=cluster,
                    college=college,
                    role=CollegeRole.NETWORK,
                    statement=st,
                ),
                lambda college=college: cluster_services.cluster_college_add(
                    actor=ctx.actor, cluster=cluster, college=college, role=CollegeRole.NETWORK
                ),
                exists=cluster.cluster_colleges.filter(college=college).exists(),
            )
        employers = read_list(split_list(row.get("employers", "")))
        for name in employers.names:
            employer, note = EMPLOYERS.find_or_create(ctx, name, region)
            self._note(result, note)
            self._member(
                ctx,
                result,
                statements,
                "employers" in implied,
                lambda st, employer=employer: cluster_employer_state(
                    actor=ctx.actor, cluster=cluster, employer=employer, statement=st
                ),
                lambda employer=employer: cluster_services.cluster_employer_add(
                    actor=ctx.actor, cluster=cluster, employer=employer
                ),
                exists=cluster.cluster_employers.filter(employer=employer).exists(),
            )
        self._counted(
            ctx,
            result,
            cluster,
            statements,
            network,
            FigureKind.NETWORK_COLLEGES,
            "сетевых организаций",
            row.get("network_colleges", ""),
        )
        self._counted(
            ctx,
            result,
            cluster,
            statements,
            employers,
            FigureKind.EMPLOYERS,
            "работодателей",
            row.get("employers", ""),
        )

        # The row's sources are the cluster's sources.
        cited = set(cluster.sources.values_list("pk", flat=True))
        new_sources = [s for s in sources if s.pk not in cited]
        if new_sources:
            cluster = cluster_services.cluster_update(
                actor=ctx.actor, cluster=cluster, sources=[*cited, *(s.pk for s in new_sources)]
            )
            result.diff["Источник"] = ("", "; ".join(s.url or s.title for s in new_sources))
        self._publication(ctx, cluster, publish, result)
        return result.settle()

    def _cluster(self, row, ctx, cluster, region, values, statements, implied) -> dict:
        """Create the cluster, or merge what the row states into it."""
        stated = {k: v for k, v in values.items() if v not in (None, "")}
        if cluster is None:
            fields = dict(stated)
            fields.setdefault(FactKind.STATUS, ClusterStatus.SELECTED)
            if FactKind.KIND not in fields:
                fields[FactKind.KIND] = ""  # not stated: «тип не указан»
            industry = stated.get(FactKind.INDUSTRY)
            fields["slug"] = self.text(row, "slug") or _unique_slug(
                f"{region.slug}-{industry.slug if industry else 'cluster'}"
            )
            cluster = cluster_services.cluster_create(actor=ctx.actor, region=region, **fields)
            ctx.remember_cluster(cluster)
            outcome = Outcome(RowStatus.NEW, cluster.slug, self.diff(None, fields))
        else:
            outcome = Outcome(RowStatus.UNCHANGED, cluster.slug)
        if statements:
            for statement in statements:
                facts = cluster_facts_state(
                    actor=ctx.actor,
                    cluster=cluster,
                    values=stated,
                    statement=statement,
                    implied=frozenset(implied) & set(MERGED_FIELDS),
                )
                if outcome.status == RowStatus.NEW:
                    facts.changed.clear()
                    facts.cited.clear()
                outcome.take(facts)
        elif outcome.status != RowStatus.NEW:
            outcome.take(self._unsourced(ctx, cluster, stated))
        ctx.remember_cluster(cluster)
        return {"cluster": cluster, "outcome": outcome}

    def _unsourced(self, ctx, cluster: Cluster, stated: dict[str, Any]) -> FactOutcome:
        """A row with no source: it fills what is empty and changes what no source states;
        a fact a source states is not changed by a file that cites none."""
        facts = FactOutcome()
        changes = {}
        for fact, value in stated.items():
            current = getattr(cluster, fact)
            if current in (None, "") or current == value:
                if current in (None, ""):
                    changes[fact] = value
                continue
            shown_current = str(current)
            if cluster.citations.filter(fact=fact).exists():
                raise RowError(
                    fact,
                    f"в реестре «{shown_current}» по данным источника; укажите источник нового "
                    "значения в столбце «Источники» или исправьте его в карточке кластера.",
                )
            changes[fact] = value
        if changes:
            old = {k: getattr(cluster, k) for k in changes}
            cluster_services.cluster_update(actor=ctx.actor, cluster=cluster, **changes)
            for fact in changes:
                label = capfirst(str(FactKind(fact).label))
                facts.changed[label] = (str(old[fact] or "—"), str(changes[fact]))
        return facts

    def _member(self, ctx, result: Outcome, statements, implied: bool, merge, add, *, exists):
        if statements:
            for statement in statements:
                st = Statement(statement.source, statement.quote, implied)
                result.take(merge(st))
        elif not exists:
            add()
            result.diff.setdefault("Добавлено", ("", ""))

    def _note(self, result: Outcome, note: Outcome | None) -> None:
        if note is not None:
            result.notes += note.notes
            result.new_organisations += note.new_organisations
            result.diff.setdefault("Новая организация", ("", ""))
            names = result.diff["Новая организация"][1]
            result.diff["Новая организация"] = (
                "",
                f"{names}; {note.key}" if names else note.key,
            )

    def _counted(self, ctx, result, cluster, statements, reading: ListReading, kind, what, cell):
        """A list that counts more members than it names is also a figure: «сетевых
        организаций: 12», «работодателей: не менее 6»."""
        if not reading.extra:
            return
        if not statements:
            result.notes.append(
                f"«{cell}»: {what} больше, чем названо, но без источника число не записано"
            )
            return
        qualifier = Qualifier.AT_LEAST if reading.is_lower_bound else Qualifier.EXACT
        for statement in statements:
            _figure, _status, facts = figure_state(
                actor=ctx.actor,
                cluster=cluster,
                kind=kind,
                value=reading.total,
                qualifier=qualifier,
                statement=Statement(statement.source, re.sub(r"\s+", " ", cell)[:1000]),
                note="Число по списку источника: названы не все.",
            )
            result.take(facts)

    def _publication(self, ctx, cluster: Cluster, publish: bool | None, result: Outcome) -> None:
        if publish is True and not cluster.is_published:
            problems = cluster_services.cluster_publication_problems(cluster)
            if problems:
                raise RowError("is_published", "опубликовать нельзя: " + " ".join(problems))
        was = "да" if cluster.is_published else "нет"
        if cluster_services.cluster_publication_set(
            actor=ctx.actor, cluster=cluster, publish=publish
        ):
            result.diff["Опубликован"] = (was, "да" if cluster.is_published else "нет")


CLUSTERS = ClusterKindSpec()
