"""Sources pasted as text, the facts proposed from them, and accepting those facts as drafts.

Every record an accepted proposal becomes is written by the registry's write services
(clusters.services, funding.services) with `actor` the accepting user: they check the
actor's rights (a regional editor only in their regions), validate, create clusters
unpublished and schedule the totals. Nothing here writes a registry table directly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from clusters import matching
from clusters import services as cluster_services
from clusters.choices import ClusterKind, CollegeRole, FigureKind
from clusters.models import Cluster, College, Employer, Industry
from common.money import parse_rub
from common.qualifiers import Qualifier
from extraction import language as lang
from extraction.extractor import UNKNOWN, Extraction, Reference, extract
from extraction.models import SourceText
from extraction.scoring import same_name
from funding.choices import FundingSource
from funding.services import funding_line_create
from regions.models import Region

Actor = Any  # a user, or None for the system

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
FIGURE_KINDS = {
    "students": FigureKind.STUDENTS,
    "graduates": FigureKind.GRADUATES,
    "intake": FigureKind.INTAKE,
    "workshops": FigureKind.WORKSHOPS,
    "employers": FigureKind.EMPLOYERS,
    "colleges": FigureKind.MEMBER_COLLEGES,
    "programmes": FigureKind.PROGRAMMES,
    "area": FigureKind.AREA_SQM,
}
QUALIFIERS = set(Qualifier.values)
KIND_SHORT = {
    ClusterKind.PRODUCTION_CENTER: "ОПЦ",
    ClusterKind.EDUCATION_CLUSTER: "Образовательный кластер",
}


def _visible(queryset: QuerySet, actor: Actor) -> QuerySet:
    """Every read starts from the gate; the system (actor None) sees everything."""
    return queryset.all() if actor is None else queryset.visible_to(actor)


def reference_from_db() -> Reference:
    """The regions and industries the registry holds, as the extractor's vocabulary."""
    return Reference(
        regions=tuple(Region.objects.order_by("code").values_list("name", flat=True)),
        industries=tuple(Industry.objects.order_by("slug").values_list("slug", "name")),
    )


# --- matching -------------------------------------------------------------------------------


def _stem_filter(name: str, fields: list[str]) -> Q:
    parts = [w.text for w in lang.words(name) if w.is_word and len(w.text) > 3]
    longest = sorted(parts, key=len, reverse=True)[:2]
    q = Q()
    for word in longest:
        stem = word[: max(4, len(word) - 3)]
        for name_field in fields:
            q |= Q(**{f"{name_field}__icontains": stem})
    return q


def match_colleges(name: str, aliases: list[str], actor: Actor = None) -> list[College]:
    """Existing colleges that are the named one (normalised name, or an abbreviation)."""
    q = _stem_filter(name, ["full_name", "short_name"])
    if aliases:
        q |= Q(short_name__in=aliases)
    if not q:
        return []
    found = []
    for college in _visible(College.objects, actor).filter(q).select_related("region")[:200]:
        names = [college.full_name, college.short_name]
        if any(
            same_name(n, candidate) for n in [name, *aliases] for candidate in names if candidate
        ):
            found.append(college)
    return found


def match_employers(name: str, actor: Actor = None) -> list[Employer]:
    q = _stem_filter(name, ["name"])
    if not q:
        return []
    return [
        employer
        for employer in _visible(Employer.objects, actor).filter(q)[:200]
        if same_name(employer.name, name)
    ]


def match_clusters(colleges: list[College], actor: Actor = None) -> list[Cluster]:
    """Existing clusters whose base college is one of `colleges`."""
    if not colleges:
        return []
    return list(
        _visible(Cluster.objects, actor)
        .filter(
            cluster_colleges__college__in=colleges,
            cluster_colleges__role=CollegeRole.BASE,
        )
        .select_related("region", "industry")
        .distinct()
    )


# --- creating and reading -------------------------------------------------------------------


