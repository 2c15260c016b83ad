"""One record per real organisation: does a written name mean a college or employer the
registry already holds?

Press items, regional spreadsheets and clerks write one organisation many ways: «лицей им.
Г. А. Ванага» and «лицей имени Г.А. Ванага», «АВТОВАЗ» and «АО «АвтоВАЗ»», «РЖД» and «ОАО
«РЖД»», «холдинг «Залесье»» and «агропромышленный холдинг «Залесье»», «Пермский
химико-технологический техникум (ПХТТ)». The import, the press-release assistant and the
admin's «add» forms all ask this module, so they agree:

* `parse_name(name)` reads a name into what identifies it (`OrgName`): the name without legal
  forms, quotes, case, ё, «им.»/«имени», dots of initials; the proper name inside quotes;
  the abbreviations and other names it gives in parentheses; the town it adds;
* `compare(a, b)` says whether two names are surely one organisation (`SURE`), possibly
  (`NEAR`, with a score: staff decide), or not;
* `placeholder(name)` recognises what is not an organisation at all («12 учреждений СПО (not
  named)», «местные предприятия», «+5 more») and what count it reports;
* `OrgIndex` finds the records a name means among many (an import of 10 000 rows builds it
  once), within the region: colleges of one subject only, employers of one subject or of
  none; companies known nationwide (РЖД, Росатом…) and equal ИНН match across subjects.

Names are compared, never rewritten: the registry keeps the first spelling and remembers the
others as the record's `aliases`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

# Legal forms and kinds of institution written before (or around) the name proper.
LEGAL_FORM_TOKENS = {
    # educational institutions
    "гбпоу",
    "гапоу",
    "гпоу",
    "гпоау",
    "гоапоу",
    "гобпоу",
    "огбпоу",
    "огапоу",
    "огпоу",
    "кгбпоу",
    "кгапоу",
    "кгпоу",
    "бпоу",
    "апоу",
    "поу",
    "чпоу",
    "мбпоу",
    "мпоу",
    "гбоу",
    "гоу",
    "фгбоу",
    "фгаоу",
    "фгоу",
    "ано",
    "нпоу",
    "гаоу",
    "гбу",
    "гау",
    "гку",
    "оу",
    # companies
    "ао",
    "пао",
    "ооо",
    "оао",
    "зао",
    "нао",
    "фгуп",
    "гуп",
    "муп",
    "фкп",
    "ип",
    "нко",
}
# Qualifiers that follow a legal form abbreviation: «ФГБОУ ВО», «ГБОУ СПО», «ГБПОУ РО».
LEGAL_FORM_SUFFIXES = {"во", "спо", "дпо", "со", "ро", "ло", "мо", "ко", "но"}
_LONG_LEGAL_FORM = re.compile(
    r"\b(?:(?:федеральное|государственное|областное|краевое|республиканское|окружное|"
    r"муниципальное|частное|негосударственное|автономное|бюджетное|казенное|"
    r"профессиональное|общеобразовательное|некоммерческое)\s+)*"
    r"(?:образовательное\s+учреждение|образовательная\s+организация|учреждение|"
    r"унитарное\s+предприятие|казенное\s+предприятие)"
    r"(?:\s+(?:высшего|среднего)(?:\s+профессионального)?\s+образования)?"
    r"(?:\s+[а-я-]+(?:ой|ого)\s+(?:области|края|республики|округа))?",
)
_COMPANY_FORMS = re.compile(
    r"\b(?:(?:публичное|открытое|закрытое|непубличное)\s+)?акционерное\s+общество\b|"
    r"\bобщество\s+с\s+ограниченной\s+ответственностью\b"
)
_QUOTES_OPEN = "«„“\"'"
_QUOTES = "«»„“”\"'‘’"
_HEADS_COLLEGE = (
    "колледж",
    "техникум",
    "училищ",
    "академи",
    "университет",
    "институт",
    "лицей",
    "политехникум",
    "школ",
    "центр",
)
_HEADS_EMPLOYER = (
    "завод",
    "комбинат",
    "компани",
    "корпораци",
    "холдинг",
    "концерн",
    "фабрик",
    "предприяти",
    "объединени",
    "верф",
    "банк",
    "групп",
    "дорог",
    "пароходств",
    "бюро",
    "институт",
    "трест",
    "управлени",
    "ассоциаци",
    "союз",
)
_TOWN_WORDS = re.compile(r"^(?:г\.|г|город|пос\.|пос|поселок|посёлок|п\.|с\.|село|пгт)\s+", re.I)
_TRAILING_TOWN = re.compile(
    r"\s*,?\s+(?:г\.|города|город|г)\s*([А-ЯЁ][а-яё]+(?:-[а-яё]+)*(?:-[А-ЯЁ][а-яё]+)*)\s*$"
)

# Companies known nationwide by more than one name; each key is a normalised form, the value
# the one name they all mean. They match across subjects (their branches are everywhere).
NATIONAL_ALIASES = {
    "ржд": "ржд",
    "российские железные дороги": "ржд",
    "автоваз": "автоваз",
    "росатом": "росатом",
    "госкорпорация росатом": "росатом",
    "государственная корпорация росатом": "росатом",
    "государственная корпорация по атомной энергии росатом": "росатом",
    "газпром": "газпром",
    "газпром нефть": "газпром нефть",
    "роснефть": "роснефть",
    "лукойл": "лукойл",
    "норникель": "норникель",
    "норильский никель": "норникель",
    "гмк норильский никель": "норникель",
    "горно-металлургическая компания норильский никель": "норникель",
    "русал": "русал",
    "русгидро": "русгидро",
    "россети": "россети",
    "ростелеком": "ростелеком",
    "мтс": "мтс",
    "мобильные телесистемы": "мтс",
    "сбер": "сбербанк",
    "сбербанк": "сбербанк",
    "сбербанк россии": "сбербанк",
    "сибур": "сибур",
    "сибур холдинг": "сибур",
    "камаз": "камаз",
    "татнефть": "татнефть",
    "ростех": "ростех",
    "госкорпорация ростех": "ростех",
    "роскосмос": "роскосмос",
    "госкорпорация роскосмос": "роскосмос",
    "оск": "оск",
    "объединенная судостроительная корпорация": "оск",
    "оак": "оак",
    "объединенная авиастроительная корпорация": "оак",
    "одк": "одк",
    "объединенная двигателестроительная корпорация": "одк",
    "северсталь": "северсталь",
    "нлмк": "нлмк",
    "новолипецкий металлургический комбинат": "нлмк",
    "ммк": "ммк",
    "магнитогорский металлургический комбинат": "ммк",
    "евраз": "евраз",
    "металлоинвест": "металлоинвест",
    "фосагро": "фосагро",
    "еврохим": "еврохим",
    "уралхим": "уралхим",
    "акрон": "акрон",
    "трансмашхолдинг": "трансмашхолдинг",
    "транснефть": "транснефть",
    "аэрофлот": "аэрофлот",
    "почта россии": "почта россии",
    "интер рао": "интер рао",
    "русатом": "росатом",
    "ржд-медицина": "ржд-медицина",
    "вэб": "вэб",
    "втб": "втб",
}


class Verdict(Enum):
    NONE = "none"
    NEAR = "near"  # possibly the same: staff decide («возможно, это …»)
    SURE = "sure"  # the same organisation


@dataclass(frozen=True)
class OrgName:
    """What identifies an organisation's written name."""

    raw: str
    key: str  # the name without legal forms, quotes, case, ё, dots; «им.» → «имени»
    quoted: str  # the proper name inside quotes («залесье»), normalised; "" if none
    outside: frozenset[str]  # the words outside the quotes (descriptors), normalised
    honorific: str  # the «имени …» part, normalised; "" if none
    aliases: frozenset[str]  # other names it gives: «(ПХТТ)», «НАМТ (…)», «(Тверской …)»
    town: str  # the town it adds: «(Тольятти)», «г. Комсомольска-на-Амуре»
    is_branch: bool  # «филиал …»: a branch is its own record

    @property
    def base(self) -> str:
        """The key without the honorific: «павловский автомеханический техникум»."""
        if self.honorific and self.key.endswith(self.honorific):
            return self.key[: -len(self.honorific)].strip()
        return self.key

    @property
    def national(self) -> str | None:
        """The one name of a company known nationwide, if this is one."""
        for candidate in (self.key, self.quoted, *self.aliases):
            if candidate in NATIONAL_ALIASES:
                return NATIONAL_ALIASES[candidate]
        return None

    @property
    def names(self) -> frozenset[str]:
        """Every normalised name this organisation goes by here."""
        return frozenset(n for n in (self.key, *self.aliases) if n)


