"""What the extractor may answer with: the registry's regions and industries, and the words
Russian uses for them («Подмосковье», «машиностроительной отрасли»)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Everyday names of subjects («Подмосковье») live with the subjects.
from regions.names import REGION_ALIASES  # noqa: F401 — re-exported for the extractor

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


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
