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

import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from common.moneywords import AT_MOST, MoneyMention, find_money
from extraction import language as lang
from extraction.language import Sentence, Word

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

UNKNOWN = "unknown"

# --- reference data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The names the extractor may answer with: regions and industries of the registry."""

    regions: tuple[str, ...]
    industries: tuple[tuple[str, str], ...]  # (slug, name)

    @classmethod
    @cache
    def from_fixtures(cls) -> Reference:
        regions = json.loads((FIXTURES / "01_regions.json").read_text(encoding="utf-8"))
        industries = json.loads((FIXTURES / "02_industries.json").read_text(encoding="utf-8"))
        return cls(
            regions=tuple(r["fields"]["name"] for r in regions if r["model"] == "regions.region"),
            industries=tuple(
                (r["fields"]["slug"], r["fields"]["name"])
                for r in industries
                if r["model"] == "clusters.industry"
            ),
        )


# Everyday names of subjects («в Подмосковье», «Приангарье»), general Russian usage.
REGION_ALIASES = {
    "подмосковье": "Московская область",
    "приангарье": "Иркутская область",
    "кузбасс": "Кемеровская область - Кузбасс",
    "кубань": "Краснодарский край",
    "ставрополье": "Ставропольский край",
    "забайкалье": "Забайкальский край",
    "приморье": "Приморский край",
    "прикамье": "Пермский край",
    "зауралье": "Курганская область",
    "ямал": "Ямало-Ненецкий автономный округ",
    "югра": "Ханты-Мансийский автономный округ - Югра",
    "якутия": "Республика Саха (Якутия)",
    "татарстан": "Республика Татарстан (Татарстан)",
    "башкирия": "Республика Башкортостан",
    "чувашия": "Чувашская Республика - Чувашия",
    "удмуртия": "Удмуртская Республика",
    "мордовия": "Республика Мордовия",
    "бурятия": "Республика Бурятия",
    "карелия": "Республика Карелия",
    "хакасия": "Республика Хакасия",
    "крым": "Республика Крым",
    "петербург": "Санкт-Петербург",
    "москва": "Москва",
    "севастополь": "Севастополь",
    "кабардино-балкария": "Кабардино-Балкарская Республика",
    "чечня": "Чеченская Республика",
    "дагестан": "Республика Дагестан",
}

# Industry words: stems of the nouns and adjectives Russian uses for each registry industry.
INDUSTRY_STEMS: dict[str, tuple[str, ...]] = {
    "metallurgy": ("металлург",),
    "mechanical-engineering": ("машиностро", "станкостро"),
    "chemical-industry": ("химическ", "химии", "химия", "нефтехим"),
    "construction": ("строительн", "строительств"),
    "pharmaceutical-industry": ("фармацевт", "фармацев"),
    "transport": ("транспортн",),
    "fuel-and-energy-complex": ("топливно-энергетическ", "нефтегаз", "нефтедобыв"),
    "railway-transport": ("железнодорожн",),
    "agriculture": (
        "сельскохозяйствен",
        "сельского хозяйства",
        "сельское хозяйство",
        "агропромышлен",
        "аграрн",
        "агро",
    ),
    "light-industry": (
        "легкой промышленност",
        "легкая промышленност",
        "лёгкой промышленност",
        "легкой отрасл",
        "швейн",
        "текстильн",
    ),
    "forest-industry": (
        "лесной промышленност",
        "лесная промышленност",
        "лесопромышлен",
        "лесн",
        "деревообраб",
    ),
    "nuclear-industry": ("атомн",),
    "mining": ("горнодобыва", "горнорудн", "горно-металлург", "горнотехн", "горнодоб"),
    "electrical-engineering-industry": ("электротехническ",),
    "electronics-industry": (
        "электронной промышленност",
        "электронная промышленност",
        "радиоэлектрон",
        "микроэлектрон",
    ),
    "information-technology": (
        "информационн технолог",
        "информационных технолог",
        "информационные технолог",
        "it-",
        "ит-отрасл",
        "цифров",
    ),
    "tourism-and-services": (
        "туризм",
        "туристическ",
        "гостеприимств",
        "сферы услуг",
        "сфера услуг",
    ),
    "media-and-communication-technologies": (
        "средств массовой информации",
        "массовой информации",
        "медиаиндустр",
        "медиа",
    ),
    "arts-and-creative-industries": ("креативн", "искусств"),
    "clinical-and-preventive-medicine": ("медицин", "здравоохранен"),
    "law-enforcement-and-public-administration": ("правоохранительн",),
    "pedagogy": ("педагогик", "педагогическ", "образовательн отрасл"),
    "robotics-industry": ("робототехн",),
    "energy": ("энергетик", "энергетическ", "электроэнергетик"),
}
# Stems that also occur as ordinary words far from any industry sense.
_WEAK_INDUSTRY = {"цифров", "медиа", "педагогическ", "искусств", "агро", "лесн", "строительств"}

