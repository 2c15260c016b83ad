"""Russian word forms the registry writes itself: «кластер Амурского аграрного колледжа».

pymorphy3 with its packaged dictionary (nothing downloaded). Only the words up to the
organisation's head noun change; the rest («имени И. И. Лепсе», «(ПХТТ)», quotes) stays as
written. A name it cannot read with confidence is returned as None, never guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Readings as a proper name («Павловский» the surname) are not the head of an
# organisation's name: its head is a common noun («техникум»).
_PROPER = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn", "Abbr", "Init"})
_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")


@lru_cache(maxsize=1)
def _morph():
    from common.moneywords import morph

    return morph().raw  # the one pymorphy3 analyser the process already holds


def _genitive_word(word: str, *, gender: str | None, number: str) -> str | None:
    parses = [p for p in _morph().parse(word) if {"nomn"} <= p.tag.grammemes]
    if not parses:
        return None
    parse = parses[0]
    wanted = {"gent", number}
    if "ADJF" in parse.tag.grammemes or "PRTF" in parse.tag.grammemes:
        if number == "sing" and gender:
            wanted.add(gender)
    form = parse.inflect(wanted)
    if form is None:
        return None
    # Each part of «Байкало-Амурский» keeps its capital letter.
    parts = form.word.split("-")
    originals = word.split("-")
    if len(parts) != len(originals):
        return None
    return "-".join(
        part.upper()
        if original.isupper() and len(original) > 1
        else part[:1].upper() + part[1:]
        if original[:1].isupper()
        else part
        for part, original in zip(parts, originals, strict=True)
    )


def genitive_name(name: str) -> str | None:
    """«Амурский аграрный колледж» → «Амурского аграрного колледжа»; None when unsure."""
    words = list(_WORD.finditer(name))
    head = None
    for index, match in enumerate(words):
        parses = [p for p in _morph().parse(match[0]) if not (_PROPER & p.tag.grammemes)]
        noun = next(
            (p for p in parses if "NOUN" in p.tag.grammemes and "nomn" in p.tag.grammemes),
            None,
        )
        if noun is not None and parses[0].tag.POS == "NOUN":
            head = (index, noun)
            break
    if head is None:
        return None
    index, noun = head
    if match_start := words[0].start():
        if name[:match_start].strip():
            return None  # a name opening with quotes or a form («ГБПОУ …»): leave it
    gender = next((g for g in ("masc", "femn", "neut") if g in noun.tag.grammemes), None)
    number = "plur" if "plur" in noun.tag.grammemes else "sing"
    pieces, last = [], 0
    for match in words[: index + 1]:
        changed = _genitive_word(match[0], gender=gender, number=number)
        if changed is None:
            return None
        pieces.append(name[last : match.start()])
        pieces.append(changed)
        last = match.end()
    pieces.append(name[last:])
    return "".join(pieces)