def _lower(text: str) -> str:
    return text.lower().replace("ё", "е")


def _outer_quotes(text: str) -> tuple[int, int] | None:
    """The span of the outermost quoted part («ОХК «Уралхим»»: the whole of it)."""
    start = next((i for i, ch in enumerate(text) if ch in _QUOTES_OPEN), None)
    if start is None:
        return None
    opener = text[start]
    if opener == "«":
        depth = 0
        for i in range(start, len(text)):
            if text[i] == "«":
                depth += 1
            elif text[i] == "»":
                depth -= 1
                if depth == 0:
                    return start, i + 1
        return start, len(text)
    closers = {"„": '“”"', "“": '”"', '"': '"', "'": "'"}[opener]
    # Nested straight quotes («"Агрофирма "Труд""»): the last closing quote ends it.
    end = max((i for i in range(start + 1, len(text)) if text[i] in closers), default=None)
    return (start, end + 1) if end is not None else (start, len(text))


_LATIN_LOOKALIKES = str.maketrans("aeopcxykmthb", "аеорсхукмтнв")
_CYRILLIC = re.compile("[а-я]")
_LATIN = re.compile("[a-z]")


def _one_script(word: str) -> str:
    """A Cyrillic word typed with a Latin look-alike letter («Залесьe») reads as Cyrillic."""
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return word.translate(_LATIN_LOOKALIKES)
    return word