# --- what a proposal is ---------------------------------------------------------------------


@dataclass
class Org:
    """A named organisation in the text: its name in the nominative, where, and its aliases."""

    kind: str  # "college" | "employer"
    name: str
    start: int
    end: int
    quote: str
    key: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Span:
    start: int
    end: int
    quote: str


@dataclass
class ClusterProposal:
    key: str
    base_college: Org
    region: str | None = None
    region_span: Span | None = None
    industry: str | None = None  # slug
    industry_span: Span | None = None
    kind: str | None = None
    kind_span: Span | None = None
    year: int | None = None
    year_span: Span | None = None
    network_colleges: list[Org] = field(default_factory=list)
    employers: list[Org] = field(default_factory=list)


@dataclass
class MoneyProposal:
    amount: Decimal
    qualifier: str
    source: str
    start: int
    end: int
    quote: str
    clusters: list[str]  # cluster keys; several = joint
    is_total: bool = False
    is_each: bool = False
    fiscal_year: int | None = None
    source_quote: str = ""

    @property
    def is_joint(self) -> bool:
        return len(self.clusters) > 1


@dataclass
class FigureProposal:
    kind: str  # students | workshops | employers | colleges | programmes
    value: int
    qualifier: str
    start: int
    end: int
    quote: str
    cluster: str | None


@dataclass
class Extraction:
    clusters: list[ClusterProposal]
    money: list[MoneyProposal]
    figures: list[FigureProposal]
    organisations: list[Org]
    region: str | None

    def cluster(self, key: str | None) -> ClusterProposal | None:
        return next((c for c in self.clusters if c.key == key), None)

    def scope_label(self, money: MoneyProposal) -> str | None:
        names = [self.cluster(k).base_college.name for k in money.clusters if self.cluster(k)]
        if not names:
            return None
        if len(names) > 1:
            return "joint: " + "; ".join(names)
        return names[0]

    def as_api(self, reference: Reference | None = None) -> dict:
        """The answer of POST /api/v1/extract/, in exactly the issue's shape."""
        return {
            "clusters": [
                {
                    "region": c.region,
                    "industry": c.industry,
                    "kind": c.kind,
                    "base_college": c.base_college.name,
                    "network_colleges": [o.name for o in c.network_colleges],
                    "employers": [o.name for o in c.employers],
                    "year": c.year,
                }
                for c in self.clusters
            ],
            "money": [
                {
                    "amount": int(m.amount)
                    if m.amount == m.amount.to_integral()
                    else float(m.amount),
                    "qualifier": str(m.qualifier),
                    "source": m.source,
                    "scope": self.scope_label(m),
                    "quote": m.quote,
                }
                for m in self.money
            ],
            "figures": [
                {"kind": f.kind, "value": f.value, "qualifier": str(f.qualifier), "quote": f.quote}
                for f in self.figures
                if f.cluster is not None
            ],
        }

    def as_json(self) -> dict:
        """Everything, for storing beside the source and for the review screen."""
        data = asdict(self)
        for item in data["money"]:
            item["amount"] = str(item["amount"])
            item["qualifier"] = str(item["qualifier"])
        for item in data["figures"]:
            item["qualifier"] = str(item["qualifier"])
        return data


# --- organisations --------------------------------------------------------------------------