@transaction.atomic
def source_text_create(
    *,
    actor: Actor,
    text: str,
    title: str,
    publisher: str = "",
    published_on=None,
    url: str = "",
    document_ref: str = "",
) -> SourceText:
    """Store a pasted source and its full text, and propose its facts.

    Writes a `clusters.Source` (through clusters.services.source_create) and its `SourceText`
    with the extractor's proposals; writes no registry fact.
    """
    source = cluster_services.source_create(
        actor=actor,
        title=title,
        publisher=publisher,
        published_on=published_on,
        url=url,
        document_ref=document_ref,
    )
    # A browser sends a textarea's lines as CRLF; spans are kept against the stored text.
    text = text.replace("\r\n", "\n")
    source_text = SourceText.objects.create(source=source, text=text, created_by=actor)
    return source_text_extract(source_text=source_text, actor=actor)


def source_text_extract(*, source_text: SourceText, actor: Actor = None) -> SourceText:
    """(Re)run the extractor on a stored text and keep its proposals with record matches.

    Overwrites `source_text.proposals` (decisions included): use on a new text only.
    """
    extraction = extract(source_text.text, reference_from_db())
    source_text.proposals = proposals_from(extraction, source_text.text, actor)
    source_text.extracted_at = timezone.now()
    source_text.save(update_fields=["proposals", "extracted_at", "updated_at"])
    return source_text


