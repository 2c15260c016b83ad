"""Money and figures attributed to budgets and clusters across sentences (the extractor's
attribution stage).

Money: each sum's funding source comes from the words of its own clause («100 млн –
средства краевого бюджета»); a sum whose clause names none takes the budget named last within
the three sentences before it («федеральное финансирование … 70 млн …, 100 млн …»), else
`unknown`. A sum for several budgets at once («из федерального и областного бюджетов»,
«регион и бизнес инвестируют …») is one reported total, never a line of one budget. A sum is
a cluster's when its sentence names that cluster's base (or the last base named before it in
its paragraph); several clusters together when the sentence speaks of them together; none when
it is the country's («со всей страны»). «по 100 млн каждый», «каждому … выделен грант …» give
one line per named cluster. A sum repeated (headline and body) is one proposal citing every
mention.

Figures: a number (digits or words: «семь», «пяти тысяч», «более тысячи») counting students,
graduates, intake, workshops, employers, colleges, programmes or area, with its qualifier, and
the scope it is stated for: a cluster (its sentence's base, or the one cluster a sentence about
a single cluster means) or the region (counts of the region or of several clusters together).
"""

from __future__ import annotations

import re
from decimal import Decimal

from common.moneywords import QUALIFIER_WORDS, MoneyMention
from extraction import language as lang
from extraction.language import Doc, Sentence
from extraction.places import YEAR
from extraction.proposals import ClusterProposal, FigureProposal, MoneyProposal

UNKNOWN = "unknown"