COLLEGE_HEADS = {"колледж", "техникум", "академия", "училище", "лицей", "институт", "университет"}
COLLEGE_FORMS = {
    "гапоу",
    "гбпоу",
    "гпоу",
    "огапоу",
    "огбпоу",
    "кгбпоу",
    "кгапоу",
    "гоапоу",
    "гобпоу",
    "бпоу",
    "апоу",
    "спб",
    "пк",
    "гбоу",
    "фгбоу",
    "поу",
    "ано",
    "чпоу",
    "мбпоу",
    "мпоу",
}
EDU_FORMS_NOT_COLLEGE = {"фгбоу", "гбоу", "ано"}  # only with a college head inside the quote
EMPLOYER_HEADS = {
    "завод",
    "комбинат",
    "компания",
    "корпорация",
    "холдинг",
    "концерн",
    "фабрика",
    "предприятие",
    "объединение",
    "верфь",
    "судоверфь",
    "банк",
    "агрохолдинг",
    "group",
}
EMPLOYER_FORMS = {
    "ао",
    "пао",
    "ооо",
    "оао",
    "зао",
    "нао",
    "фгуп",
    "гуп",
    "муп",
    "гк",
    "нпо",
    "нпп",
    "пк",
}
EMPLOYER_FORM_WORDS = {
    ("акционерный", "общество"): "АО",
    ("публичный", "акционерный", "общество"): "ПАО",
    ("общество", "с", "ограниченный", "ответственность"): "ООО",
    ("группа", "компания"): "ГК",
}
# «колледж» as a part of other words' names that are not a college: none; but these heads
# preceded by these lemmas are bodies, not organisations to register.
_NOT_ORG_BEFORE = {"федеральный", "министерство", "правительство"}
_GENITIVE_LINKS = {"и"}


def _quote_at(spans: list[tuple[int, int]], start: int) -> tuple[int, int] | None:
    return next((s for s in spans if s[0] == start), None)


