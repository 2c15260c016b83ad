"""Read a Russian press release and propose the registry facts it states, each with its words.

Pure and offline: `extract(text, reference)` needs no database. Rules, not guesses:

* organisations are named phrases around a head noun («колледж», «техникум», «академия»…
  for colleges; «завод», «компания», «АО «…»»… for employers), put in the nominative, with the
  abbreviations the text itself defines («… (СмолАПО)»);
* a cluster is anchored by its base college («на базе …», «базовой организацией …»,
  «базовыми площадками станут …»); network colleges by «сетевыми …», assigned to a cluster
  only when the text ties them («(Энергетика)») or there is one cluster;
* region, industry, kind and selection year come from the words near the base college;
* money comes from `common.moneywords`; its funding source from the words of its own clause
  («грант», «из краевого бюджета», «средства работодателя»), else `unknown`; a sum that is
  followed by «из них» is a total; a sum stated for several clusters together is joint;
* figures (students, workshops, employers, colleges, programmes) are numbers counting those
  nouns in a sentence about one cluster.
Whatever the text does not say stays None / `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from common.moneywords import AT_MOST, MoneyMention, find_money
from extraction import language as lang
from extraction.language import Sentence, Word
from extraction.organisations import find_organisations
from extraction.proposals import (
    ClusterProposal,
    Extraction,
    FigureProposal,
    MoneyProposal,
    Org,
    Span,
)
from extraction.reference import _WEAK_INDUSTRY, INDUSTRY_STEMS, REGION_ALIASES, Reference

__all__ = ["UNKNOWN", "Extraction", "Reference", "extract"]

UNKNOWN = "unknown"

# --- places, industries, kinds, years --------------------------------------------------------


@dataclass
class _Hit:
    value: str
    start: int
    end: int
    strong: bool = True


@cache
def _region_patterns(regions: tuple[str, ...]) -> list[tuple[str, list[set[str]]]]:
    patterns = []
    for name in regions:
        main = re.sub(r"\s*\(.*?\)", "", name).split(" - ")[0].strip()
        parts = [lang.lemma(p) for p in main.split()]
        patterns.append((name, parts))
    return patterns


def _find_regions(text: str, ws: list[Word], reference: Reference) -> list[_Hit]:
    hits: list[_Hit] = []
    lemmas = [lang.lemma(w.text) if w.is_word else w.text for w in ws]
    for name, parts in _region_patterns(reference.regions):
        n = len(parts)
        for i in range(len(ws) - n + 1):
            if lemmas[i : i + n] == parts and ws[i].is_capitalised:
                hits.append(_Hit(name, ws[i].start, ws[i + n - 1].end))
            # «Республика Татарстан» also as «Татарстан»: handled by the aliases below.
    for i, word in enumerate(ws):
        alias = REGION_ALIASES.get(lemmas[i]) if word.is_capitalised else None
        if alias and alias in reference.regions:
            if not any(h.start <= word.start < h.end for h in hits):
                hits.append(_Hit(alias, word.start, word.end))
    return sorted(hits, key=lambda h: h.start)


def _find_industries(text: str, reference: Reference, exclude: list[tuple[int, int]]) -> list[_Hit]:
    known = {slug for slug, _ in reference.industries}
    lowered = text.lower().replace("ё", "е")
    hits = []
    for slug, stems in INDUSTRY_STEMS.items():
        if slug not in known:
            continue
        for stem in stems:
            for m in re.finditer(r"(?<![а-яa-z])" + re.escape(stem), lowered):
                end = m.end()
                while end < len(lowered) and (lowered[end].isalpha() or lowered[end] == "-"):
                    end += 1
                if any(s <= m.start() < e for s, e in exclude):
                    continue
                hits.append(_Hit(slug, m.start(), end, strong=stem not in _WEAK_INDUSTRY))
    # «топливно-энергетический» is not «энергетика»; the longer hit wins where two overlap.
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    result: list[_Hit] = []
    for hit in hits:
        if result and hit.start < result[-1].end:
            continue
        result.append(hit)
    return result


_KIND_PATTERNS = [
    (
        "production_center",
        re.compile(
            r"образовательно[\s-]*производственн\w*|\bОПЦ\b|производственн\w+ центр\w*", re.I
        ),
    ),
    (
        "education_cluster",
        re.compile(r"образовательн\w+\s+кластер\w*(?!\w)(?:\s+(?:СПО|среднего))?", re.I),
    ),
]


def _find_kinds(text: str) -> list[_Hit]:
    hits = []
    for kind, pattern in _KIND_PATTERNS:
        for m in pattern.finditer(text):
            hits.append(_Hit(kind, m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    result: list[_Hit] = []
    for hit in hits:
        if result and hit.start < result[-1].end:
            continue
        result.append(hit)
    return result


_YEAR = re.compile(r"\b(20[1-3]\d)\s*(?:год\w*|г\.)")
_SELECTION_CUES = re.compile(r"конкурс|отбор|победител", re.I)
_GRANT_YEAR = re.compile(r"^\s*(?:год\w*|г\.)\s+(?:грант|субсид|финансир)", re.I)

# --- money ----------------------------------------------------------------------------------

# (pattern, funding source, strong). Strong cues name the budget or fund itself.
SOURCE_CUES: list[tuple[re.Pattern, str, bool]] = [
    (re.compile(r"внебюджетн", re.I), "extrabudgetary", True),
    (
        re.compile(r"собственн\w* средств\w* (?:колледж|техникум|образовательн)", re.I),
        "extrabudgetary",
        True,
    ),
    (
        re.compile(r"федеральн\w*\s+(?:бюджет|казн|грант|субсид|средств|финансир|миллион)", re.I),
        "federal",
        True,
    ),
    (re.compile(r"грант\w*", re.I), "federal", True),
    (
        re.compile(
            r"(?:краев|областн|регионал\w*|республиканск|окружн)\w*\s+(?:бюджет|казн|средств|финансир|миллион)",
            re.I,
        ),
        "regional",
        True,
    ),
    (
        re.compile(r"бюджет\w*\s+(?:субъекта|региона|края|области|республики|округа)", re.I),
        "regional",
        True,
    ),
    (
        re.compile(
            r"средств\w*\s+(?:работодател|предприят|компани|партнер|партнёр|бизнес|инвестор)", re.I
        ),
        "employer",
        True,
    ),
    (
        re.compile(
            r"работодател\w*|предприяти\w*[-\s]партнер|партнер\w*[-\s]предприяти|компани\w*-партнер",
            re.I,
        ),
        "employer",
        False,
    ),
    (re.compile(r"\b(?:предприяти|компани|завод|бизнес|инвестор)\w*", re.I), "employer", False),
    (re.compile(r"(?<![А-Яа-яЁё])(?:АО|ПАО|ООО|ОАО|ЗАО)\s*[«\"]"), "employer", False),
    (
        re.compile(
            r"правительств\w*\s+(?:области|края|республики|округа|региона)|из\s+регион\w*|регион\w*\s+(?:выделил|направил|добавил)",
            re.I,
        ),
        "regional",
        False,
    ),
    (
        re.compile(r"федеральн\w*|минпросвещени\w*|министерств\w* просвещения|субсиди\w*", re.I),
        "federal",
        False,
    ),
]
_TOTAL_AFTER = re.compile(
    r"^(?:[\s,:;–—-]*(?:из\s+(?:них|которых)|в\s+том\s+числе|в\s+т\.\s?ч\.)|\s*:)", re.I
)
_PART_AFTER = re.compile(r"^\s+из\s+(?:них|которых)", re.I)  # «100 млн руб. из них»: a part
_TOTAL_BEFORE = re.compile(
    r"(?:всего|общ\w+\s+(?:сумм|объем|объём|бюджет|стоимост)\w*|в\s+общей\s+сложности|суммарно|итого)[^.]{0,40}$",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[,;:()]|\.\s")
_EACH_WORDS = re.compile(r"кажд\w+", re.I)


def _clause_bounds(text: str, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    left = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, start):
        left = m.end()
    right = sentence.end
    m = _CLAUSE_BREAK.search(text, end, sentence.end)
    if m:
        right = m.start()
    return left, right


def _cue_in(piece: str) -> tuple[str, str, bool, int] | None:
    """The best funding-source cue in `piece`: strong before weak, then the earliest."""
    found = []
    for pattern, source, strong in SOURCE_CUES:
        for m in pattern.finditer(piece):
            found.append((not strong, m.start(), source, m.group(), strong))
    if not found:
        return None
    found.sort()
    _, position, source, quote, strong = found[0]
    return source, quote, strong, position


_MIXED = re.compile(
    r"федеральн\w*\s*(?:,|и)\s*(?:регионал|областн|краев|республиканск)|"
    r"(?<!вне)бюджет\w*[^.]{0,40}\s(?:а\s+также|и)\s+(?:от\s+)?(?:предприят|работодател|компани|партнер|бизнес)",
    re.I,
)


def _money_source(
    text: str, sentence: Sentence, mentions: list[MoneyMention], i: int, follow: str = ""
) -> tuple[str, str, bool]:
    """(funding source, the words that say it, whether the sum mixes several sources).

    The sum's own words run from the previous sum or clause break to the next one; words
    after the sum win over words before it («100 млн – средства краевого бюджета»), and a
    cue naming the budget or fund wins over a looser one («предприятий»).
    """
    mention = mentions[i]
    left, right = _clause_bounds(text, sentence, mention.start, mention.end)
    previous_end = max([m.end for m in mentions[:i] if m.end <= mention.start] or [left])
    next_start = min([m.start for m in mentions[i + 1 :] if m.start >= mention.end] or [right])
    after = text[mention.end : min(right, next_start)]
    before = text[max(left, previous_end) : mention.start]
    after_own = after + (" " + follow if next_start == right else "")
    own = after_own if _cue_in(after_own) else before
    strong_sources = {src for pattern, src, strong in SOURCE_CUES if strong and pattern.search(own)}
    mixed = len(strong_sources - {"federal"} if "грант" in own.lower() else strong_sources) >= 2
    mixed = mixed or bool(_MIXED.search(own))
    for piece in (after, before):
        cue = _cue_in(piece)
        if cue and cue[2]:
            return cue[0], cue[1], mixed
    for piece in (after, before):
        cue = _cue_in(piece)
        if cue:
            return cue[0], cue[1], mixed
    return UNKNOWN, "", mixed


# --- figures --------------------------------------------------------------------------------

FIGURE_NOUNS = {
    "students": {"студент", "обучающийся", "учащийся", "обучающиеся", "слушатель", "студентка"},
    "workshops": {"мастерская", "лаборатория", "зона"},
    "employers": {
        "предприятие",
        "работодатель",
        "компания",
        "партнёр",
        "партнер",
        "организация-партнёр",
        "предприятие-работодатель",
        "предприятие-партнёр",
    },
    "colleges": {"колледж", "техникум", "учреждение", "организация", "поо"},
    "programmes": {"программа", "профессия", "специальность"},
}
_FIGURE_QUALIFIERS = {
    "более": "at_least",
    "свыше": "at_least",
    "больше": "at_least",
    "почти": "approximately",
    "около": "approximately",
    "порядка": "approximately",
    "примерно": "approximately",
}
_NUMBER = re.compile(r"(?<![\d,.])(\d{1,3}(?:[ \u00a0]\d{3})+|\d{1,9})(?![\d,.]\d)")
_FIGURE_CONTEXT = re.compile(r"\b(?:кластер|центр|ОПЦ)(?:а|у|ом|е)?\b", re.I)


def _figure_kind(noun_words: list[str]) -> str | None:
    """The figure a counted noun (first) stands for; the other words only qualify it."""
    for word in noun_words[:1]:
        parts = word.lower().split("-")
        candidates = [lang.lemma(word)] + [lang.lemma(p) for p in parts]
        for kind, nouns in FIGURE_NOUNS.items():
            if any(c in nouns for c in candidates):
                if (
                    kind == "workshops"
                    and "зона" in candidates
                    and "производствен" not in word.lower()
                    and "учебно" not in " ".join(noun_words).lower()
                ):
                    continue
                if kind == "colleges" and {"учреждение", "организация"} & set(candidates):
                    joined = " ".join(noun_words).lower()
                    if not re.search(r"спо|профессиональн|образовательн", joined):
                        continue
                return kind
    return None


# --- the extractor --------------------------------------------------------------------------


def extract(text: str, reference: Reference | None = None) -> Extraction:
    """Propose the clusters, money and figures `text` states, each with its exact words."""
    reference = reference or Reference.from_fixtures()
    ws = lang.words(text)
    sents = lang.sentences(text)

    def sentence_of(position: int) -> int:
        for index, sentence in enumerate(sents):
            if sentence.start <= position < max(sentence.end, sentence.start + 1):
                return index
        return (
            max(0, min(range(len(sents)), key=lambda k: abs(sents[k].start - position)))
            if sents
            else 0
        )

    orgs = find_organisations(text, ws)
    colleges = [o for o in orgs if o.kind == "college"]
    employers = [o for o in orgs if o.kind == "employer"]
    region_hits = _find_regions(text, ws, reference)
    org_spans = [(o.start, o.end) for o in orgs]
    industry_hits = _find_industries(text, reference, org_spans)
    kind_hits = _find_kinds(text)

    # 1. Base colleges.
    bases: list[tuple[Org, int]] = []  # (college, position of the mention that makes it base)
    for college in colleges:
        for start, end in college.mentions:
            s = sents[sentence_of(start)] if sents else None
            if s is None:
                continue
            before = text[s.start : start].lower()
            after = text[end : min(s.end, end + 60)].lower()
            cue = None
            for m in re.finditer(
                r"на\s+базе|базов\w+\s+(?:площадк|организаци|образовательн|профессиональн|учреждени|колледж)\w*",
                before,
            ):
                cue = m
            if (
                cue
                and not re.search(r"сетев", before[cue.end() :])
                and (
                    not cue.group().startswith("на")
                    or not before[cue.end() :].strip(" \n").count(" ") > 1
                )
                or re.search(r"^[\s,–—-]*(?:котор\w+\s+)?(?:является|стал\w*|–|—)?\s*базов", after)
            ):
                bases.append((college, start))
                break
    if not bases:
        cluster_talk = bool(kind_hits) or re.search(
            r"кластер|профессионалитет|грант|конкурсн\w+\s+отбор", text, re.I
        )
        if cluster_talk:
            for college in colleges:
                for start, _end in college.mentions:
                    if re.search(r"на\s+площадке\s+$", text[max(0, start - 20) : start].lower()):
                        bases.append((college, start))
                        break
                if bases:
                    break
        if not bases and cluster_talk and len(colleges) == 1:
            bases.append((colleges[0], colleges[0].start))

    # «на базе A и B», «на базе A, B и C»: colleges listed right after a base share its role.
    changed = True
    while changed:
        changed = False
        ends = [end for college, _ in bases for start, end in college.mentions]
        for college in colleges:
            if any(college is b for b, _ in bases):
                continue
            for start, _end in college.mentions:
                if any(
                    re.fullmatch(r"\s*(?:,|и|,\s*а\s+также)\s*", text[end:start])
                    for end in ends
                    if end <= start
                ):
                    bases.append((college, start))
                    changed = True
                    break
    base_set = {id(b) for b, _ in bases}
    clusters: list[ClusterProposal] = []
    dominant_region = _dominant(region_hits)
    for number, (college, position) in enumerate(bases, start=1):
        cluster = ClusterProposal(key=f"c{number}", base_college=college)
        si = sentence_of(position)
        window = [k for k in (si, si + 1, si - 1, si + 2) if 0 <= k < len(sents)]
        # Region: the text's dominant subject; a subject in the base college's sentence first.
        local = [h for h in region_hits if sents[si].start <= h.start < sents[si].end]
        hit = local[0] if local and len({h.value for h in local}) == 1 else dominant_region
        if hit:
            cluster.region, cluster.region_span = (
                hit.value,
                Span(hit.start, hit.end, text[hit.start : hit.end]),
            )
        # Industry: the closest industry word in the sentence, else the neighbouring ones.
        other_bases = [p for b, p in bases if b is not college]
        for k in window:
            in_sentence = [
                h for h in industry_hits if sents[k].start <= h.start < sents[k].end and h.strong
            ]
            if k != si:
                in_sentence = [
                    h
                    for h in in_sentence
                    if not any(sents[k].start <= p < sents[k].end for p in other_bases)
                ]
            if in_sentence:
                best = min(in_sentence, key=lambda h: _distance(h, college, position))
                cluster.industry = best.value
                cluster.industry_span = Span(best.start, best.end, text[best.start : best.end])
                break
        for k in window:
            in_sentence = [h for h in kind_hits if sents[k].start <= h.start < sents[k].end]
            if in_sentence:
                best = min(in_sentence, key=lambda h: abs(h.start - position))
                cluster.kind = best.value
                cluster.kind_span = Span(best.start, best.end, text[best.start : best.end])
                break
        if cluster.kind is None:
            kinds = {h.value for h in kind_hits}
            if len(kinds) == 1:
                first = kind_hits[0]
                cluster.kind = first.value
                cluster.kind_span = Span(first.start, first.end, text[first.start : first.end])
        for k in (si, si + 1, si - 1):
            if not 0 <= k < len(sents) or not _SELECTION_CUES.search(sents[k].text):
                continue
            for m in _YEAR.finditer(text, sents[k].start, sents[k].end):
                if _GRANT_YEAR.match(text[m.start(1) + 4 : m.start(1) + 30]):
                    continue
                cluster.year = int(m.group(1))
                cluster.year_span = Span(m.start(), m.end(), m.group())
                break
            if cluster.year:
                break
        clusters.append(cluster)

    # 2. Network colleges and employers.
    for college in colleges:
        if id(college) in base_set:
            continue
        for start, end in college.mentions:
            s = sents[sentence_of(start)]
            if not re.search(r"сетев", text[s.start : start], re.I):
                continue
            tag = re.match(r"[\s»\"]*\(([^)]{2,40})\)", text[end : end + 45])
            target = None
            if tag:
                tag_hits = _find_industries(tag.group(1), reference, [])
                if tag_hits:
                    target = next((c for c in clusters if c.industry == tag_hits[0].value), None)
            if target is None and len(clusters) == 1:
                target = clusters[0]
            if target is not None:
                target.network_colleges.append(college)
            break
    for employer in employers:
        for start, _end in employer.mentions:
            s = sents[sentence_of(start)]
            sentence_text = text[s.start : s.end]
            near = text[max(s.start, start - 50) : min(s.end, _end + 50)]
            if not re.search(
                r"совместно|партнер|партнёр|работодател|при\s+участии|при\s+поддержке|якорн",
                near,
                re.I,
            ):
                continue
            in_sentence = [
                c for c in clusters if any(s.start <= p < s.end for p, _ in c.base_college.mentions)
            ]
            if not in_sentence and len(clusters) == 1 and _FIGURE_CONTEXT.search(sentence_text):
                in_sentence = clusters  # «Партнерами кластера выступили …» in a one-cluster text
            if len(in_sentence) == 1:
                in_sentence[0].employers.append(employer)
                break

    # 3. Money.
    mentions = find_money(text)
    money: list[MoneyProposal] = []
    by_sentence: dict[int, list[MoneyMention]] = {}
    for mention in mentions:
        by_sentence.setdefault(sentence_of(mention.start), []).append(mention)
    for si, group in sorted(by_sentence.items()):
        sentence = sents[si]
        following = sents[si + 1].text if si + 1 < len(sents) else ""
        follow = following if re.match(r"(?:Это|Эти)\s", following) else ""
        for i, mention in enumerate(group):
            source, cue, mixed = _money_source(
                text, sentence, group, i, follow if i == len(group) - 1 else ""
            )
            nxt = group[i + 1] if i + 1 < len(group) else None
            after_words = text[mention.end : mention.end + 20]
            is_total = (
                nxt is not None
                and bool(_TOTAL_AFTER.match(after_words))
                and not _PART_AFTER.match(after_words)
            )
            if nxt is not None and _PART_AFTER.match(text[nxt.end : nxt.end + 12]):
                is_total = True
            if _TOTAL_BEFORE.search(text[max(sentence.start, mention.start - 60) : mention.start]):
                is_total = True
            if mixed:
                # One sum for several sources at once: a reported total, never a line of one.
                is_total, source, cue = True, UNKNOWN, ""
            scope = _money_scope(text, sents, si, clusters, mention)
            year = None
            ym = _YEAR.search(text, sentence.start, sentence.end)
            if ym and len(set(_YEAR.findall(text[sentence.start : sentence.end]))) == 1:
                year = int(ym.group(1))
            each = mention.is_each or bool(
                _EACH_WORDS.search(text[max(sentence.start, mention.start - 80) : mention.start])
            )
            if each and len(scope) > 1:
                for key in scope:
                    money.append(
                        MoneyProposal(
                            mention.amount,
                            mention.qualifier,
                            source,
                            mention.start,
                            mention.end,
                            mention.quote,
                            [key],
                            is_total,
                            True,
                            year,
                            cue,
                        )
                    )
                continue
            money.append(
                MoneyProposal(
                    mention.amount,
                    mention.qualifier,
                    source,
                    mention.start,
                    mention.end,
                    mention.quote,
                    scope,
                    is_total,
                    each,
                    year,
                    cue,
                )
            )

    # 4. Figures.
    money_spans = [(m.start, m.end) for m in mentions]
    figures: list[FigureProposal] = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in money_spans):
            continue
        value = int(re.sub(r"\s", "", match.group(1)))
        if 1990 <= value <= 2099 and " " not in match.group(1):
            continue
        after = text[end : end + 100]
        found = _figure_noun(after)
        if found is None:
            continue
        kind, thousands, tail_end = found
        if thousands:
            value *= 1000
        before = text[max(0, start - 25) : start].lower().split()
        qualifier = "exact"
        if before:
            if len(before) >= 2 and before[-2] == "не" and before[-1] in {"менее", "меньше"}:
                qualifier = "at_least"
            elif before[-1] in _FIGURE_QUALIFIERS:
                qualifier = _FIGURE_QUALIFIERS[before[-1]]
            elif before[-1] in {"до"} and kind == "students":
                qualifier = AT_MOST
            elif len(before) >= 2 and before[-2] == "более" and before[-1] == "чем":
                qualifier = "at_least"
        si = sentence_of(start)
        quote_start = start
        if qualifier != "exact":
            q = re.search(
                r"(?:не\s+менее|не\s+меньше|более\s+чем|\w+)\s*$", text[max(0, start - 25) : start]
            )
            if q:
                quote_start = max(0, start - 25) + q.start()
        quote_end = end + tail_end
        cluster = _figure_cluster(text, sents, si, clusters)
        figures.append(
            FigureProposal(
                kind, value, qualifier, quote_start, quote_end, text[quote_start:quote_end], cluster
            )
        )

    return Extraction(
        clusters=clusters,
        money=money,
        figures=figures,
        organisations=orgs,
        region=dominant_region.value if dominant_region else None,
    )


_FIGURE_WORD = re.compile(r"\s+([А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*)")


def _figure_noun(after: str) -> tuple[str, bool, int] | None:
    """(figure kind, «тыс.» given, end of the counted noun) for the words after a number.

    The counted noun is the first noun after at most three adjectives («18 современных
    мастерских», «16 крупных машиностроительных предприятий-работодателей»).
    """
    position = 0
    thousands = re.match(r"\s*(?:тыс\.?|тысяч\w*)", after)
    if thousands:
        position = thousands.end()
    found: list[re.Match] = []
    while len(found) < 6:
        m = _FIGURE_WORD.match(after, position)
        if not m:
            break
        found.append(m)
        position = m.end()
    for index, m in enumerate(found[:4]):
        word = m.group(1)
        if lang.any_reading(word.split("-")[0], "NOUN") and not (
            lang.has_tag(word, "ADJF")
            and index + 1 < len(found)
            and index < 3
            and lang.any_reading(found[index + 1].group(1).split("-")[0], "NOUN")
            and _figure_kind([word]) is None
        ):
            context = (
                [word]
                + [f.group(1) for f in found[:index]]
                + [f.group(1) for f in found[index + 1 : index + 3]]
            )
            kind = _figure_kind(context)
            if kind is None:
                return None
            return kind, bool(thousands), m.end()
        if not (lang.any_reading(word, "ADJF") or lang.any_reading(word, "PRTF")):
            return None
    return None


def _dominant(hits: list[_Hit]) -> _Hit | None:
    if not hits:
        return None
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.value] = counts.get(hit.value, 0) + 1
    best = max(counts.values())
    return next(h for h in hits if counts[h.value] == best)


def _distance(hit: _Hit, college: Org, position: int) -> int:
    end = next((e for s, e in college.mentions if s == position), position)
    if hit.start >= end:
        return hit.start - end
    return max(0, position - hit.end)


def _money_scope(
    text: str,
    sents: list[Sentence],
    si: int,
    clusters: list[ClusterProposal],
    mention: MoneyMention,
) -> list[str]:
    if not clusters:
        return []
    if len(clusters) == 1:
        return [clusters[0].key]
    for k in range(si, max(-1, si - 3), -1):
        s = sents[k]
        named = [
            c.key for c in clusters if any(s.start <= p < s.end for p, _ in c.base_college.mentions)
        ]
        if named:
            return named
    return [c.key for c in clusters]


def _figure_cluster(
    text: str, sents: list[Sentence], si: int, clusters: list[ClusterProposal]
) -> str | None:
    if not clusters:
        return None
    for k in (si, si - 1):
        if k < 0 or (
            k != si
            and sents[k].paragraph != sents[si].paragraph
            and not sents[si].text.startswith(("▪", "•", "-", "–"))
        ):
            continue
        s = sents[k]
        named = [
            c.key for c in clusters if any(s.start <= p < s.end for p, _ in c.base_college.mentions)
        ]
        if len(named) == 1:
            return named[0]
        if _FIGURE_CONTEXT.search(s.text) and len(clusters) == 1:
            return clusters[0].key
    return None