def _words(text: str) -> list[str]:
    text = _lower(text)
    text = re.sub(r"№\s*", " ", text)
    text = re.sub(r"[\s\u00a0]+[-‐‑‒–—―][\s\u00a0]+", " ", text)  # a spaced dash separates
    text = re.sub(r"[^\w\s-]", " ", text)
    return [_one_script(w.strip("-")) for w in text.split() if w.strip("-")]


def _join_initials(words: list[str]) -> list[str]:
    """«г а ванага» → «га ванага»: initials with or without dots and spaces compare equal."""
    out: list[str] = []
    joining = False
    for word in words:
        single = len(word) == 1 and word.isalpha()
        if single and joining:
            out[-1] += word
            continue
        out.append(word)
        joining = single
    return out


def _normalise(text: str, *, bare_form_stays: bool = True) -> list[str]:
    """Words of a name with legal forms dropped, «им.» as «имени», initials joined."""
    text = _lower(text)
    text = _LONG_LEGAL_FORM.sub(" ", text)
    text = _COMPANY_FORMS.sub(" ", text)
    words = ["имени" if w == "им" else w for w in _words(text)]
    kept: list[str] = []
    after_form = False
    for word in words:
        if word in LEGAL_FORM_TOKENS:
            after_form = True
            continue
        if after_form and word in LEGAL_FORM_SUFFIXES:
            continue  # «ФГБОУ ВО», «ГБПОУ РО»
        after_form = False
        kept.append(word)
    if not kept and words and bare_form_stays:
        kept = words[-1:]  # a name that is only a form's letters («НАО») stays itself
    return _join_initials(kept)


def _is_acronym(token: str) -> bool:
    letters = token.replace("-", "").replace(" ", "")
    return 2 <= len(letters) <= 10 and sum(ch.isupper() for ch in letters) >= 2