def _find_orgs(text: str, ws: list[Word]) -> list[Org]:
    quotes = lang.quoted_spans(text)
    orgs: list[Org] = []
    used: list[tuple[int, int]] = []

    def overlaps(a: int, b: int) -> bool:
        return any(a < e and s < b for s, e in used)

    def add(kind: str, start: int, end: int, name: str) -> Org | None:
        if overlaps(start, end):
            return None
        name = re.sub(r"\s+", " ", name).strip(" ,.;:-–—")
        name = re.sub(r"»\s*»", "»»", name)
        org = Org(kind, name, start, end, text[start:end], lang.normalise_name(name))
        org.mentions.append((start, end))
        used.append((start, end))
        orgs.append(org)
        return org

    index_of = {w.start: i for i, w in enumerate(ws)}

    # 1. A form or head followed by a quoted name: ГАПОУ «…», колледж «Энергия», АО «БТК групп».
    for qs, qe in quotes:
        before = [w for w in ws if w.end <= qs][-5:]
        inner = text[qs + 1 : qe - 1].strip()
        if not inner or len(inner) > 120:
            continue
        inner_words = [w for w in lang.words(inner) if w.is_word]
        if not inner_words:
            continue
        inner_lemmas = [lang.lemma(w.text) for w in inner_words]
        prev = before[-1] if before else None
        prev_lemma = lang.lemma(prev.text) if prev else ""
        # The quote is itself a college name: «Гуманитарно-технический техникум».
        if any(lemma in COLLEGE_HEADS for lemma in inner_lemmas) and inner_words[0].is_capitalised:
            has_form = prev is not None and prev.lower in COLLEGE_FORMS
            # «модели «Эффективный колледж»»: a quote named by the noun before it is no college.
            if (
                not has_form
                and prev is not None
                and prev.is_word
                and lang.has_tag(prev.text, "NOUN")
            ):
                used.append((qs, qe))
                continue
            start = prev.start if has_form else qs
            label = (prev.text + " " if start != qs else "") + text[qs:qe]
            add("college", start, qe, label)
            continue
        if prev is None or text[prev.end : qs].strip():
            continue
        if prev.lower in COLLEGE_FORMS - EMPLOYER_FORMS or (
            prev_lemma in COLLEGE_HEADS and prev.lower not in EMPLOYER_FORMS
        ):
            start, label = _with_adjectives(text, ws, index_of[prev.start], prev_lemma)
            add("college", start, qe, label + " " + text[qs:qe])
            continue
        if prev.lower == "пк" or (prev.text == "ПК"):
            add("college", prev.start, qe, "ПК " + text[qs:qe])
            continue
        if prev.lower in EMPLOYER_FORMS:
            add("employer", prev.start, qe, prev.text.upper() + " " + text[qs:qe])
            continue
        form = _employer_form_words(ws, index_of[prev.start])
        if form:
            label, start = form
            add("employer", start, qe, label + " " + text[qs:qe])
            continue
        if prev_lemma in EMPLOYER_HEADS:
            start, label = _with_adjectives(text, ws, index_of[prev.start], prev_lemma)
            add("employer", start, qe, label + " " + text[qs:qe])

    # 2. Unquoted names around a head noun: «Иркутский энергетический колледж», «Иркутский
    #    техникум авиастроения и материалообработки», «Амурский судостроительный завод».
    for i, word in enumerate(ws):
        if not word.is_word or overlaps(word.start, word.end):
            continue
        head = lang.lemma(word.text)
        if head in COLLEGE_HEADS:
            kind = "college"
        elif head in EMPLOYER_HEADS - {"компания", "предприятие", "объединение", "банк"}:
            kind = "employer"
        else:
            continue
        if not lang.any_reading(word.text, "NOUN"):
            continue
        left = i
        while (
            left > 0 and _is_name_adjective(ws[left - 1]) and ws[left - 1].end + 2 >= ws[left].start
        ):
            left -= 1
        right = i
        # genitive dependents: «… профессионального образования», «… авиастроения и …»
        j = i + 1
        while j < len(ws):
            w = ws[j]
            if not w.is_word or text[ws[j - 1].end : w.start].strip() or w.lower in {"им", "имени"}:
                break
            if w.is_capitalised and lang.any_reading(w.text, "ADJF"):
                break  # «… и Сокольского педагогического колледжа»: the next name begins
            if (
                w.lower not in _GENITIVE_LINKS
                and len(w.text) > 2
                and (
                    lang.any_reading(w.text, "NOUN", "gent")
                    or lang.any_reading(w.text, "ADJF", "gent")
                )
                and lang.lemma(w.text) not in COLLEGE_HEADS | EMPLOYER_HEADS
            ):
                if lang.any_reading(w.text, "NOUN", "gent") and not lang.has_tag(w.text, "ADJF"):
                    right = j
                j += 1
                continue
            if (
                w.lower in _GENITIVE_LINKS
                and j + 1 < len(ws)
                and lang.has_tag(ws[j + 1].text, "gent")
                and (
                    lang.any_reading(ws[j + 1].text, "NOUN")
                    or lang.any_reading(ws[j + 1].text, "ADJF")
                )
            ):
                j += 1
                continue
            break
        # «им. М.И. Щадова», «имени П. П. Аносова», «имени адмирала Г.И. Невельского»,
        # «имени Красной Армии»
        k = right + 1
        if k < len(ws) and ws[k].lower in {"им", "имени"}:
            m = k + 1
            if m < len(ws) and ws[m].text == ".":
                m += 1
            if m < len(ws) and ws[m].is_word and not ws[m].is_capitalised and len(ws[m].text) > 3:
                m += 1  # a title: «адмирала», «академика»
            while m < len(ws) and (
                ws[m].text == "." or (len(ws[m].text) == 1 and ws[m].text.isupper())
            ):
                m += 1
            last = None
            while (
                m < len(ws)
                and ws[m].is_word
                and ws[m].is_capitalised
                and len(ws[m].text) > 1
                and (last is None or not text[ws[m - 1].end : ws[m].start].strip())
                and (last is None or m - last == 1)
                and lang.lemma(ws[m].text) not in COLLEGE_HEADS
            ):
                last = m
                m += 1
                if lang.has_tag(ws[last].text, "NOUN") and not lang.any_reading(
                    ws[last].text, "ADJF"
                ):
                    break  # a surname or noun ends the name
            if last is not None:
                right = last
        has_left = left < i and ws[left].is_capitalised
        # «на базе Колледжа строительства и профессиональных технологий»: a capitalised head
        # with its genitive dependents is a name too (not at a sentence start, where any
        # word is capitalised).
        head_named = (
            left == i
            and word.is_capitalised
            and right > i
            and i > 0
            and ws[i - 1].text not in {".", "!", "?", "…", "«", '"', "–", "—", "-"}
            and "\n" not in text[ws[i - 1].end : word.start]
        )
        if not (has_left or head_named):
            continue
        if left > 0 and lang.lemma(ws[left - 1].text) in _NOT_ORG_BEFORE:
            continue
        start, end = ws[left].start, ws[right].end
        parts = [w.text for w in ws[left : i + 1]]
        head_words = lang.to_nominative(parts, len(parts) - 1)
        tail = text[ws[i].end : end]
        add(kind, start, end, " ".join(head_words) + tail)

    # 3. Abbreviations the text defines: «Смоленская академия … (СмолАПО)».
    for org in orgs:
        match = re.match(
            r"\s*\(([А-ЯЁA-Z][А-Яа-яЁёA-Za-z\-]{1,15})\)", text[org.end : org.end + 20]
        )
        if match and any(c.isupper() for c in match.group(1)[1:]):
            org.aliases.append(match.group(1))
    # …and abbreviations used without a definition that spell the name's initials («СмолАПО»).
    for m in re.finditer(r"(?<![\wА-Яа-яЁё])([А-ЯЁ][а-яё]{0,5}[А-ЯЁ]{2,8})(?![\wА-Яа-яЁё])", text):
        for org in orgs:
            if m.group(1) not in org.aliases and _is_acronym(m.group(1), org.name):
                org.aliases.append(m.group(1))
    for org in orgs:
        for alias in org.aliases:
            for m in re.finditer(
                r"(?<![\wА-Яа-яЁё])" + re.escape(alias) + r"(?![\wА-Яа-яЁё])", text
            ):
                if not any(s <= m.start() < e for s, e in org.mentions):
                    org.mentions.append((m.start(), m.end()))
    return _merge_orgs(orgs, text)