_PAYER_CUE = re.compile(
    r"(?:компани\w*|(?<![А-Яа-яЁё])(?:АО|ПАО|ООО|ОАО|ЗАО))\s*[«\"][^»\"]{1,40}[»\"]\s+"
    r"(?:выдел|направ|влож|инвестир|профинансир|перечисл)\w*",
    re.I,
)
# (pattern, funding source, strong). Strong cues name the budget or fund itself.
SOURCE_CUES: list[tuple[re.Pattern, str, bool]] = [
    (re.compile(r"внебюджетн", re.I), "extrabudgetary", True),
    (
        re.compile(
            r"собственн\w* (?:средств|деньг)\w*(?: вложил)?\w* (?:колледж|техникум|образовательн)",
            re.I,
        ),
        "extrabudgetary",
        True,
    ),
    (
        re.compile(r"федеральн\w*\s+(?:бюджет|казн|грант|субсид|средств|финансир|миллион)", re.I),
        "federal",
        True,
    ),
    (re.compile(r"грант\w*", re.I), "federal", True),
    # «Компания «Акрон» выделит 15 млн рублей»: a company that pays, named as it pays (its own
    # sum's payer, no budget governing the sums after it)
    (_PAYER_CUE, "employer", True),
    (
        # «от правительства России», «правительство РФ выделило»: the federal government
        re.compile(
            r"правительств\w*\s+(?:России|Российской\s+Федерации|РФ|страны)\b|федеральн\w+\s+центр",
            re.I,
        ),
        "federal",
        False,
    ),
    (
        re.compile(
            r"(?:краев|областн|регионал\w*|республиканск|окружн)\w*\s+(?:бюджет|казн|средств|финансир"
            r"|софинансир|миллион|финансов\w+\s+поддержк)"
            # «100 млн из федерального бюджета и 20 млн из областного»: the noun left out
            r"|\bиз\s+(?:краев|областн|регионал|республиканск|окружн)\w+(?!\s+[а-яё])"
            # «100 млн — федеральные средства, 30 млн — региональные»: after a dash, too
            r"|[—–-]\s*(?:краев|областн|регионал|республиканск|окружн)\w+(?!\s+[а-яё])",
            re.I,
        ),
        "regional",
        True,
    ),
    (
        re.compile(
            r"бюджет\w*\s+(?:субъекта|региона|края|области|республики|округа|[А-ЯЁ]\w+ской\s+области"
            # a federal city's budget is its subject's: «из бюджета города Москвы»
            r"|(?:города\s+)?(?:Москвы|Санкт-Петербурга|Севастополя))"
            r"|со\s+стороны\s+(?:региона|области|края|республики|субъекта|правительства\s+(?:области"
            r"|края|республики|региона))",
            re.I,
        ),
        "regional",
        True,
    ),
    (
        re.compile(
            r"(?:средств\w*|со\s+стороны)\s+(?:работодател|предприят|компани|партнер|партнёр|бизнес"
            r"|инвестор)",
            re.I,
        ),
        "employer",
        True,
    ),
    (
        re.compile(
            r"работодател\w*|предприяти\w*[-\s]партнер|партнер\w*[-\s]предприяти|компани\w*-партнер"
            r"|от\s+партнер\w*|партн[её]р\w*\s+(?:проекта|кластера)|(?:индустриальн|промышленн)\w*\s+"
            r"партн[её]р\w*|партн[её]р\w*\s+(?:вложат|вложили|выделят|выделили|направят|инвестир)",
            re.I,
        ),
        "employer",
        False,
    ),
    (
        # («Инвестиции в проект составят 133 млн»: investment names no investor)
        re.compile(r"\b(?:предприяти|компани|завод|бизнес|инвестор)\w*", re.I),
        "employer",
        False,
    ),
    (re.compile(r"(?<![А-Яа-яЁё])(?:АО|ПАО|ООО|ОАО|ЗАО)\s*[«\"]"), "employer", False),
    (
        re.compile(
            r"правительств\w*\s+(?:области|края|республики|округа|региона|[А-ЯЁ]\w+ской\s+области)"
            # («область нам выделяет …», «регион также направит …»: one word may stand between)
            r"|из\s+регион\w*|(?:регион\w*|област[ьи]|кра[йя]|республик[аи])\s+(?:[а-яё]+\s+)?"
            r"(?:выдел|направ|добав|вложи|инвестир)\w*"
            # «…, а регион — 10 млн рублей»: the payer and a dash for the verb left out
            r"|\bа\s+(?:регион|область|край|республика)\s*[—–-]\s*$"
            # «ещё 50 млн направит регион», «добавит область»: the payer after its verb
            r"|(?:выдел|направ|добав|вложи|инвестир)\w*\s+(?:регион|област[ьи]|кра[йя]|республик[аи])\b",
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
    r"(?:всего|общ\w+\s+(?:сумм|объем|объём|бюджет|стоимост|финансирован)\w*|в\s+общей\s+сложности|суммарно|итого)[^.]{0,60}$",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[,;:()]|\.\s")
_EACH_WORDS = re.compile(r"кажд\w+", re.I)
_MIXED = re.compile(
    r"федеральн\w*\s*(?:,|и)\s*(?:регионал|областн|краев|республиканск)|"
    r"(?<!вне)(?:бюджет|казн)\w*[^.;]{0,40}?(?:,|\sи|а\s+также)\s+(?:от\s+)?(?:\w+\s+){0,2}"
    r"(?:предприят|работодател|компани|партнер|партнёр|бизнес)|"
    r"регион\w*\s+и\s+бизнес",
    re.I,
)
_NATIONAL = re.compile(
    r"со\s+всей\s+страны|по\s+всей\s+стране|всей\s+России|в\s+регионах\s+страны|регионам\s+страны"
    r"|\d+\s+регион\w+|на\s+поддержку\s+таких\s+кластеров|ежегодно\s+предусмотрено",
    re.I,
)
_TOGETHER = re.compile(
    r"\b(?:дв(?:а|ух|ум)|тр(?:и|ех|ём|ем)|четыр\w+|пят\w+|обо\w*|оба|эти|этих|каждо\w+|кажд\w+)\s+"
    r"(?:\w+\s+)?(?:колледж|техникум|кластер|центр|учреждени|образовательн|проект|победител)\w*"
    r"|кластер(?:ов|ы|ам|ах)\b|проект(?:ов|ы|ам|ах)\b|на\s+эти\s+цели|на\s+эти\s+деньги"
    r"|в\s+регион(?:е|\b)|в\s+республику\b",
    re.I,
)


_SEVERAL = re.compile(
    r"\b(?:дв(?:а|ух|ум)|тр(?:и|ех|ём)|четыр\w+|пят\w+|обоих|обе)\s+(?:[а-яё-]+\s+){0,3}?"
    r"(?:колледж|техникум|кластер|центр|учреждени|проект)\w*|кластер(?:ов|ам|ах)\b",
    re.I,
)


_ONE_RECIPIENT = re.compile(
    r"\b(?:колледж|техникум|кластер|центр|учреждение|академия|училище|он|она)\s+(?:[а-яё]+\s+)?"
    r"(?:получ|привл[её]к|выигра)\w*",
    re.I,
)


_SEVERAL_CLUSTERS = re.compile(
    r"кластер(?:ов|ы|ам|ах)\b|центр(?:ов|ы|ам|ах)\b"
    r"|\b(?:дв|тр|четыр|пят|шест|сем|восем)\w*\s+(?:[а-яё-]+\s+){0,2}(?:кластер|центр)",
    re.I,
)


def several_clusters(sentence: str) -> bool:
    """The sentence speaks of several clusters, colleges or projects together."""
    return bool(_SEVERAL.search(sentence))


def _clause_bounds(text: str, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    left = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, start):
        left = m.end()
    right = sentence.end
    m = _CLAUSE_BREAK.search(text, end, sentence.end)
    if m:
        right = m.start()
    return left, right


def cue_in(piece: str) -> tuple[str, str, bool, int] | None:
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


_FROM_PAYER = re.compile(
    r"\s*[—–-]?\s*от\s+(?:компани\w+\s+|(?:ПАО|АО|ООО|ОАО|ЗАО)\s+)?"
    r"(?!(?:Мин|Правительств|Губернатор|Росси|Федерац|Фонд|Президент|Администрац|Департамент))"
    r"([«\"]?[А-ЯЁ][А-Яа-яЁё-]+)"
)


def money_source(
    text: str, sentence: Sentence, mentions: list[MoneyMention], i: int, follow: str = ""
) -> tuple[str, str, bool]:
    """(funding source, the words that say it, whether the sum mixes several sources) from the
    sum's own words: from the previous sum or clause break to the next one; words after the sum
    win over words before it, a cue naming the budget or fund over a looser one."""
    mention = mentions[i]
    left, right = _clause_bounds(text, sentence, mention.start, mention.end)
    previous_end = max([m.end for m in mentions[:i] if m.end <= mention.start] or [left])
    next_start = min([m.start for m in mentions[i + 1 :] if m.start >= mention.end] or [right])
    after = text[mention.end : min(right, next_start)]
    before = text[max(left, previous_end) : mention.start]
    after_own = after + (" " + follow if next_start == right else "")
    own = after_own if cue_in(after_own) else before
    # «из федерального и областного бюджетов» may stand past a comma: read the rest of the
    # sentence (up to the next sum) for a mix as well.
    wide = text[mention.end : next_start if next_start != right else sentence.end] + " " + follow
    # «…, также будут выделены средства из краевого бюджета и работодателей»: other money.
    wide = re.split(r",\s*(?:также|кроме\s+того|а\s+также|при\s+этом|ещ[её])\b", wide)[0]
    # «… 100 млн рублей гранта и 1 млн рублей – от Роскапстроя»: a named payer right after the
    # sum («от» and a capitalised name that is no place and no public body) is that sum's.
    payer = _FROM_PAYER.match(after)
    if payer and not lang.any_reading(payer.group(1).strip('«"'), "Geox"):
        return "employer", payer.group().strip(" —–-"), False
    strong_sources = {src for pattern, src, strong in SOURCE_CUES if strong and pattern.search(own)}
    mixed = len(strong_sources - {"federal"} if "грант" in own.lower() else strong_sources) >= 2
    mixed = mixed or bool(_MIXED.search(own)) or bool(_MIXED.search(wide))
    for piece in (after, before):
        cue = cue_in(piece)
        if cue and cue[2]:
            return cue[0], cue[1], mixed
    for piece in (after, before):
        cue = cue_in(piece)
        if cue:
            return cue[0], cue[1], mixed
    cue = cue_in(after_own[len(after) :]) if after_own != after else None
    if cue and cue[2]:
        return (
            cue[0],
            cue[1],
            mixed,
        )  # «… 100 млн рублей. Деньги поступили из федерального бюджета.»
    return UNKNOWN, "", mixed


_BARE_PART = re.compile(
    r"(?<![\d,.])(\d{1,4}(?:[,.]\d{1,3})?)(?=\s*(?:[–—-]|выдел|направ|добав|поступ|из\s))"
)


def implied_parts(text: str, mentions: list[MoneyMention]) -> list[MoneyMention]:
    """Parts of a total written as bare numbers that take the total's unit: «130 миллионов
    рублей: 100 – из федерального бюджета, 10 – из регионального, 20 выделит «БТК Групп»»."""
    parts: list[MoneyMention] = []
    for mention in mentions:
        lead = re.match(
            r"^(?:\s*:|[\s,]*(?:из\s+(?:них|которых)|в\s+том\s+числе))", text[mention.end :]
        )
        number = re.search(r"\d[\d\s\u00a0]*(?:[,.]\d+)?", mention.quote)
        if not lead or not number:
            continue
        written = Decimal(re.sub(r"\s", "", number.group()).replace(",", "."))
        if not written:
            continue
        unit = mention.amount / written
        end = text.find(".", mention.end)
        end = len(text) if end == -1 else end
        for m in _BARE_PART.finditer(text, mention.end + lead.end(), end):
            if any(o.start <= m.start() < o.end for o in mentions):
                continue
            value = Decimal(m.group(1).replace(",", ".")) * unit
            if not value or value >= mention.amount:
                continue
            quote_end = m.end()  # the number alone: its budget is read from the words after it
            parts.append(
                MoneyMention(
                    amount=value.quantize(Decimal(1)) if value == value.to_integral() else value,
                    qualifier="exact",
                    start=m.start(),
                    end=quote_end,
                    quote=text[m.start() : quote_end],
                )
            )
    return sorted(parts, key=lambda p: p.start)


def _governing_budget(doc: Doc, si: int, position: int) -> tuple[str, str] | None:
    """The budget named last before `position` within its sentence and the three before it."""
    begin = doc.sentences[max(0, si - 3)].start
    piece = doc.text[begin:position]
    best = None
    for pattern, source, strong in SOURCE_CUES:
        if not strong or pattern is _PAYER_CUE:
            continue
        for m in pattern.finditer(piece):
            if best is None or m.start() > best[0]:
                best = (m.start(), source, m.group())
    if best is None:
        return None
    # A mix named last («из федерального и областного бюджетов») governs nothing.
    if _MIXED.search(piece[best[0] : best[0] + 80]):
        return None
    return best[1], best[2]


def _named_in(doc: Doc, k: int, clusters: list[ClusterProposal]) -> list[str]:
    s = doc.sentences[k]
    return [
        c.key for c in clusters if any(s.start <= p < s.end for p, _ in c.base_college.mentions)
    ]


def _paired_base(
    doc: Doc, si: int, clusters: list[ClusterProposal], mention: MoneyMention, group
) -> str | None:
    """In a sentence that names each base with its own sums — «X (100 млн рублей), Y (70 млн
    рублей)», «X получит 100 млн, Y — 60,5 млн», «Грант в 100 млн получит X, 60,5 млн — Y» —
    the base a sum goes with: the one before it when the sentence starts with a base, the one
    after it when it starts with a sum. None when the names and sums do not alternate so."""
    sentence = doc.sentences[si]
    events = sorted(
        [
            (p, "base", c.key)
            for c in clusters
            for p, _e in c.base_college.mentions
            if sentence.start <= p < sentence.end
        ]
        + [(m.start, "sum", id(m)) for m in group]
    )
    runs: list[list[tuple[int, str, object]]] = []
    for event in events:
        if runs and runs[-1][0][1] == event[1]:
            runs[-1].append(event)
        else:
            runs.append([event])
    base_runs = [r for r in runs if r[0][1] == "base"]
    if len(base_runs) < 2 or any(len(r) != 1 for r in base_runs):
        return None  # «на базе A и B …»: names listed together share their sums
    sums_first = runs[0][0][1] == "sum"
    if (sums_first and runs[-1][0][1] != "base") or (not sums_first and runs[0][0][1] != "base"):
        return None
    for index, run in enumerate(runs):
        if run[0][1] == "sum" and any(e[2] == id(mention) for e in run):
            neighbour = runs[index + 1] if sums_first else runs[index - 1]
            return neighbour[0][2] if neighbour[0][1] == "base" else None
    return None


def money_scope(
    doc: Doc, si: int, clusters: list[ClusterProposal], mention: MoneyMention, group=()
) -> list[str]:
    """The clusters a sum is for: see the module's docstring. [] for none."""
    if not clusters:
        return []
    sentence = doc.sentences[si]
    if _NATIONAL.search(sentence.text):
        return []
    named = _named_in(doc, si, clusters)
    paired = _paired_base(doc, si, clusters, mention, group or [mention]) if named else None
    if paired is not None and not _EACH_WORDS.search(sentence.text):
        return [paired]
    if named:
        # «Орловский автодорожный техникум получит 60,5 млн …»: in a sentence naming several
        # bases, the base named last before the sum.
        before = [
            (p, c.key)
            for c in clusters
            for p, _e in c.base_college.mentions
            if sentence.start <= p < mention.start
        ]
        if len(named) > 1 and before and not _TOGETHER.search(sentence.text):
            # «A, B и C получили суммарно 285,1 млн»: bases listed together before the sum
            # share it (joint, never split); else the base named last before it.
            spans = sorted(
                (p, e, c.key)
                for c in clusters
                for p, e in c.base_college.mentions
                if sentence.start <= p < mention.start
            )
            listed = [spans[-1]]
            for span in reversed(spans[:-1]):
                if re.fullmatch(
                    r"(?:\s+[А-ЯЁ][а-яё-]+)?\s*(?:,|и)\s*", doc.text[span[1] : listed[-1][0]]
                ):
                    listed.append(span)
                else:
                    break
            keys = list(dict.fromkeys(key for _p, _e, key in reversed(listed)))
            if len(keys) > 1:
                return keys
            return [max(before)[1]]
        return named
    if len(clusters) == 1:
        # «200 млн на создание двух кластеров» with one base found: the region's, not its;
        # but «В рамках программы создания кластеров колледж получил 100 млн»: one recipient.
        if _SEVERAL.search(sentence.text) and not _ONE_RECIPIENT.search(sentence.text):
            return []
        # «Три колледжа получили поддержку … В 2026 году на эти цели выделено 300 млн»: a sum
        # for what the sentences before speak of together is theirs, not the one base found.
        if re.search(
            r"на\s+(?:эти|их)\s+(?:цели|нужды|деньги|создание)", sentence.text, re.I
        ) and any(_SEVERAL.search(doc.sentences[k].text) for k in range(max(0, si - 2), si)):
            return []
        # «… на эти цели выделено 300 млн. Регион и бизнес также инвестируют 400 млн»: a sum
        # added to the one before («также», «ещё») is for the same clusters.
        if (
            si > 0
            and re.search(r"\b(?:также|кроме\s+того|ещ[её])\b", sentence.text, re.I)
            and re.search(r"млн|млрд|миллион|миллиард", doc.sentences[si - 1].text, re.I)
            and not _NATIONAL.search(doc.sentences[si - 1].text)
            and money_scope(doc, si - 1, clusters, mention) == []
        ):
            return []
        return [clusters[0].key]
    if _TOGETHER.search(sentence.text):
        # «на эти цели»: the clusters the sentences before speak of, else all of them.
        for k in range(si - 1, max(-1, si - 3), -1):
            named = _named_in(doc, k, clusters)
            if len(named) > 1:
                return named
        return [c.key for c in clusters]
    for k in range(si - 1, max(-1, si - 3), -1):
        if doc.sentences[k].paragraph != sentence.paragraph and k != si - 1:
            break
        named = _named_in(doc, k, clusters)
        if named:
            return named
    return [c.key for c in clusters]


def _is_each(doc: Doc, sentence: Sentence, group: list[MoneyMention], i: int) -> bool:
    mention = group[i]
    if mention.is_each:
        return True
    text = doc.text
    left, right = _clause_bounds(text, sentence, mention.start, mention.end)
    next_start = min([m.start for m in group[i + 1 :]] or [sentence.end])
    if _EACH_WORDS.search(text[mention.end : min(next_start, sentence.end)]):
        return True
    if _EACH_WORDS.search(text[max(sentence.start, mention.start - 80) : mention.start]):
        return True
    # «каждый техникум получит по 100 млн …, еще 15 млн …»: the distributive subject governs
    # every sum of its sentence.
    first = group[0]
    return (
        bool(_EACH_WORDS.search(text[sentence.start : first.start]))
        or any(m.is_each for m in group[:i])
        and bool(re.search(r"\b(?:еще|ещё|а\s+также|и)\b", text[group[i - 1].end : mention.start]))
    )


def attribute_money(
    doc: Doc,
    mentions: list[MoneyMention],
    clusters: list[ClusterProposal],
    companies: list[tuple[int, int]] = (),
) -> list[MoneyProposal]:
    """Money proposals: budget, scope, each and total for every sum (see the module's docstring).

    `companies`: spans of named companies; a sum whose own words name one and no budget
    («Ещё 5 млн рублей выделит Вагонмаш») is the employer's."""
    text = doc.text
    by_sentence: dict[int, list[MoneyMention]] = {}
    for mention in mentions:
        by_sentence.setdefault(doc.sentence_of(mention.start), []).append(mention)
    money: list[MoneyProposal] = []
    for si, group in sorted(by_sentence.items()):
        sentence = doc.sentences[si]
        following = doc.sentences[si + 1].text if si + 1 < len(doc.sentences) else ""
        # «… получил 100 млн рублей. Деньги поступили из федерального бюджета.»
        follow = (
            following
            if re.match(r"(?:Это|Эти|Деньги|Средства|Эти\s+средства|Эта\s+сумма)\s", following)
            else ""
        )
        for i, mention in enumerate(group):
            source, cue, mixed = money_source(
                text, sentence, group, i, follow if i == len(group) - 1 else ""
            )
            total_here = _TOTAL_BEFORE.search(
                text[
                    max(
                        sentence.start, mention.start - 60, group[i - 1].end if i else 0
                    ) : mention.start
                ]
            ) or bool(_TOTAL_AFTER.match(text[mention.end : mention.end + 20]))
            cofinancing = bool(
                re.search(
                    r"софинансир\w*\s*(?:[—–-]|составит|состав|$)",
                    text[max(sentence.start, mention.start - 40) : mention.start],
                    re.I,
                )
            )
            if source == UNKNOWN and not mixed and not cofinancing:
                # («средства софинансирования — 10 млн»: another budget than the one named
                # before, which the text does not name: none governs it.)
                begin = group[i - 1].end if i else sentence.start
                end = group[i + 1].start if i + 1 < len(group) else sentence.end
                # A total is no company's («130 млн: …, 20 выделит «БТК Групп»»).
                company = (
                    None
                    if total_here
                    else next((c for c in companies if begin <= c[0] and c[1] <= end), None)
                )
                # («Всего выделено 140 млн»: a total of whatever paid is no line of the budget
                # named before it.)
                governing = None if total_here else _governing_budget(doc, si, mention.start)
                if company:
                    source, cue = "employer", text[company[0] : company[1]]
                elif governing:
                    source, cue = governing
            nxt = group[i + 1] if i + 1 < len(group) else None
            after_words = text[mention.end : mention.end + 20]
            is_total = (
                nxt is not None
                and bool(_TOTAL_AFTER.match(after_words))
                and not _PART_AFTER.match(after_words)
            )
            if nxt is not None and _PART_AFTER.match(text[nxt.end : nxt.end + 12]):
                is_total = True
            since = max(sentence.start, mention.start - 60, group[i - 1].end if i else 0)
            if _TOTAL_BEFORE.search(text[since : mention.start]):
                is_total = True  # «всего … 130 млн», not the parts that follow it
            if mixed:
                # One sum for several sources at once: a reported total, never a line of one.
                is_total, source, cue = True, UNKNOWN, ""
            loose = cue_in(cue) if cue else None
            if is_total and source == "employer" and loose is not None and not loose[2]:
                # «общая сумма инвестиций …»: a loose word names no payer of a total.
                source, cue = UNKNOWN, ""
            scope = money_scope(doc, si, clusters, mention, group)
            year = _fiscal_year(text, sentence, source)
            each = _is_each(doc, sentence, group, i)
            if each and len(scope) == 1 and len(clusters) > 1 and _EACH_WORDS.search(sentence.text):
                scope = [
                    c.key for c in clusters if c.key in _together_keys(doc, si, clusters)
                ] or scope
            targets = [[key] for key in scope] if each and len(scope) > 1 else [scope]
            payers: list[str | None] = [None]
            if each and len(scope) == 1 and source == "employer":
                # «индустриальные партнеры вложат по 35 млн рублей каждый»: one line per
                # partner the text names for that cluster.
                owner = next((c for c in clusters if c.key == scope[0]), None)
                if owner is not None and len(owner.employers) > 1:
                    payers = [o.name for o in owner.employers]
            targets = [t for t in targets for _payer in payers]
            for target, payer in zip(targets, payers * (len(targets) // len(payers)), strict=True):
                money.append(
                    MoneyProposal(
                        mention.amount,
                        mention.qualifier,
                        source,
                        mention.start,
                        mention.end,
                        mention.quote,
                        target,
                        is_total,
                        each,
                        year,
                        cue,
                        mentions=[(mention.start, mention.end)],
                        payer=payer,
                    )
                )
    return _total_of_lines(_merge_repeats(doc, money))


def _total_of_lines(money: list[MoneyProposal]) -> list[MoneyProposal]:
    """A sum of no named budget that the lines the text gives one by one add up to («свыше
    130 млн» for 60,5 and 70 млн of grants) is their total, and theirs when they share one
    budget (several budgets: a total of those budgets, still of no single one)."""
    for item in money:
        if item.source != UNKNOWN or item.is_each or len(item.clusters) < 2:
            continue
        lines = [
            m
            for m in money
            if m is not item
            and not m.is_total
            and len(m.clusters) == 1
            and m.clusters[0] in item.clusters
        ]
        if len({m.clusters[0] for m in lines}) != len(item.clusters):
            continue
        added = sum((m.amount for m in lines), Decimal(0))
        qualifier = str(item.qualifier)
        fits = (
            added == item.amount
            or (qualifier == "at_least" and item.amount <= added <= item.amount * Decimal("1.05"))
            or (qualifier == "at_most" and item.amount * Decimal("0.95") <= added <= item.amount)
            or (qualifier == "approximately" and abs(added - item.amount) <= item.amount / 20)
        )
        if not fits:
            continue
        item.is_total = True
        sources = {m.source for m in lines}
        if len(sources) == 1 and UNKNOWN not in sources:
            item.source = sources.pop()
            if item.fiscal_year is None and len({m.fiscal_year for m in lines}) == 1:
                item.fiscal_year = lines[0].fiscal_year
    return money


# «конкурс на предоставление в 2024 году грантов», «получит в 2023 году грант», «грант на
# 2025 год»: the year the grant is paid in (its fiscal year, not the contest's).
_GRANT_YEAR = re.compile(
    r"(?:предоставлени\w*|получ\w+|выдел\w+|направ\w+)\s+в\s+(20[1-3]\d)\s+году\s+"
    r"(?:грант|субсид)|(?:грант|субсид)\w*\s+на\s+(20[1-3]\d)\s+год\b",
    re.I,
)


def _fiscal_year(text: str, sentence: Sentence, source: str) -> int | None:
    """The fiscal year of a sum: the grant's year its sentence names, else the one year its
    sentence names; a federal sum without one takes the grant year the text names (only one)."""
    own = text[sentence.start : sentence.end]
    grant_years = {int(a or b) for a, b in _GRANT_YEAR.findall(own)}
    if len(grant_years) == 1 and source in ("federal", UNKNOWN):
        return grant_years.pop()
    years = set(YEAR.findall(own))
    if len(years) == 1:
        return int(years.pop())
    if source == "federal" and not years:
        text_years = {int(a or b) for a, b in _GRANT_YEAR.findall(text)}
        if len(text_years) == 1:
            return text_years.pop()
    return None


def _together_keys(doc: Doc, si: int, clusters: list[ClusterProposal]) -> set[str]:
    """Keys of the clusters a distributive sentence («каждому из …») speaks of: those named in it
    and the sentences around it, else all."""
    keys: set[str] = set()
    for k in (si - 1, si, si + 1):
        if 0 <= k < len(doc.sentences):
            keys |= set(_named_in(doc, k, clusters))
    return keys if len(keys) > 1 else {c.key for c in clusters}


def _merge_repeats(doc: Doc, money: list[MoneyProposal]) -> list[MoneyProposal]:
    """One proposal per sum however often the text repeats it (headline and body): same amount,
    qualifier and kind (total or line), a compatible budget and scope, stated in another
    paragraph; never two lines the text gives one per cluster."""
    merged: list[MoneyProposal] = []

    def paragraph(item: MoneyProposal) -> int:
        return doc.sentences[doc.sentence_of(item.start)].paragraph

    for item in money:
        same = next(
            (
                m
                for m in merged
                if paragraph(m) != paragraph(item)
                and m.amount == item.amount
                and str(m.qualifier) == str(item.qualifier)
                and m.is_total == item.is_total
                and (m.source == item.source or UNKNOWN in (m.source, item.source))
                and _compatible(m.clusters, item.clusters)
                and not (m.is_each and item.is_each and m.start == item.start)
                and m.payer == item.payer
                and (m.start, m.end) not in item.mentions
            ),
            None,
        )
        if same is None:
            merged.append(item)
            continue
        same.mentions.extend(item.mentions)
        if same.source == UNKNOWN and item.source != UNKNOWN:
            same.source, same.source_quote = item.source, item.source_quote
        if len(item.clusters) < len(same.clusters) and item.clusters:
            same.clusters = item.clusters  # the body's one cluster over the headline's «all»
        if same.fiscal_year is None:
            same.fiscal_year = item.fiscal_year
    return merged


def _compatible(a: list[str], b: list[str]) -> bool:
    if a == b:
        return True
    if not a or not b:
        return False
    return set(a) <= set(b) or set(b) <= set(a)


# --- figures --------------------------------------------------------------------------------

FIGURE_NOUNS = {
    "students": {
        "студент", "обучающийся", "учащийся", "обучающиеся", "слушатель", "студентка", "ученик",
        "ребята",
    },
    "graduates": {"выпускник"},
    "intake": {"абитуриент", "первокурсник", "место"},
    "workshops": {"мастерская", "лаборатория", "зона", "площадка", "полигон"},
    "employers": {
        "предприятие", "работодатель", "компания", "партнёр", "партнер", "организация-партнёр",
        "предприятие-работодатель", "предприятие-партнёр", "организация",
    },
    "colleges": {
        "колледж", "техникум", "учреждение", "организация", "поо", "ссуз", "заведение", "вуз",
    },
    "programmes": {"программа", "профессия", "специальность"},
}  # fmt: skip
_COUNTED_PARTICIPLES = {
    "обучающийся",
    "учащийся",
    "обучаться",
    "учиться",
    "обучающихся",
    "учащихся",
}
# The qualifier words of a figure are those of a sum (common/moneywords.py).
_FIGURE_QUALIFIERS = QUALIFIER_WORDS
_NUMBER = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0]\d{3})+|\d{1,9})(?:,(\d{1,2}))?(?![\d.]\d)(?!,\d{3})"
)
_NUMBER_WORDS = {
    "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
    "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
    "девятнадцать": 19, "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50,
    "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100,
}  # fmt: skip
_AREA = re.compile(r"\s*(?:кв\.?\s*м(?:етр\w*)?\.?|квадратн\w+\s+метр\w*|м²)", re.I)
_WORD_NUMBER = re.compile(r"(?<![А-Яа-яЁё])[А-Яа-яЁё]{3,14}(?![А-Яа-яЁё])")
_THOUSANDS = re.compile(r"\s*(?:тысяч\w*|тыс\.?)")
_FIGURE_WORD = re.compile(r"\s+([А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*)")
_REGION_SCOPE = re.compile(
    r"\bпроект\s+объедин|\bв\s+регионе|\bрегион\w*\b(?!\s+получ)|\bв\s+крае\b|\bв\s+области\b|\bв\s+республике\b"
    r"|\bв\s+общей\s+сложности|\bкластер(?:ы|ов|ах|ам)\b|\bих\s+состав|\bв\s+(?:их|эти|них)\b|\bсубъект"
    r"|\b(?:[А-ЯЁ]\w+\s+)?(?:края|крае|области|республике|округе)\b|на\s+Кубани|в\s+Кузбассе|в\s+ДНР"
    r"|со\s+всей\s+страны|в\s+стране|в\s+России"
    # «на программы «Профессионалитета» поступили …», «общий контингент студентов …»: the
    # project's or all the clusters' count, not one cluster's
    # «Ежегодно колледжи заканчивают свыше 7 тысяч выпускников»: the colleges, all of them
    r"|\b(?:[Кк]олледжи|[Тт]ехникумы)\s+(?:[а-яё]+\s+)?(?:заканчива|оканчива|выпуска|готов|обуча)\w*"
    r"|программ\w*\s+[«\"]?Профессионалитет|\bобщ(?:ий|ее|ая|ем)\s+(?:контингент|числ|количеств|численност)",
    re.I,
)
_ONE_CLUSTER = re.compile(
    r"\bкластер(?:а|у|ом|е)?\b|\bцентр(?:а|у|ом|е)?\b|\bв\s+него\b"
    r"|\bОн\b|\bЕго\b|\bВ\s+проекте\b",
    re.I,
)
_INTAKE = re.compile(
    r"приступ\w*\s+к\s+(?:обучению|занятиям)|к\s+(?:обучению|занятиям)\s+приступ"
    r"|начн\w+\s+обучени|начал\w*\s+обучени|набор\w*"
    r"|поступивш\w*|поступил\w*\s+на\s+(?:первый|1)\s+курс",
    re.I,
)
_WINNERS = re.compile(r"победител|получ\w+|выигра\w+|заявк", re.I)
# Students who finish their studies this year are the year's graduates.
_GRADUATION = re.compile(
    r"\b(?:законч|оконч|заверш|заканчива|оканчива)\w*\s+(?:\w+\s+)?(?:обучени|учеб)", re.I
)


def _figure_kind(noun_words: list[str], sentence: str) -> str | None:
    """The figure a counted noun (first) stands for; the other words only qualify it."""
    word = noun_words[0]
    parts = word.lower().split("-")
    candidates = [lang.lemma(word)] + [lang.lemma(p) for p in parts]
    joined = " ".join(noun_words).lower()
    if candidates[0] in {"специалист", "педагог", "строитель"}:
        if re.search(r"обуча|учит|студент", sentence, re.I) and "будущ" in sentence.lower():
            return "students"
        if re.search(r"ежегодно|выпуск", sentence, re.I):
            return "graduates"
        return None
    if candidates[0] == "человек" and re.search(
        r"обучени\w+\s+.*пройдут|обуча\w+|контингент\w*\s+студент", sentence, re.I
    ):
        return "students"
    # «200 студентов-первокурсников»: the compound's more specific part names the figure
    parts_kinds = {
        kind for kind in ("intake", "graduates") for c in candidates[1:] if c in FIGURE_NOUNS[kind]
    }
    if len(parts) > 1 and len(parts_kinds) == 1:
        return parts_kinds.pop()
    for kind, nouns in FIGURE_NOUNS.items():
        if not any(c in nouns for c in candidates):
            continue
        if kind == "workshops" and {"зона", "площадка", "полигон"} & set(candidates):
            if not re.search(r"производствен|учебн|по\s+видам", joined + " " + word.lower()):
                continue
        if kind == "colleges" and {"учреждение", "организация", "заведение"} & set(candidates):
            if not re.search(r"спо|профессиональн|образовательн|учебн|профобраз|среднего", joined):
                continue
        if kind == "employers" and "организация" in candidates:
            # «12 ведущих организаций здравоохранения»: the employers of a medical cluster.
            if not re.search(r"партн|производств|здравоохран|медицинск", joined):
                continue
        if kind == "intake" and "место" in candidates:
            # «275 бюджетных мест»: places of the year's intake, not seats of a hall.
            if not re.search(r"бюджетн|бесплатн|(?:для|на)\s+(?:при[её]м|набор|поступ)", joined):
                continue
        if kind == "students" and _INTAKE.search(sentence):
            return "intake"
        if kind == "students" and _GRADUATION.search(sentence):
            return "graduates"  # «Более 600 студентов … закончат обучение»
        return kind
    return None


def _figure_noun(after: str, sentence: str) -> tuple[str, bool, int] | None:
    """(figure kind, «тыс.» given, end of the counted noun) for the words after a number.

    The counted noun is the first noun after at most three adjectives («18 современных
    мастерских», «16 крупных машиностроительных предприятий-работодателей»).
    """
    position = 0
    thousands = _THOUSANDS.match(after)
    if thousands:
        position = thousands.end()
    area = _AREA.match(after, position)
    if area:
        return "area", bool(thousands), area.end()
    found: list[re.Match] = []
    while len(found) < 6:
        m = _FIGURE_WORD.match(after, position)
        if not m:
            break
        found.append(m)
        position = m.end()
    for index, m in enumerate(found[:4]):
        word = m.group(1)
        # «150 обучающихся», «300 учащихся»: a participle standing for a noun.
        if lang.lemma(word) in _COUNTED_PARTICIPLES or word.lower() in _COUNTED_PARTICIPLES:
            kind = "intake" if _INTAKE.search(sentence) else "students"
            return kind, bool(thousands), m.end()
        if lang.any_reading(word.split("-")[0], "NOUN") and not (
            (lang.has_tag(word, "ADJF") or lang.has_tag(word, "PRTF"))
            and index + 1 < len(found)
            and index < 3
            and _figure_kind([word], sentence) is None
        ):
            context = (
                [word]
                + [f.group(1) for f in found[:index]]
                + [f.group(1) for f in found[index + 1 : index + 3]]
            )
            kind = _figure_kind(context, sentence)
            if kind is None:
                return None
            return kind, bool(thousands), m.end()
        if not (lang.any_reading(word, "ADJF") or lang.any_reading(word, "PRTF")):
            return None
    return None


def _numbers(text: str, money_spans: list[tuple[int, int]]):
    """(start, end, value) of every number written in digits or words outside money."""
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in money_spans):
            continue
        whole = re.sub(r"\s", "", match.group(1))
        value = Decimal(whole + ("." + match.group(2) if match.group(2) else ""))
        if match.group(2) is None and 1990 <= value <= 2099 and " " not in match.group(1):
            continue
        yield start, end, value
    for match in _WORD_NUMBER.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in money_spans):
            continue
        parse = lang.parses(match.group().lower())
        if not parse or "NUMR" not in parse[0].tag and parse[0].normal_form != "тысяча":
            continue
        lemma = parse[0].normal_form
        if lemma == "тысяча":
            # «более тысячи специалистов»: a thousand with nothing before it.
            if re.search(r"\d\s*$|[а-яё]\s+$", text[max(0, start - 12) : start]) and not re.search(
                r"(?:более|свыше|около|почти|порядка|до)\s+$", text[max(0, start - 12) : start]
            ):
                continue
            yield start, start, Decimal(1)
            continue
        if lemma in _NUMBER_WORDS:
            yield start, end, Decimal(_NUMBER_WORDS[lemma])
        elif lemma == "два":
            yield start, end, Decimal(2)  # kept only for employers (see find_figures)