def _kind_of_parenthesis(inside: str) -> str:
    """What a parenthesis adds to a name: "alias", "town", "branch" or a "remark"."""
    stripped = inside.strip()
    lower = _lower(stripped)
    if "филиал" in lower:
        return "branch"
    if not stripped or "not named" in lower or "cut" in lower or stripped in ("…", "..."):
        return "remark"
    if _is_acronym(stripped) and " " not in stripped:
        return "alias"
    first = stripped[0]
    has_head = any(h in lower for h in _HEADS_COLLEGE + _HEADS_EMPLOYER)
    if first.isupper() and has_head and len(stripped.split()) >= 2:
        return "alias"
    if _TOWN_WORDS.match(stripped) or (
        first.isupper()
        and len(stripped.split()) <= 3
        and not has_head
        and re.fullmatch(r"[А-ЯЁ][а-яё]+(?:[ -][А-ЯЁа-яё][а-яё]+)*", stripped)
    ):
        return "town"
    if first.isupper() and len(stripped.split()) >= 2:
        return "alias"  # another name of the same body: «(Әлмәт политехника техникумы)»
    return "remark"


def parse_name(name: str) -> OrgName:
    """Read a written organisation name into what identifies it (see `OrgName`)."""
    raw = " ".join(name.split())
    text = raw
    aliases: set[str] = set()
    town = ""
    is_branch = False
    # Parentheses: other names, towns, remarks. «НАМТ (Нижегородский автомеханический
    # техникум)»: the acronym outside is then an alias as well.
    for match in list(re.finditer(r"\(([^()]*)\)", text)):
        kind = _kind_of_parenthesis(match[1])
        if kind == "alias":
            aliases.add(" ".join(_normalise(match[1])))
        elif kind == "town":
            town = _TOWN_WORDS.sub("", match[1]).strip()
        elif kind == "branch":
            is_branch = True
            continue  # a branch's remark stays part of its name
        text = text.replace(match[0], " ")
    text = " ".join(text.split())
    trailing = _TRAILING_TOWN.search(text)
    if trailing:
        town = town or trailing[1]
        text = text[: trailing.start()]
    if re.search(r"\bфилиал\b", _lower(text)):
        is_branch = True
    words = _normalise(text)
    key = " ".join(words)
    if aliases and len(words) == 1 and _is_acronym(text.strip()):
        aliases.add(key)
    quoted = ""
    outside: list[str] = words
    span = _outer_quotes(text)
    if span:
        inner = text[span[0] + 1 : span[1] - 1] if span[1] - span[0] >= 2 else ""
        inner = inner.strip(_QUOTES + " ")
        quoted = " ".join(_normalise(inner))
        outside = _normalise(text[: span[0]] + " " + text[span[1] :], bare_form_stays=False)
        if quoted and not outside:
            key = quoted  # «АО «АвтоВАЗ»» is «АвтоВАЗ»
    honorific = ""
    if "имени" in words:
        honorific = " ".join(words[words.index("имени") :])
    return OrgName(
        raw=raw,
        key=key,
        quoted=quoted,
        outside=frozenset(outside),
        honorific=honorific,
        aliases=frozenset(a for a in aliases if a and a != key),
        town=town,
        is_branch=is_branch,
    )


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    score: float
    reason: str


NO_MATCH = Comparison(Verdict.NONE, 0.0, "")
NEAR_SCORE = 90.0
# How alike the distinctive words must be for a possible match: a one-letter typo
# («Великолукский»/«Великолуцкий») is, another town («Беловский»/«Березовский», 80) is not.
DISTINCTIVE_SCORE = 85.0  # rapidfuzz ratio of the keys from which two names are proposed to staff


