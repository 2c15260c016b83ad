"""National and regional figures as the government and the press report them.

From shared/data/press-aggregates.md: each figure keeps its wording, date and source page,
and the pages show it beside the registry's own count, never as the registry's figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportedAggregate:
    measure: str  # what the registry counts to compare: clusters, regions, industries, employers
    value: int
    wording: str
    date: dt.date
    publisher: str
    url: str


NATIONAL: tuple[ReportedAggregate, ...] = (
    ReportedAggregate(
        "clusters",
        506,
        "В настоящее время в 86 регионах функционирует 506 кластеров по 24 отраслям",
        dt.date(2026, 2, 13),
        "«Татар-информ» (Д. Чернышенко, итоги 2025 года)",
        "https://www.tatar-inform.ru/news/tatarstan-vosel-v-cislo-liderov-po-rezultatam-ege-i-cislu-klasterov-professionaliteta-6016992",
    ),
    ReportedAggregate(
        "regions",
        86,
        "В настоящее время в 86 регионах функционирует 506 кластеров",
        dt.date(2026, 2, 13),
        "«Татар-информ» (Д. Чернышенко, итоги 2025 года)",
        "https://www.tatar-inform.ru/news/tatarstan-vosel-v-cislo-liderov-po-rezultatam-ege-i-cislu-klasterov-professionaliteta-6016992",
    ),
    ReportedAggregate(
        "industries",
        24,
        "506 кластеров по 24 отраслям",
        dt.date(2026, 2, 13),
        "«Татар-информ» (Д. Чернышенко, итоги 2025 года)",
        "https://www.tatar-inform.ru/news/tatarstan-vosel-v-cislo-liderov-po-rezultatam-ege-i-cislu-klasterov-professionaliteta-6016992",
    ),
    ReportedAggregate(
        "employers",
        2500,
        "около 2,5 тысяч предприятий",
        dt.date(2025, 10, 2),
        "ТАСС (М. Мишустин)",
        "https://tass.ru/ekonomika/25229781",
    ),
)

# By region code: how many clusters the region is reported to have.
REGIONAL: dict[str, ReportedAggregate] = {
    "22": ReportedAggregate(
        "clusters",
        10,
        "10 кластеров; «более 8,5 тыс. студентов»",
        dt.date(2025, 12, 29),
        "altai.news",
        "https://altai.news/2025/12/29/80209.html",
    ),
    "38": ReportedAggregate(
        "clusters",
        12,
        "«в 12 кластерах … обучаются около 6 тысяч человек»",
        dt.date(2026, 1, 4),
        "«Областная газета» (Иркутск)",
        "https://www.ogirk.ru/2026/01/04/eshhe-dva-klastera-fedproekta-professionalitet-sozdadut-v-irkutskoy-oblasti",
    ),
    "50": ReportedAggregate(
        "clusters",
        17,
        "«создано 17 отраслевых кластеров»",
        dt.date(2026, 2, 4),
        "360.ru",
        "https://360.ru/news/mosobl/esche-odin-klaster-professionaliteta-otkrojut-v-podmoskove-v-2026-godu/",
    ),
    "56": ReportedAggregate(
        "clusters",
        14,
        "14 кластеров (статья 2025 года)",
        dt.date(2025, 10, 15),
        "РИА56",
        "https://ria56.ru/posts/v-orenburzhe-v-2025-godu-otkroyut-eshhe-dva-klastera.htm",
    ),
}

MEASURE_LABELS = {
    "clusters": "кластеров",
    "regions": "субъектов РФ с кластерами",
    "industries": "отраслей",
    "employers": "предприятий-партнёров",
}