def _sentence_at(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], exactly as written (the cited wording)."""
    for sentence in lang.sentences(text):
        if sentence.start <= start and end <= sentence.end:
            return sentence.text
    return text[start:end]


def match_existing(
    kind: str, name: str, aliases: list[str], actor: Actor = None, region_id: int | None = None
) -> list:
    """The one place that decides whether a found name is an existing record: the colleges or
    employers the named organisation may be.

    The registry's shared matcher (clusters/matching.py: legal forms, quotes, «им./имени»,
    initials, abbreviations, case, ё) decides among the records whose names share a stem with
    it: a sure match is the one answer; otherwise its near matches and the extractor's own
    reading by lemmas (a name the text inflected) are offered for staff to choose.
    """
    model, fields = (
        (College, ["full_name", "short_name"])
        if kind == "college"
        else (
            Employer,
            ["name"],
        )
    )
    q = _stem_filter(name, fields)
    if aliases and kind == "college":
        q |= Q(short_name__in=aliases)
    if not q:
        return []
    rows = {row.pk: row for row in _visible(model.objects, actor).filter(q)[:200]}
    # A college is one subject's; with the subject unstated, any subject's may be meant.
    index = matching.OrgIndex(region_bound=kind == "college" and region_id is not None)
    for row in rows.values():
        names = matching.college_names(row) if kind == "college" else matching.employer_names(row)
        index.add(pk=row.pk, names=names, region_id=row.region_id, inn=row.inn or None)
    written = [name, *(f"{name} ({alias})" for alias in aliases if alias)]
    near: list = []
    for variant in written:
        found = index.find(variant, region_id)
        if found.sure is not None:
            return [rows[found.sure.pk]]
        near += [rows[candidate.pk] for candidate, _comparison in found.near]
    lemmas = (
        match_colleges(name, aliases, actor) if kind == "college" else match_employers(name, actor)
    )
    return list({record.pk: record for record in [*lemmas, *near]}.values())


def _org(org_json: dict, kind: str, actor: Actor, region_id: int | None = None) -> dict:
    matches = match_existing(kind, org_json["name"], org_json["aliases"], actor, region_id)
    if kind == "college":
        label = [{"pk": c.pk, "label": f"{c.full_name} ({c.region})"} for c in matches]
    else:
        label = [{"pk": e.pk, "label": e.name} for e in matches]
    return {
        "name": org_json["name"],
        "aliases": org_json["aliases"],
        "start": org_json["start"],
        "end": org_json["end"],
        "quote": org_json["quote"],
        "mentions": org_json["mentions"],
        "candidates": label,
        "match": label[0]["pk"] if len(label) == 1 else None,
    }


def proposals_from(extraction: Extraction, text: str, actor: Actor = None) -> dict:
    """The stored, reviewable form of an extraction: ids, statuses, matches, cited wording."""
    data = extraction.as_json()
    regions = dict(Region.objects.values_list("name", "pk"))
    clusters = []
    for cluster in data["clusters"]:
        region_id = regions.get(cluster["region"])
        base = _org(cluster["base_college"], "college", actor, region_id)
        existing = match_clusters(
            list(College.objects.filter(pk__in=[c["pk"] for c in base["candidates"]])), actor
        )
        clusters.append(
            {
                "id": cluster["key"],
                "status": PENDING,
                "record": None,
                "base_college": base,
                "network_colleges": [
                    _org(o, "college", actor, region_id) for o in cluster["network_colleges"]
                ],
                "employers": [_org(o, "employer", actor, region_id) for o in cluster["employers"]],
                "region": cluster["region"],
                "region_id": regions.get(cluster["region"]),
                # What the text does not state: left empty on acceptance, shown as such.
                "unstated": [
                    name
                    for name in ("region", "industry", "kind", "year")
                    if cluster[name] in (None, "")
                ],
                "industry": cluster["industry"],
                "kind": cluster["kind"],
                "year": cluster["year"],
                "spans": {
                    name: cluster[f"{name}_span"]
                    for name in ("region", "industry", "kind", "year")
                    if cluster[f"{name}_span"]
                },
                "cluster_candidates": [{"pk": c.pk, "label": c.name} for c in existing],
                "cluster_match": existing[0].pk if len(existing) == 1 else None,
            }
        )
    money = []
    for number, item in enumerate(data["money"], start=1):
        money.append(
            {
                "id": f"m{number}",
                "status": PENDING,
                "record": None,
                **item,
                "wording": _sentence_at(text, item["start"], item["end"]),
            }
        )
    figures = []
    for number, item in enumerate(data["figures"], start=1):
        if item["cluster"] is None:
            continue  # a count about the region or the country, not about a cluster
        figures.append(
            {
                "id": f"f{number}",
                "status": PENDING,
                "record": None,
                **item,
                "wording": _sentence_at(text, item["start"], item["end"]),
            }
        )
    return {
        "clusters": clusters,
        "money": money,
        "figures": figures,
        # Employers the text names for its clusters together: shown, left to staff.
        "unassigned_employers": [o["name"] for o in data.get("unassigned_employers", [])],
        "region": data["region"],
        "region_id": regions.get(data["region"]),
    }


def find_item(proposals: dict, item_id: str) -> tuple[str, dict]:
    for group in ("clusters", "money", "figures"):
        for item in proposals.get(group, []):
            if item["id"] == item_id:
                return group, item
    raise ValidationError(f"Предложение «{item_id}» не найдено.")


# --- decisions ------------------------------------------------------------------------------


def _locked(source_text: SourceText) -> SourceText:
    # Two reviewers deciding on the same text must not overwrite each other's decisions.
    return SourceText.objects.select_for_update().get(pk=source_text.pk)


@transaction.atomic
def proposal_reject(*, actor: Actor, source_text: SourceText, item_id: str) -> None:
    """Mark one proposal rejected. Writes only the SourceText's proposals."""
    locked = _locked(source_text)
    _group, item = find_item(locked.proposals, item_id)
    if item["status"] == ACCEPTED:
        raise ValidationError("Предложение уже принято: удалите созданную запись в реестре.")
    item["status"] = REJECTED
    locked.save(update_fields=["proposals", "updated_at"])
    source_text.proposals = locked.proposals