def compare(a: OrgName, b: OrgName) -> Comparison:
    """Whether `a` and `b` (of the same subject) name one organisation."""
    if not a.key or not b.key:
        return NO_MATCH
    if a.is_branch != b.is_branch:
        return NO_MATCH  # a branch is a record of its own, never its college
    if a.key == b.key:
        return Comparison(Verdict.SURE, 100.0, "то же название")
    if a.names & b.names:
        return Comparison(Verdict.SURE, 100.0, "другое название той же организации")
    if a.national and a.national == b.national:
        return Comparison(Verdict.SURE, 100.0, "та же компания")
    if a.quoted and a.quoted == b.quoted and (a.outside <= b.outside or b.outside <= a.outside):
        return Comparison(Verdict.SURE, 100.0, "то же название в кавычках")
    if a.base == b.base and len(a.base.split()) >= 3 and (a.honorific or b.honorific):
        return Comparison(Verdict.SURE, 98.0, "то же название без «имени …»")
    if _spaced(a.key) == _spaced(b.key):
        return Comparison(Verdict.SURE, 100.0, "то же название")  # «Кубань-Вино», «Кубань вино»
    shorter = min(len(a.key), len(b.key))
    if shorter < 6:
        return NO_MATCH  # «КМЗ» and «КЭМЗ» are two plants
    # What tells two colleges of one subject apart is rarely the generic words
    # («политехнический техникум») but the town or the proper name: «Беловский» and
    # «Березовский» are two technical schools, however alike the rest.
    own_a, own_b = _distinctive(a.base), _distinctive(b.base)
    if own_a and own_b and fuzz.ratio(own_a, own_b) < DISTINCTIVE_SCORE:
        return NO_MATCH
    score = max(
        fuzz.ratio(_spaced(a.key), _spaced(b.key)),
        fuzz.token_sort_ratio(a.key, b.key),
        fuzz.ratio(a.base, b.base) if a.honorific or b.honorific else 0.0,
    )
    if score >= NEAR_SCORE:
        return Comparison(Verdict.NEAR, round(score, 1), "похожее название")
    return NO_MATCH


# Words of organisation names that do not tell one organisation from another.
GENERIC_WORDS = set(
    """колледж техникум училище академия университет институт лицей политехникум школа центр
    филиал государственный областной краевой республиканский городской профессиональный
    политехнический технологический технический индустриальный многопрофильный
    промышленный аграрный сельскохозяйственный педагогический медицинский строительный
    транспортный экономический машиностроительный энергетический химико-технологический
    торгово-экономический социально-педагогический агропромышленный имени и завод
    компания предприятие холдинг группа комбинат""".split()
)


def _spaced(key: str) -> str:
    return " ".join(key.replace("-", " ").split())


def _distinctive(key: str) -> str:
    return " ".join(w for w in _spaced(key).split() if w not in GENERIC_WORDS)


# --- placeholders ----------------------------------------------------------------------------

NUMBER_WORDS = {
    "один": 1,
    "одна": 1,
    "одно": 1,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "тринадцать": 13,
    "четырнадцать": 14,
    "пятнадцать": 15,
    "шестнадцать": 16,
    "семнадцать": 17,
    "восемнадцать": 18,
    "девятнадцать": 19,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
}
_GENERIC_PLURALS = re.compile(
    r"\b(?:учреждени[йяе]|организаци[йи]|предприяти[йяе]|компани[йи]|колледж(?:ей|и|а)|"
    r"техникум(?:ов|ы|а)|партн[её]р(?:ов|ы|а)|работодател(?:ей|и|я)|органы|"
    r"образовательн(?:ых|ые)|профтеха|спо\b|вуз(?:ов|ы))",
    re.I,
)
_UNNAMED = re.compile(
    r"\((?:[^()]*\b(?:not named|name not given|not named in stored text|не названы?)\b[^()]*)\)",
    re.I,
)
_MORE = re.compile(r"[(\[,;]?\s*\+\s*(\d+)\s*(?:more|ещё|еще|других)?[^)\]]*[)\]]?", re.I)
_CUT_MARKS = re.compile(
    r"\s*(?:\((?:…|\.\.\.|cut|name cut|[^()]*\bcut\b[^()]*)\)|\[…\]|\[\.\.\.\])"
)
_CUT_WORD = re.compile(r"\w\[[^\]]*\]")  # «Краснослобо[дский …]»: cut inside a word


