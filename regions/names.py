"""How people name a federal subject, and finding the subject a name or code means.

A spreadsheet from a regional ministry says «Псковская область», «Республика Татарстан»,
«Татарстан», «ХМАО – Югра», «г. Москва» or the code «60»; a press item says «Подмосковье».
`RegionLookup` answers all of them with the one subject they mean (or nothing), the same way
for the import and the press-release assistant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

# Everyday names of subjects («в Подмосковье», «Приангарье»), general Russian usage. Keys are
# lower-case nominative forms; values are names as the registry holds them (regions.csv).
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
    "янао": "Ямало-Ненецкий автономный округ",
    "югра": "Ханты-Мансийский автономный округ - Югра",
    "хмао": "Ханты-Мансийский автономный округ - Югра",
    "хмао-югра": "Ханты-Мансийский автономный округ - Югра",
    "нао": "Ненецкий автономный округ",
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
    "карачаево-черкесия": "Карачаево-Черкесская Республика",
    "северная осетия": "Республика Северная Осетия - Алания",
    "чечня": "Чеченская Республика",
    "дагестан": "Республика Дагестан",
    "ингушетия": "Республика Ингушетия",
    "калмыкия": "Республика Калмыкия",
    "адыгея": "Республика Адыгея (Адыгея)",
    "тыва": "Республика Тыва",
    "тува": "Республика Тыва",
    "коми": "Республика Коми",
    "марий эл": "Республика Марий Эл",
    "днр": "Донецкая Народная Республика",
    "лнр": "Луганская Народная Республика",
    "еао": "Еврейская автономная область",
    "чукотка": "Чукотский автономный округ",
}

_PARENTHESES = re.compile(r"\([^)]*\)")
_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")
_CITY = re.compile(r"^(?:г\.|г |город )\s*")


def region_key(name: str) -> str:
    """A subject's name compared loosely: case, ё, dashes and «(Татарстан)» do not matter."""
    text = _PARENTHESES.sub(" ", name.lower().replace("ё", "е"))
    text = _CITY.sub("", " ".join(text.split()))
    text = _DASHES.sub("-", text)
    return " ".join(text.split()).strip(" .,")


class _Named(Protocol):
    code: str
    name: str


class RegionLookup:
    """The subject a code or a name means: «60», «Псковская область», «Татарстан», «ХМАО»."""

    def __init__(self, regions: Iterable[_Named]) -> None:
        self._by_code: dict[str, _Named] = {}
        self._by_key: dict[str, _Named] = {}
        by_name = {}
        for region in regions:
            self._by_code[region.code] = region
            self._by_key[region_key(region.name)] = region
            by_name[region.name] = region
            # «Кемеровская область - Кузбасс» is also «Кемеровская область».
            head = region_key(region.name).split("-", 1)[0].strip()
            if " " in head:
                self._by_key.setdefault(head, region)
        for alias, name in REGION_ALIASES.items():
            if name in by_name:
                self._by_key.setdefault(region_key(alias), by_name[name])
        # «Республика Татарстан» as well as «Татарстан»: a republic's name with its kind word.
        for key, region in list(self._by_key.items()):
            if " " not in key and region_key(region.name).startswith("республика"):
                self._by_key.setdefault(f"республика {key}", region)

    def find(self, value: str) -> _Named | None:
        """The subject `value` names, or None. A code may lack its leading zero («1»)."""
        value = value.strip()
        if not value:
            return None
        if value.isdigit():
            return self._by_code.get(value.zfill(2))
        return self._by_key.get(region_key(value))