@transaction.atomic
def proposal_accept(
    *, actor: Actor, source_text: SourceText, item_id: str, edits: dict | None = None
) -> Any:
    """Accept one proposal (with staff edits) as unpublished registry records citing the source.

    A cluster: its base college, network colleges and employers (each an existing record the
    staff matched, or a new one), the cluster itself (created unpublished) and memberships.
    Money: a funding line of its cluster, or for joint money a region-level line (no cluster);
    a total for several sources a reported funding-total figure. A figure: a reported figure.
    All through the write services with `actor`; raises PermissionDenied / ValidationError
    and writes nothing then. Returns the main record written.
    """
    locked = _locked(source_text)
    group, item = find_item(locked.proposals, item_id)
    if item["status"] == ACCEPTED:
        raise ValidationError("Предложение уже принято.")
    edits = edits or {}
    if group == "clusters":
        record = _accept_cluster(actor, locked, item, edits)
    elif group == "money":
        record = _accept_money(actor, locked, item, edits)
    else:
        record = _accept_figure(actor, locked, item, edits)
    item["status"] = ACCEPTED
    item["record"] = f"{record._meta.label_lower}:{record.pk}"
    locked.save(update_fields=["proposals", "updated_at"])
    source_text.proposals = locked.proposals
    return record


def _choice(value: Any, allowed: set[str], field: str, label: str) -> str:
    if value in (None, "", UNKNOWN) or str(value) not in {str(a) for a in allowed}:
        raise ValidationError({field: f"Укажите {label}: текст его не называет."})
    return str(value)


def _optional_choice(value: Any, allowed: set[str], field: str) -> str | None:
    """A choice the text may leave unstated: None then; a value outside `allowed` is refused."""
    if value in (None, "", UNKNOWN):
        return None
    if str(value) not in {str(a) for a in allowed}:
        raise ValidationError({field: "Выберите значение из списка."})
    return str(value)


def _cluster_name(kind: str | None, industry, region, college: College) -> str:
    """«ОПЦ «Машиностроение», Тамбовская область»; what the text leaves unstated is left out
    and the base college names the cluster instead of its industry."""
    label = KIND_SHORT.get(kind, "Кластер") if kind else "Кластер"
    what = f"«{industry.name}»" if industry else f"на базе: {college.full_name}"
    return f"{label} {what}" + (f", {region.name}" if region else "")


def _int_or_none(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise ValidationError({field: "Введите целое число."}) from error


def _college_for(actor: Actor, org: dict, choice: Any, name: str, region: Region | None) -> College:
    if choice not in (None, "", "new"):
        return _visible(College.objects, actor).get(pk=int(choice))
    if region is None:
        raise ValidationError(
            {
                "region": "Текст не называет субъект РФ, а новая образовательная организация "
                "без него не создаётся: выберите её запись в реестре или укажите субъект."
            }
        )
    short_name = next((a for a in org.get("aliases", []) if a), "")
    return cluster_services.college_create(
        actor=actor, full_name=name, short_name=short_name, region=region
    )


def _employer_for(actor: Actor, choice: Any, name: str, region: Region | None) -> Employer:
    if choice not in (None, "", "new"):
        return _visible(Employer.objects, actor).get(pk=int(choice))
    return cluster_services.employer_create(actor=actor, name=name, region=region)


def _unique_slug(base: str) -> str:
    slug, number = base[:110], 1
    while Cluster.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base[:105]}-{number}"
    return slug