class PlaceholderKind(Enum):
    GROUP = "group"  # «12 учреждений СПО», «местные предприятия»: no organisation named
    TRUNCATED = "truncated"  # «Краснослобо[дский …] (cut)»: a real one whose name is not known


@dataclass(frozen=True)
class Placeholder:
    """A cell that is not one organisation's name, and what it still tells."""

    kind: PlaceholderKind
    count: int | None  # how many organisations it stands for, when it says
    text: str


@dataclass
class ListReading:
    """A list of members as a source gives it: the named ones, and what it says of others."""

    names: list[str] = field(default_factory=list)  # real organisations, markers removed
    extra: int = 0  # organisations the list counts but does not name
    is_lower_bound: bool = False  # «+5 more», a cut name: «не менее»
    placeholders: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.names) + self.extra


def placeholder(name: str) -> Placeholder | None:
    """What `name` stands for if it is not an organisation's name; None if it is one.

    «12 учреждений СПО (not named)» → 12; «четыре колледжа» → 4; «местные предприятия»,
    «ведущие нефтегазовые компании региона» → a group, no count; «Краснослобо[дский …]
    (cut)» → one organisation whose name the source cut. «АО «Уральская сталь» (…)» and
    «Амурское пароходство (…)» are real names (the marker goes, the name stays): None.
    """
    text = " ".join(name.split())
    if not text:
        return None
    if _CUT_WORD.search(text) or re.search(r"\(name cut\)|«…»", text):
        return Placeholder(PlaceholderKind.TRUNCATED, 1, text)
    core = _UNNAMED.sub(" ", text)
    core = _MORE.sub(" ", core)
    core = _CUT_MARKS.sub(" ", core).strip(" ,;")
    words = _words(core)
    if not words:
        return Placeholder(PlaceholderKind.GROUP, None, text)
    count = None
    if words[0].isdigit():
        count = int(words[0])
    elif words[0] in NUMBER_WORDS:
        count = NUMBER_WORDS[words[0]]
    unnamed = bool(_UNNAMED.search(text))
    has_proper_name = any(ch.isupper() for ch in core[1:]) or any(q in core for q in _QUOTES)
    generic = bool(_GENERIC_PLURALS.search(core))
    if count is not None and generic:
        return Placeholder(PlaceholderKind.GROUP, count, text)
    if unnamed or (generic and not has_proper_name and core[:1].islower()):
        return Placeholder(PlaceholderKind.GROUP, count, text)
    return None


def clean_name(name: str) -> str:
    """A real organisation's name without the source's markers: «(…)», «(+5 more, cut…)»."""
    text = _MORE.sub(" ", name)
    text = _CUT_MARKS.sub(" ", text)
    return " ".join(text.split()).strip(" ,;")


def read_list(names: Iterable[str]) -> ListReading:
    """Split a source's list of members into real names and what the rest tells."""
    reading = ListReading()
    for name in names:
        text = " ".join(name.split())
        if not text:
            continue
        more = _MORE.search(text)
        found = placeholder(text)
        if found is None:
            reading.names.append(clean_name(text))
            if more:
                reading.extra += int(more[1])
                reading.is_lower_bound = True
            elif _CUT_MARKS.search(text):
                reading.is_lower_bound = True
            continue
        reading.placeholders.append(text)
        if found.kind is PlaceholderKind.TRUNCATED:
            reading.extra += 1
            reading.is_lower_bound = True
        elif found.count is not None:
            reading.extra += found.count
        else:
            reading.is_lower_bound = True
    return reading


# --- finding records -------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A record a name may mean."""

    pk: int
    name: str
    region_id: int | None
    parsed: OrgName
    inn: str | None = None


@dataclass
class Found:
    """The answer for one name: the record it surely means, else records it may mean."""

    sure: Candidate | None = None
    near: list[tuple[Candidate, Comparison]] = field(default_factory=list)
    reason: str = ""