def find_figures(
    doc: Doc, money_spans: list[tuple[int, int]], clusters: list[ClusterProposal]
) -> list[FigureProposal]:
    text = doc.text
    figures: list[FigureProposal] = []
    for start, end, value in _numbers(text, money_spans):
        si = doc.sentence_of(start)
        sentence = doc.sentences[si].text
        found = _figure_noun(text[end : end + 100], sentence)
        if found is None:
            continue
        kind, thousands, tail_end = found
        if thousands:
            value *= 1000
        if value != value.to_integral():
            continue
        if value == 2 and kind != "employers" and not text[start].isdigit():
            continue  # «два колледжа получат …»: the clusters themselves, not a count of members
        if kind == "colleges" and _WINNERS.search(sentence):
            continue  # «три колледжа получили гранты»: the winners themselves, not members
        before = text[max(0, start - 25) : start].lower().split()
        qualifier = "exact"
        if before:
            if len(before) >= 2 and before[-2] == "не" and before[-1] in {"менее", "меньше"}:
                qualifier = "at_least"
            elif before[-1] in _FIGURE_QUALIFIERS and (before[-1] != "до" or kind == "students"):
                qualifier = _FIGURE_QUALIFIERS[before[-1]]
            elif len(before) >= 2 and before[-2] == "более" and before[-1] == "чем":
                qualifier = "at_least"
        quote_start = start
        if qualifier != "exact":
            q = re.search(
                r"(?:не\s+менее|не\s+меньше|более\s+чем|\w+)\s*$", text[max(0, start - 25) : start]
            )
            if q:
                quote_start = max(0, start - 25) + q.start()
        quote_end = end + tail_end
        cluster, scope = _figure_scope(doc, si, start, clusters)
        paragraph = doc.sentences[si].paragraph
        if any(
            (f.kind, f.value, str(f.qualifier), f.cluster, f.scope)
            == (kind, int(value), qualifier, cluster, scope)
            and doc.sentences[doc.sentence_of(f.start)].paragraph != paragraph
            for f in figures
        ):
            continue  # the headline's figure repeated in the body: one proposal
        figures.append(
            FigureProposal(
                kind,
                int(value),
                qualifier,
                quote_start,
                quote_end,
                text[quote_start:quote_end],
                cluster,
                scope,
            )
        )
    return figures