def _accept_cluster(actor: Actor, source_text: SourceText, item: dict, edits: dict) -> Cluster:
    source = source_text.source
    # A fact the text does not state (region, industry, kind, year) stays empty unless staff
    # fill it in: the proposal lists it as unstated and the cluster is created without it.
    region_id = _int_or_none(edits.get("region", item["region_id"]), "region")
    region = Region.objects.get(pk=region_id) if region_id is not None else None
    base = item["base_college"]
    base_name = (edits.get("base_college_name") or base["name"]).strip()
    base_choice = edits.get("base_college_match", base["match"])
    cluster_choice = edits.get("cluster_match", item["cluster_match"])

    if cluster_choice not in (None, "", "new"):
        # "This one": the cluster exists; the source is cited and missing members added.
        cluster = _visible(Cluster.objects, actor).get(pk=int(cluster_choice))
        cluster_services.cluster_update(
            actor=actor, cluster=cluster, sources=[*cluster.sources.all(), source]
        )
        region = region or cluster.region
    else:
        industry_slug = edits.get("industry", item["industry"])
        industry = Industry.objects.get(slug=industry_slug) if industry_slug else None
        kind = _optional_choice(edits.get("kind", item["kind"]), set(ClusterKind.values), "kind")
        year = _int_or_none(edits.get("year", item["year"]), "year")
        college = _college_for(actor, base, base_choice, base_name, region)
        # The text names no subject, but staff confirmed the base's record in the registry:
        # the cluster is where its base college is (a recorded fact, not a guess).
        region = region or college.region
        cluster = cluster_services.cluster_create(
            actor=actor,
            name=_cluster_name(kind, industry, region, college),
            slug=_unique_slug(
                f"{industry.slug if industry else 'cluster'}-{region.slug if region else 'region'}"
            ),
            kind=kind or "",
            industry=industry,
            region=region,
            selection_year=year,
            sources=[source],
        )
        cluster_services.cluster_college_add(
            actor=actor, cluster=cluster, college=college, role=CollegeRole.BASE
        )
    members = set(cluster.cluster_colleges.values_list("college_id", flat=True))
    for index, org in enumerate(item["network_colleges"]):
        if not edits.get(f"network_{index}_include", True):
            continue
        name = (edits.get(f"network_{index}_name") or org["name"]).strip()
        college = _college_for(
            actor, org, edits.get(f"network_{index}_match", org["match"]), name, region
        )
        if college.pk not in members:
            cluster_services.cluster_college_add(
                actor=actor, cluster=cluster, college=college, role=CollegeRole.NETWORK
            )
            members.add(college.pk)
    partners = set(cluster.cluster_employers.values_list("employer_id", flat=True))
    for index, org in enumerate(item["employers"]):
        if not edits.get(f"employer_{index}_include", True):
            continue
        name = (edits.get(f"employer_{index}_name") or org["name"]).strip()
        employer = _employer_for(
            actor, edits.get(f"employer_{index}_match", org["match"]), name, region
        )
        if employer.pk not in partners:
            cluster_services.cluster_employer_add(
                actor=actor, cluster=cluster, employer=employer, note=org["quote"]
            )
            partners.add(employer.pk)
    return cluster


def _accepted_cluster(source_text: SourceText, key: str, actor: Actor) -> Cluster:
    _group, cluster_item = find_item(source_text.proposals, key)
    if cluster_item["status"] != ACCEPTED or not cluster_item["record"]:
        raise ValidationError(
            "Сначала примите кластер, к которому относится это предложение "
            f"(«{cluster_item['base_college']['name']}»)."
        )
    return _visible(Cluster.objects, actor).get(pk=int(cluster_item["record"].split(":")[1]))


def _amount(value: Any) -> Decimal:
    """A proposal's sum as the member edited it, read as the admin reads it (parse_rub)."""
    try:
        amount = parse_rub(value)
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from None
    if amount is None:
        raise ValidationError({"amount": "Введите сумму в рублях."})
    return amount