class OrgIndex:
    """Colleges or employers by what identifies their names, for many lookups at once.

    `region_bound`: True for colleges (one subject's college is never another's), False
    for employers (a record with no subject matches a name in any; companies known
    nationwide match across subjects).
    """

    def __init__(self, *, region_bound: bool) -> None:
        self.region_bound = region_bound
        self._by_region: dict[int | None, list[Candidate]] = {}
        self._by_name: dict[str, list[Candidate]] = {}
        self._by_inn: dict[str, Candidate] = {}
        self._by_national: dict[str, list[Candidate]] = {}

    def add(
        self,
        *,
        pk: int,
        names: Iterable[str],
        region_id: int | None,
        inn: str | None = None,
    ) -> None:
        """Index a record under its name and every alias it is known by."""
        names = [n for n in names if n]
        for number, name in enumerate(names):
            candidate = Candidate(pk, names[0], region_id, parse_name(name), inn)
            if number == 0:
                self._by_region.setdefault(region_id, []).append(candidate)
                if inn:
                    self._by_inn[inn] = candidate
            else:
                self._by_region.setdefault(region_id, []).append(candidate)
            for key in candidate.parsed.names | {candidate.parsed.quoted}:
                if key:
                    self._by_name.setdefault(key, []).append(candidate)
            if candidate.parsed.national:
                self._by_national.setdefault(candidate.parsed.national, []).append(candidate)

    def _in_scope(self, candidate: Candidate, region_id: int | None) -> bool:
        if candidate.region_id == region_id:
            return True
        if self.region_bound:
            return False
        return candidate.region_id is None or region_id is None

    def find(self, name: str, region_id: int | None, *, inn: str | None = None) -> Found:
        """The record `name` (in subject `region_id`) means, or the ones it may mean."""
        if inn and inn in self._by_inn:
            return Found(sure=self._by_inn[inn], reason="тот же ИНН")
        parsed = parse_name(name)
        if not parsed.key:
            return Found()
        if not self.region_bound and parsed.national:
            same = self._by_national.get(parsed.national, [])
            if same:
                return Found(sure=same[0], reason="та же компания")
        pool: dict[int, Candidate] = {}
        for key in parsed.names | {parsed.quoted}:
            for candidate in self._by_name.get(key, []):
                if self._in_scope(candidate, region_id):
                    pool.setdefault(id(candidate), candidate)
        regions = [region_id] if self.region_bound else [region_id, None]
        if not self.region_bound and region_id is None:
            regions = list(self._by_region)
        for region in regions:
            for candidate in self._by_region.get(region, []):
                pool.setdefault(id(candidate), candidate)
        best: dict[int, tuple[Candidate, Comparison]] = {}
        for candidate in pool.values():
            result = compare(parsed, candidate.parsed)
            if result.verdict is Verdict.NONE:
                continue
            if result.verdict is Verdict.SURE:
                return Found(sure=candidate, reason=result.reason)
            kept = best.get(candidate.pk)
            if kept is None or kept[1].score < result.score:
                best[candidate.pk] = (candidate, result)
        near = sorted(best.values(), key=lambda pair: -pair[1].score)
        return Found(near=near[:3])


def college_names(college) -> list[str]:
    """A college's names to index: full, short and every alias the registry has seen."""
    return [college.full_name, college.short_name, *(college.aliases or [])]


def employer_names(employer) -> list[str]:
    return [employer.name, *(employer.aliases or [])]


def preferred_name(names: Iterable[str]) -> str:
    """The spelling a record shows, chosen from every spelling seen — so it does not depend on
    which document came first: a name without a legal form, a parenthesis or a trailing town,
    starting with a capital, the fullest of those; ties by the text itself."""

    def rank(name: str) -> tuple:
        parsed = parse_name(name)
        words = _words(name)
        return (
            bool(words) and words[0] in LEGAL_FORM_TOKENS,
            "(" in name,
            bool(parsed.town),
            name[:1].islower(),
            _is_acronym(name.strip()),
            -len(parsed.key.split()),
            name,
        )

    candidates = [" ".join(n.split()) for n in names if n and n.strip()]
    return min(candidates, key=rank) if candidates else ""
