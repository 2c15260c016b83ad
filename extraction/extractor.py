"""Read a Russian press release and propose the registry facts it states, each with its words.

Pure and offline: `extract(text, reference)` needs no database. Five stages, each a function
that can be tested alone:

1. sentences (`language.read`): words, sentences, paragraphs and quotations;
2. mentions (`find_mentions`): organisations (`organisations`: names as a grammar of heads,
   adjectives, genitive dependents, «имени», quotes, legal forms and coordinated names; natasha's
   NER for employers' names), regions, industries, kinds, years (`places`), sums of money
   (`common.moneywords`);
3. entities (`find_entities`): base colleges — one cluster each — network colleges and
   employers, by the words of their sentence (`roles`);
4. attribution (`attribute`): each cluster's region, industry, kind and year from the words near
   its base; each sum's budget and cluster across sentences; figures and their scope
   (`attribution`);
5. proposals: an `Extraction`.

Whatever the text does not say stays None / `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from common.moneywords import MoneyMention, find_money
from extraction import language as lang
from extraction import places, roles
from extraction.attribution import (
    UNKNOWN,
    attribute_money,
    find_figures,
    implied_parts,
    several_clusters,
)
from extraction.language import Doc
from extraction.organisations import find_organisations, ner_organisations
from extraction.places import Hit
from extraction.proposals import ClusterProposal, Extraction, Org, Span
from extraction.reference import Reference

__all__ = ["UNKNOWN", "Extraction", "Mentions", "Reference", "extract"]


@dataclass
class Mentions:
    """Everything the text names, before any role or attribution (stage 2)."""

    organisations: list[Org]
    regions: list[Hit]
    industries: list[Hit]
    kinds: list[Hit]
    money: list[MoneyMention]
    # natasha's named entities: (start, end, "ORG" | "LOC" | "PER")
    entities: list[tuple[int, int, str]]
    # Employers named for the text's clusters together (filled by the entities stage).
    unassigned_employers: list[Org] = field(default_factory=list)

    @property
    def colleges(self) -> list[Org]:
        return [o for o in self.organisations if o.kind == "college"]

    @property
    def employers(self) -> list[Org]:
        return [o for o in self.organisations if o.kind == "employer"]


def find_mentions(doc: Doc, reference: Reference) -> Mentions:
    orgs = find_organisations(doc.text, doc.words)
    org_spans = [span for o in orgs for span in o.mentions]
    money = find_money(doc.text)
    money = sorted(money + implied_parts(doc.text, money), key=lambda m: m.start)
    return Mentions(
        organisations=orgs,
        regions=places.find_regions(doc.text, doc.words, reference),
        industries=places.find_industries(doc.text, reference, org_spans, doc.quotes),
        kinds=places.find_kinds(doc.text),
        money=money,
        entities=ner_organisations(doc.text),
    )


def find_entities(doc: Doc, mentions: Mentions, reference: Reference) -> list[ClusterProposal]:
    """Clusters (by base college) with their network colleges and employers (stage 3)."""
    talk = roles.has_cluster_talk(doc.text, mentions.kinds)
    joined: list[tuple[Org, Org]] = []
    bases = roles.find_bases(doc, mentions.colleges, mentions.industries, talk, joined)
    clusters = [
        ClusterProposal(key=f"c{number}", base_college=college)
        for number, (college, _position) in enumerate(bases, start=1)
    ]
    # Industries are needed to route a network college tagged «(Энергетика)» to its cluster.
    for cluster, (_college, position) in zip(clusters, bases, strict=True):
        _place_cluster(
            doc,
            mentions,
            cluster,
            position,
            [p for _c, p in bases],
            [c for c, _p in bases],
            single=len(bases) == 1,
        )
    if len(clusters) > 1:
        _shared_industry(doc, mentions, clusters, bases)
    for base, member in joined:
        cluster = next((c for c in clusters if c.base_college is base), None)
        if cluster is not None and member not in cluster.network_colleges:
            cluster.network_colleges.append(member)
    roles.assign_network(doc, mentions.colleges, clusters, reference)
    employers = roles.find_employers(
        doc, mentions.employers, mentions.colleges, clusters, mentions.entities
    )
    mentions.unassigned_employers = roles.assign_employers(doc, employers, clusters)
    return clusters


def _place_cluster(
    doc: Doc,
    mentions: Mentions,
    cluster: ClusterProposal,
    position: int,
    base_positions: list[int],
    all_bases: list[Org],
    single: bool,
) -> None:
    """Region, industry, kind and selection year of one cluster from the words near its base."""
    text, sents = doc.text, doc.sentences
    si = doc.sentence_of(position)
    window = [k for k in (si, si + 1, si - 1, si + 2) if 0 <= k < len(sents)]
    # Region: a subject named in the base's sentence, else the text's dominant subject.
    local = [h for h in mentions.regions if sents[si].start <= h.start < sents[si].end]
    strong_local = [h for h in local if h.strong]
    pool = strong_local or local
    dominant = places.dominant(mentions.regions)
    hit = pool[0] if pool and len({h.value for h in pool}) == 1 else None
    if hit is None or (not hit.strong and dominant is not None and dominant.strong):
        hit = dominant
    if hit:
        cluster.region = hit.value
        cluster.region_span = Span(hit.start, hit.end, text[hit.start : hit.end])
    # Industry: on the base's line of a list, else the closest industry word in its sentence,
    # else in the neighbouring ones (not those naming another base).
    other_bases = [p for p in base_positions if p != position]
    # Every mention of another base, not only the one that made it a base: a sentence that
    # comes back to another cluster («Кластер машиностроения на базе электромеханического
    # техникума …») names that cluster's industry, not this one's.
    other_mentions = other_bases + [
        s for other in all_bases if other is not cluster.base_college for s, _e in other.mentions
    ]
    line = doc.line_of(position)
    in_line = [
        h
        for h in mentions.industries
        if line[0] <= h.start < line[1] and (h.strong or _heads_line(text, h, line))
    ]
    in_line = [h for h in in_line if not any(line[0] <= p < line[1] for p in other_bases)]
    candidates = [in_line] if in_line else []
    own_clause: list[Hit] = []  # found in this base's own clause of a later sentence
    for k in window:
        found = [
            h for h in mentions.industries if sents[k].start <= h.start < sents[k].end and h.strong
        ]
        mine = [
            span
            for span in cluster.base_college.mentions
            if sents[k].start <= span[0] < sents[k].end
        ]
        if k != si and mine and any(sents[k].start <= p < sents[k].end for p in other_mentions):
            # «A будет развивать направление «Атомная промышленность», а B — «Металлургия»»: a
            # later sentence naming this base and another one: the words of this base's clause.
            clause = _clause(text, sents[k], mine[0])
            if any(clause[0] <= p < clause[1] for p in other_mentions):
                found = []
            else:
                found = [h for h in found if clause[0] <= h.start < clause[1]]
                own_clause.extend(found)
        elif k != si:
            found = [
                h
                for h in found
                if not any(sents[k].start <= p < sents[k].end for p in other_mentions)
            ]
            if several_clusters(sents[k].text):
                found = []  # «Ранее два кластера создали …»: a sentence about other clusters
        candidates.append(found)
    # A sentence naming several bases: each industry word goes to the base nearest to it.
    others_here = [
        span
        for other in all_bases
        if other is not cluster.base_college
        for span in other.mentions
        if sents[si].start <= span[0] < sents[si].end
    ]
    own = next((span for span in cluster.base_college.mentions if span[0] == position), None)
    own = own or (position, position)
    if others_here:
        # «сельскохозяйственный на базе A и химический на базе B»: a word that leads straight
        # into a base («… на базе», «… – в», «… с базой в») is that base's.
        linked = [h for h in mentions.industries if _leads_to(text, h, own)]
        # «…; «Строительство» … с базой в B;», «в A открылся кластер по педагогике, в B — по
        # отрасли машиностроения»: the words of the base's own part of the sentence.
        part = _part(text, sents[si], own)
        clause = _clause(text, sents[si], own)
        if not any(clause[0] <= p < clause[1] for p, _e in others_here):
            part = clause
        in_part = [
            h
            for h in mentions.industries
            if part[0] <= h.start < part[1]
            and not any(_leads_to(text, h, span) for span in others_here)
        ]
        if linked:
            candidates = [linked]
        elif in_part and not any(part[0] <= p < part[1] for p, _e in others_here):
            candidates = [in_part]
        else:
            candidates = [
                [
                    h
                    for h in found
                    if h in own_clause
                    or (
                        _gap(h, own) <= min(_gap(h, span) for span in others_here)
                        and not any(_leads_to(text, h, span) for span in others_here)
                    )
                ]
                for found in candidates
            ]
    if single:
        # The only cluster of the text: its base's sentence, else an industry word right by
        # «кластер»/«центр» anywhere («химический кластер», «кластер лёгкой промышленности»),
        # else the neighbouring sentences, else the industry the text names most.
        by_cluster = [h for h in mentions.industries if h.strong and _by_cluster_word(text, h)]
        candidates = candidates[:1] + [by_cluster] + candidates[1:]
    if single and not any(candidates):
        # The only cluster of the text: the industry the text names most.
        strong = [h for h in mentions.industries if h.strong]
        if strong:
            counts = {h.value: sum(x.value == h.value for x in strong) for h in strong}
            candidates = [[next(h for h in strong if counts[h.value] == max(counts.values()))]]
    for found in candidates:
        if found:
            best = min(found, key=lambda h: _distance(h, cluster.base_college, position))
            cluster.industry = best.value
            cluster.industry_span = Span(best.start, best.end, text[best.start : best.end])
            break
    for k in window:
        found = [h for h in mentions.kinds if sents[k].start <= h.start < sents[k].end]
        if found:
            best = min(found, key=lambda h: abs(h.start - position))
            cluster.kind = best.value
            cluster.kind_span = Span(best.start, best.end, text[best.start : best.end])
            break
    if cluster.kind is None and len({h.value for h in mentions.kinds}) == 1:
        first = mentions.kinds[0]
        cluster.kind = first.value
        cluster.kind_span = Span(first.start, first.end, text[first.start : first.end])
    for k in (si, si + 1, si - 1):
        if not 0 <= k < len(sents) or not places.SELECTION_CUES.search(sents[k].text):
            continue
        for m in places.YEAR.finditer(text, sents[k].start, sents[k].end):
            if places.GRANT_YEAR.match(text[m.start(1) + 4 : m.start(1) + 30]):
                continue
            cluster.year = int(m.group(1))
            cluster.year_span = Span(m.start(), m.end(), m.group())
            break
        if cluster.year:
            break


_PLURAL_CLUSTERS = re.compile(r"\b(?:кластер|центр)(?:ы|ов|ам|ами|ах|а)\b", re.I)


def _shared_industry(
    doc: Doc, mentions: Mentions, clusters: list[ClusterProposal], bases: list[tuple[Org, int]]
) -> None:
    """«Три новых кластера для машиностроительной отрасли будут созданы … Они откроются на базе
    A …, на базе B … и на базе C», «на базе A и B откроют кластеры по машиностроению, а на базе
    C – сельскохозяйственный»: clusters named together under one industry share it. A base
    left without an industry takes the one industry of the clause that speaks of clusters in
    the plural around it, else of its sentence, else of the sentence before its own when that
    sentence names no base."""
    text, sents = doc.text, doc.sentences
    base_sentences = {doc.sentence_of(p) for c in clusters for p, _e in c.base_college.mentions}
    for cluster, (_college, position) in zip(clusters, bases, strict=True):
        if cluster.industry is not None:
            continue
        si = doc.sentence_of(position)
        own = (position, position + 1)
        clause = _clause(text, sents[si], own)
        # (the clause, the whole sentence — «Три кластера по направлению «Машиностроение»
        # запустят на базе A (…), B (…), C (…)» — or the sentence before)
        spans = [clause, (sents[si].start, sents[si].end)]
        if si > 0 and si - 1 not in base_sentences:
            spans.append((sents[si - 1].start, sents[si - 1].end))
        for start, end in spans:
            if not _PLURAL_CLUSTERS.search(text, start, end):
                continue
            found = [h for h in mentions.industries if start <= h.start < end and h.strong]
            if len({h.value for h in found}) == 1:
                cluster.industry = found[0].value
                cluster.industry_span = Span(
                    found[0].start, found[0].end, text[found[0].start : found[0].end]
                )
                break


def _heads_line(text: str, hit: Hit, line: tuple[int, int]) -> bool:
    """«- Строительство – в Тюменском техникуме …»: an industry word that opens a list line and
    a dash after it labels the line, though the word alone («строительство») could be an
    activity rather than the industry."""
    return bool(
        re.fullmatch(r"\s*(?:[-–—•▪*]|\d+[.)])?\s*[«\"]?", text[line[0] : hit.start])
        and re.match(r"[»\"]?\s*[–—-]\s", text[hit.end : hit.end + 4])
    )


_LEADS = re.compile(r"^(?:(?!\sи\s)[^.;,\n]){0,30}?(?:на\s+базе|при|в|во|с\s+базой\s+в)\s*$", re.I)
_BY_CLUSTER = re.compile(r"(?:кластер|центр|ОПЦ)\w*\s*(?:по\s+)?[«\"(]?\s*$", re.I)


def _leads_to(text: str, hit: Hit, span: tuple[int, int]) -> bool:
    """«химический на базе B», ««Строительство» – в B»: the words between lead into the name
    (from the end of the quote holding the word, if any; never across «и»)."""
    end = hit.end
    close = re.match(r"[^«»\"]{0,40}[»\"]", text[end : end + 42])
    if close and text.rfind("«", 0, hit.start) > text.rfind("»", 0, hit.start):
        end += close.end()
    return end <= span[0] and bool(_LEADS.match(text[end : span[0]]))


def _by_cluster_word(text: str, hit: Hit) -> bool:
    after = text[hit.end : hit.end + 12]
    return bool(_BY_CLUSTER.search(text[max(0, hit.start - 25) : hit.start])) or bool(
        re.match(r"^[»\"]?\s*(?:кластер|центр)", after, re.I)
    )


def _part(text: str, sentence, span: tuple[int, int]) -> tuple[int, int]:
    """The «;»-separated part of a sentence holding `span`."""
    start = text.rfind(";", sentence.start, span[0])
    end = text.find(";", span[1], sentence.end)
    return (start + 1 if start != -1 else sentence.start, end if end != -1 else sentence.end)


def _clause(text: str, sentence, span: tuple[int, int]) -> tuple[int, int]:
    """The comma-separated part of a sentence holding `span` (commas inside quotes or brackets
    do not count)."""
    depth, cuts = 0, [sentence.start]
    for index in range(sentence.start, sentence.end):
        char = text[index]
        if char in "«(":
            depth += 1
        elif char in "»)" and depth:
            depth -= 1
        elif char in ",;" and depth == 0:
            cuts.append(index + 1)
    cuts.append(sentence.end)
    start = max(c for c in cuts if c <= span[0])
    end = min(c for c in cuts if c > span[1] - 1)
    return start, end


def _gap(hit: Hit, span: tuple[int, int]) -> int:
    """Characters between an industry word and a name."""
    if hit.start >= span[1]:
        return hit.start - span[1]
    return max(0, span[0] - hit.end)


def _distance(hit: Hit, college: Org, position: int) -> int:
    end = next((e for s, e in college.mentions if s == position), position)
    if hit.start >= end:
        return hit.start - end
    return max(0, position - hit.end)


_NAMED_BY = re.compile(r"(?:кластер|центр|ОПЦ)\w*\s*$", re.I)


def _cluster_names(doc: Doc) -> set[str]:
    """Keys of the names the text gives its clusters («кластер «Профимед»»): wherever they
    recur («На организацию «Профимеда» университет получил …») they name no company."""
    return {
        lang.normalise_name(doc.text[qs + 1 : qe - 1])
        for qs, qe in doc.quotes
        if _NAMED_BY.search(doc.text[max(0, qs - 20) : qs])
    } - {""}


# «Как сообщили РБК Ростов …», «по данным ТАСС», «пишет РИА»: a news outlet, not a payer.
_NEWS_SOURCE = re.compile(
    r"(?:сообщ\w+|переда[её]т|пишет|рассказал\w*|по\s+данным|со\s+ссылкой\s+на)\s+$", re.I
)


# «ранее UfaTime.ru сообщал …»: the outlet named before its reporting verb
_NEWS_SOURCE_AFTER = re.compile(r"\s*(?:сообщ|пиш|переда|рассказ|уточн|отмеча)\w*", re.I)


def _person_in_caps(name: str) -> bool:
    """«РАХМАТУЛИНА»: a surname or a first name written in capitals (a speaker), no company."""
    return bool(
        name.isupper()
        and len(name.split()) == 1
        and len(name) > 4
        and (lang.any_reading(name, "Surn") or lang.any_reading(name, "Name"))
    )


def attribute(doc: Doc, mentions: Mentions, clusters: list[ClusterProposal]) -> Extraction:
    """Money and figures attributed to budgets and clusters; the proposals (stages 4 and 5)."""
    colleges = [span for o in mentions.colleges for span in o.mentions]
    names = _cluster_names(doc)
    companies = [span for o in mentions.employers for span in o.mentions] + [
        (s, e)
        for s, e, label in mentions.entities
        if label == "ORG"
        and not any(s < ce and cs < e for cs, ce in colleges)
        and not roles.is_public_body(doc.text[s:e])
        and lang.normalise_name(doc.text[s:e]) not in names
        and not _NEWS_SOURCE.search(doc.text[max(0, s - 40) : s])
        and not _NEWS_SOURCE_AFTER.match(doc.text[e : e + 30])
        and not re.search(r"\.(?:ru|рф|com|net|org)\b", doc.text[s : e + 4], re.I)
        and not _person_in_caps(doc.text[s:e])
    ]
    money = attribute_money(doc, mentions.money, clusters, companies)
    money_spans = [(m.start, m.end) for m in mentions.money]
    figures = find_figures(doc, money_spans, clusters)
    dominant = places.dominant(mentions.regions)
    return Extraction(
        clusters=clusters,
        money=money,
        figures=figures,
        organisations=mentions.organisations,
        region=dominant.value if dominant else None,
        unassigned_employers=mentions.unassigned_employers,
    )


def extract(text: str, reference: Reference | None = None) -> Extraction:
    """Propose the clusters, money and figures `text` states, each with its exact words."""
    reference = reference or Reference.from_fixtures()
    doc = lang.read(text)
    mentions = find_mentions(doc, reference)
    clusters = find_entities(doc, mentions, reference)
    return attribute(doc, mentions, clusters)