def _accept_money(actor: Actor, source_text: SourceText, item: dict, edits: dict):
    source = source_text.source
    amount = _amount(edits.get("amount", item["amount"]))
    qualifier = _choice(
        edits.get("qualifier", item["qualifier"]), QUALIFIERS, "qualifier", "точность"
    )
    keys = edits.get("clusters", item["clusters"])
    if isinstance(keys, str):
        keys = [k for k in keys.split(",") if k]
    is_total = bool(edits.get("is_total", item["is_total"]))
    wording = item["wording"]
    if is_total:
        if len(keys) != 1:
            raise ValidationError(
                "Общая сумма для нескольких кластеров сразу не записывается показателем "
                "одного кластера; отклоните её или выберите один кластер."
            )
        return cluster_services.figure_create(
            actor=actor,
            cluster=_accepted_cluster(source_text, keys[0], actor),
            kind=FigureKind.FUNDING_TOTAL_RUB,
            value=amount,
            qualifier=qualifier,
            as_of=source.published_on,
            source=source,
            exact_wording=wording,
        )
    if edits.get("source", item["source"]) in (None, "", UNKNOWN) and len(keys) == 1:
        # The text names no budget for this sum: it is the cluster's reported funding, not a
        # line of a budget nobody stated (the figure keeps the exact wording).
        return cluster_services.figure_create(
            actor=actor,
            cluster=_accepted_cluster(source_text, keys[0], actor),
            kind=FigureKind.FUNDING_TOTAL_RUB,
            value=amount,
            qualifier=qualifier,
            as_of=source.published_on,
            source=source,
            exact_wording=wording,
        )
    funding_source = _choice(
        edits.get("source", item["source"]), set(FundingSource.values), "source", "источник средств"
    )
    fiscal_year = _int_or_none(edits.get("fiscal_year", item["fiscal_year"]), "fiscal_year")
    if len(keys) == 1:
        cluster = _accepted_cluster(source_text, keys[0], actor)
        region, note = cluster.region, ""
    elif keys:
        # Money the text gives jointly: one region-level line, never split between clusters.
        clusters = [find_item(source_text.proposals, key)[1] for key in keys]
        region_ids = {c.get("region_id") for c in clusters} - {None}
        if len(region_ids) != 1:
            raise ValidationError({"region": "Совместные средства кластеров разных субъектов."})
        cluster, region = None, Region.objects.get(pk=region_ids.pop())
        note = "Совместно для кластеров: " + "; ".join(c["base_college"]["name"] for c in clusters)
    else:
        region_id = _int_or_none(
            edits.get("region", source_text.proposals.get("region_id")), "region"
        )
        if region_id is None:
            raise ValidationError({"region": "Укажите субъект РФ."})
        cluster, region, note = None, Region.objects.get(pk=region_id), ""
    return funding_line_create(
        actor=actor,
        cluster=cluster,
        region=region,
        fiscal_year=fiscal_year,
        funding_source=funding_source,
        amount_rub=amount,
        qualifier=qualifier,
        source=source,
        exact_wording=wording,
        note=note,
    )


def _accept_figure(actor: Actor, source_text: SourceText, item: dict, edits: dict):
    kind = _choice(edits.get("kind", item["kind"]), set(FIGURE_KINDS), "kind", "показатель")
    qualifier = _choice(
        edits.get("qualifier", item["qualifier"]), QUALIFIERS, "qualifier", "точность"
    )
    value = _amount(edits.get("value", item["value"]))
    return cluster_services.figure_create(
        actor=actor,
        cluster=_accepted_cluster(source_text, edits.get("cluster", item["cluster"]), actor),
        kind=FIGURE_KINDS[kind],
        value=value,
        qualifier=qualifier,
        as_of=source_text.source.published_on,
        source=source_text.source,
        exact_wording=item["wording"],
    )


def highlight_segments(text: str, proposals: dict) -> list[dict]:
    """The text cut into plain and highlighted pieces, one mark per proposed fact's span."""
    spans: list[tuple[int, int, str, str]] = []
    for cluster in proposals.get("clusters", []):
        base = cluster["base_college"]
        for start, end in base["mentions"]:
            spans.append((start, end, "college", cluster["id"]))
        for org in cluster["network_colleges"]:
            spans.append((org["start"], org["end"], "network", cluster["id"]))
        for org in cluster["employers"]:
            spans.append((org["start"], org["end"], "employer", cluster["id"]))
        for name, span in cluster["spans"].items():
            spans.append((span["start"], span["end"], name, cluster["id"]))
    for group, css in (("money", "money"), ("figures", "figure")):
        for item in proposals.get(group, []):
            spans.append((item["start"], item["end"], css, item["id"]))
    spans.sort(key=lambda s: (s[0], -s[1]))
    segments, position = [], 0
    for start, end, css, item_id in spans:
        if start < position:
            continue  # overlapping marks: the first one stays
        if start > position:
            segments.append({"text": text[position:start]})
        segments.append({"text": text[start:end], "css": css, "item": item_id})
        position = end
    if position < len(text):
        segments.append({"text": text[position:]})
    return segments
