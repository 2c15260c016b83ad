"""Mentions of places, industries, kinds and years in a text (the extractor's mentions stage).

* Regions: a subject's full name in any case («Иркутской области»), its everyday name or its
  administrative centre («Марий Эл», «Кубань», «в Чебоксарах»; `reference.PLACE_STEMS`) — strong
  hits; an adjective that is the first word of a subject's name («орловских техникумов»,
  «Курский колледж») — a weak hit, used only where no strong hit says otherwise.
* Industries: stems of the words Russian uses for each registry industry, a word one letter off
  a long stem too («Мащиностроение»); a weak stem counts as strong inside quotes
  («кластер «Строительство»»).
* Kinds («образовательно-производственный центр», «образовательный кластер СПО») and years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from extraction import language as lang
from extraction.language import Word
from extraction.reference import _WEAK_INDUSTRY, INDUSTRY_STEMS, PLACE_STEMS, Reference


@dataclass
class Hit:
    """A value (a region name, an industry slug, a kind) the text states at [start, end)."""

    value: str
    start: int
    end: int
    strong: bool = True


def _name_lemma(word: str) -> str:
    """A subject name's word as the dictionary lists it, its adjective reading first
    («Тверская» → «тверской», not the surname «тверская»)."""
    adjective = next((p for p in lang.parses(word.lower()) if "ADJF" in p.tag), None)
    return adjective.normal_form.replace("ё", "е") if adjective else lang.lemma(word)


@cache
def _region_patterns(regions: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    patterns = []
    for name in regions:
        main = re.sub(r"\s*\(.*?\)", "", name).split(" - ")[0].strip()
        patterns.append((name, [_name_lemma(p) for p in main.split()]))
    return patterns


@cache
def _place_pattern(regions: tuple[str, ...]) -> tuple[re.Pattern, list[str]]:
    names, parts = [], []
    for region, stems in PLACE_STEMS.items():
        if region not in regions:
            continue
        for stem in stems:
            names.append(region)
            parts.append(f"(?P<p{len(names) - 1}>{stem}[а-яё]{{0,3}}(?![а-яё]))")
    if not parts:
        return re.compile(r"(?!)"), names  # a registry that knows no subject matches none
    return re.compile(r"(?<![а-яёa-z-])(?:" + "|".join(parts) + ")", re.I), names


@cache
def _adjective_regions(regions: tuple[str, ...]) -> dict[str, str]:
    """Lemma of a subject's first word → the subject, for names that start with an adjective
    («Орловская область», «Красноярский край», «Ненецкий автономный округ»)."""
    found = {}
    for name in regions:
        first = name.split()[0]
        if lang.any_reading(first, "ADJF") and not first.lower().startswith("республик"):
            found.setdefault(_name_lemma(first), name)
    return found


def find_regions(text: str, ws: list[Word], reference: Reference) -> list[Hit]:
    """Every region the text names, in reading order (strong hits and weak adjective hits)."""
    hits: list[Hit] = []
    readings = [lang.lemmas(w.text) if w.is_word else {w.text} for w in ws]
    at: dict[str, list[int]] = {}
    for i, values in enumerate(readings):
        for value in values:
            at.setdefault(value, []).append(i)
    for name, parts in _region_patterns(reference.regions):
        n = len(parts)
        for i in at.get(parts[0], ()):
            if (
                i + n <= len(ws)
                and all(parts[k] in readings[i + k] for k in range(n))
                and ws[i].is_capitalised
                and not (ws[i].text.isupper() and len(ws[i].text) > 3)  # «МОСКВА, 3 фев»
            ):
                hits.append(Hit(name, ws[i].start, ws[i + n - 1].end))
    pattern, names = _place_pattern(reference.regions)
    for m in pattern.finditer(text):
        word = m.group()
        # Capitalised, and not a shouted dateline («МОСКВА, 18 августа. /ТАСС/»).
        if not word[0].isupper() or (len(word) > 3 and word.isupper()):
            continue
        if any(h.start <= m.start() < h.end for h in hits):
            continue
        index = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        hits.append(Hit(names[index], m.start(), m.end()))
    adjectives = _adjective_regions(reference.regions)
    for i, word in enumerate(ws):
        if not word.is_word or not word.is_capitalised or word.text.isupper():
            continue
        region = next((adjectives[v] for v in readings[i] if v in adjectives), None)
        if region and not any(h.start <= word.start < h.end for h in hits):
            hits.append(Hit(region, word.start, word.end, strong=False))
    return sorted(hits, key=lambda h: h.start)


def dominant(hits: list[Hit]) -> Hit | None:
    """The region named most often (strong hits first); the first such mention."""
    for pool in ([h for h in hits if h.strong], hits):
        if not pool:
            continue
        counts: dict[str, int] = {}
        for hit in pool:
            counts[hit.value] = counts.get(hit.value, 0) + 1
        best = max(counts.values())
        return next(h for h in pool if counts[h.value] == best)
    return None


def _near(word: str, stem: str) -> bool:
    """True when `word` starts with `stem` give or take one letter (a typo, not another word)."""
    head = word[: len(stem)]
    if len(head) < len(stem) or head[0] != stem[0]:
        return False
    mismatches = sum(a != b for a, b in zip(head, stem, strict=True))
    return mismatches == 1


_LONG_STEMS: dict[str, list[tuple[str, str]]] = {}
for _slug, _stems in INDUSTRY_STEMS.items():
    for _stem in _stems:
        if len(_stem) >= 8 and " " not in _stem and _stem not in _WEAK_INDUSTRY:
            _LONG_STEMS.setdefault(_stem[0], []).append((_slug, _stem))


@lru_cache(20000)
def _near_industry(word: str) -> str | None:
    """The industry whose long stem `word` starts with, one letter off («мащиностроение»)."""
    return next((slug for slug, stem in _LONG_STEMS.get(word[0], ()) if _near(word, stem)), None)


def find_industries(
    text: str,
    reference: Reference,
    exclude: list[tuple[int, int]],
    quotes: list[tuple[int, int]] | None = None,
) -> list[Hit]:
    """Every industry word outside `exclude` (organisation names), longest first where two
    overlap («топливно-энергетический» is not «энергетика»)."""
    known = {slug for slug, _ in reference.industries}
    lowered = text.lower().replace("ё", "е")
    quotes = quotes if quotes is not None else lang.quoted_spans(text)
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
                if _BODY_BEFORE.search(lowered[max(0, m.start() - 40) : m.start()]):
                    continue  # «министр энергетики, промышленности и связи»: a body's name
                quoted = any(s < m.start() < e for s, e in quotes)
                weak = stem in _WEAK_INDUSTRY
                if weak and m.start() > 0 and lowered[m.start() - 1] == "-":
                    continue  # «инновационно-цифровое»: a part of another word
                hits.append(Hit(slug, m.start(), end, strong=not weak or quoted))
    for m in re.finditer(r"(?<![а-яa-z])[а-я-]{8,}", lowered):
        if any(h.start == m.start() for h in hits) or any(s <= m.start() < e for s, e in exclude):
            continue
        slug = _near_industry(m.group())
        if slug and slug in known:
            hits.append(Hit(slug, m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    result: list[Hit] = []
    for hit in hits:
        if result and hit.start < result[-1].end:
            continue
        result.append(hit)
    return result


_BODY_BEFORE = re.compile(
    r"(?:министр|министерств|департамент|комитет|управлени|ведомств|агентств)\w*\s+"
    r"(?:[а-я-]+,?\s+(?:и\s+)?){0,3}$"
)

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


def find_kinds(text: str) -> list[Hit]:
    hits = []
    for kind, pattern in _KIND_PATTERNS:
        for m in pattern.finditer(text):
            hits.append(Hit(kind, m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    result: list[Hit] = []
    for hit in hits:
        if result and hit.start < result[-1].end:
            continue
        result.append(hit)
    return result


YEAR = re.compile(r"\b(20[1-3]\d)\s*(?:год\w*|г\.)")
SELECTION_CUES = re.compile(r"конкурс|отбор|победител", re.I)
GRANT_YEAR = re.compile(r"^\s*(?:год\w*|г\.)\s+(?:грант|субсид|финансир)", re.I)