def _figure_scope(
    doc: Doc, si: int, position: int, clusters: list[ClusterProposal]
) -> tuple[str | None, str]:
    """(cluster key or None, "cluster" | "region") of a figure stated at `position`."""
    sentence = doc.sentences[si]
    named = _named_in(doc, si, clusters)
    if len(named) == 1:
        return named[0], "cluster"
    if named:
        before = [
            (p, c.key)
            for c in clusters
            for p, _e in c.base_college.mentions
            if sentence.start <= p < position
        ]
        return (max(before)[1], "cluster") if before else (None, "region")
    if _about_one_cluster(sentence.text) and not _SEVERAL_CLUSTERS.search(sentence.text):
        # «Участниками кластера станут три учреждения … Курской области»: the cluster's.
        if len(clusters) == 1:
            return clusters[0].key, "cluster"
        if not clusters:
            return None, "cluster"
    if _REGION_SCOPE.search(sentence.text):
        return None, "region"
    previous = doc.sentences[si - 1] if si else None
    if (
        previous is not None
        and previous.paragraph == sentence.paragraph
        and _REGION_SCOPE.search(previous.text)
        and not _named_in(doc, si - 1, clusters)
        and re.search(r"\b(?:их|для\s+их|этих|эти)\b", sentence.text, re.I)
    ):
        return None, "region"  # «… в области будут обучаться … Для их подготовки создадим …»
    if not clusters:
        # «… работает кластер "Сельское хозяйство" … Более 300 студентов …»: a cluster whose
        # base the text does not name.
        previous = doc.sentences[si - 1] if si else None
        about = _about_one_cluster(sentence.text) or (
            previous is not None
            and previous.paragraph == sentence.paragraph
            and _about_one_cluster(previous.text)
        )
        return None, "cluster" if about else "region"
    # A sentence about one cluster («Кластер объединил …», «В него войдут …»), or one close
    # after the text last spoke of a cluster, counts for that cluster: the nearest base named
    # before it, or the only one.
    for k in range(si, max(-1, si - 6), -1):
        if doc.sentences[k].paragraph < sentence.paragraph - 2:
            break
        named = _named_in(doc, k, clusters)
        if len(named) == 1:
            return named[0], "cluster"
        if named:
            break
        if _about_one_cluster(doc.sentences[k].text) and len(clusters) == 1:
            return clusters[0].key, "cluster"
    following = doc.sentences[si + 1] if si + 1 < len(doc.sentences) else None
    if (
        len(clusters) == 1
        and following is not None
        and following.paragraph == sentence.paragraph
        and _named_in(doc, si + 1, clusters)
    ):
        return clusters[0].key, "cluster"  # «… объединивший завод и семь колледжей. Центр … в X»
    return None, "region"


def _about_one_cluster(sentence: str) -> bool:
    """A sentence about one cluster: «Кластер объединил …», «в него войдут» — not «3 центра»."""
    return any(
        not re.search(
            r"(?:(?<![\d.])\d{1,3}|\b(?:два|две|три|четыре|оба))\s+(?!год)[а-яё -]{0,60}[(«\s]*$",
            sentence[: m.start()],
        )
        for m in _ONE_CLUSTER.finditer(sentence)
    )