def _is_acronym(token: str, name: str) -> bool:
    """«СмолАПО» spells «Смоленская академия профессионального образования»: a prefix of the
    first word, then the first letter of each further word (short links like «и» may drop)."""
    parts = [w.text.lower() for w in lang.words(name) if w.is_word and w.text.lower() not in {"им"}]
    token = token.lower()
    if len(parts) < 2:
        return False

    def match(t: str, i: int) -> bool:
        if i == len(parts):
            return t == ""
        if not t:
            return False
        word = parts[i]
        if len(word) <= 2 and match(t, i + 1):
            return True
        return t[0] == word[0] and match(t[1:], i + 1)

    first = parts[0]
    return any(
        token.startswith(first[:k]) and match(token[k:], 1)
        for k in range(1, min(len(first), 6) + 1)
    )


def _is_name_adjective(word: Word) -> bool:
    if not word.is_word or word.text.isupper():
        return False
    last = word.text.rpartition("-")[2].lower()
    readings = lang.parses(last)
    if not any("ADJF" in p.tag for p in readings):
        return False
    first = readings[0].tag
    if "NPRO" in first or "PRTF" in first:
        return False
    # «Дзержинского»: a capitalised adjective of a place may read first as a surname.
    return "NOUN" not in first or (word.is_capitalised and "Surn" in first)


def _with_adjectives(text: str, ws: list[Word], head: int, head_lemma: str) -> tuple[int, str]:
    """Start and nominative label of a head noun with the capitalised adjectives before it."""
    left = head
    while left > 0 and _is_name_adjective(ws[left - 1]):
        left -= 1
    if left < head and not ws[left].is_capitalised:
        left = head
    parts = [w.text for w in ws[left : head + 1]]
    label = lang.to_nominative(parts, len(parts) - 1)
    if left == head:
        label = [
            label[0].lower() if label[0][:1].isupper() and not label[0].isupper() else label[0]
        ]
    return ws[left].start, " ".join(label)


def _employer_form_words(ws: list[Word], last: int) -> tuple[str, int] | None:
    for words_, label in EMPLOYER_FORM_WORDS.items():
        n = len(words_)
        if last - n + 1 < 0:
            continue
        window = ws[last - n + 1 : last + 1]
        if tuple(lang.lemma(w.text) for w in window) == words_:
            return label, window[0].start
    return None


def _merge_orgs(orgs: list[Org], text: str) -> list[Org]:
    """One Org per organisation: the same key or a quoted core («колледж «Энергия»» = «ПК «Энергия»»)."""
    merged: list[Org] = []
    for org in sorted(orgs, key=lambda o: o.start):
        same = next((m for m in merged if m.kind == org.kind and _same_org(m, org)), None)
        if same is None:
            merged.append(org)
            continue
        same.mentions.extend(org.mentions)
        same.aliases.extend(a for a in org.aliases if a not in same.aliases)
        # Prefer the fuller name as the label (a name with adjectives over «ПК «…»»).
        if len(org.name) > len(same.name) and not org.name.startswith(
            ("ПК ", "колледж ", "техникум ")
        ):
            same.name = org.name
    return merged


def _quoted_core(name: str) -> str | None:
    match = re.search(r"[«\"](.+)[»\"]", name)
    return lang.normalise_name(match.group(1)) if match else None


def _same_org(a: Org, b: Org) -> bool:
    if a.key == b.key:
        return True
    core_a, core_b = _quoted_core(a.name), _quoted_core(b.name)
    return core_a is not None and core_a == core_b


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

    orgs = _find_orgs(text, ws)
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
