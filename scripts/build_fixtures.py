"""Build fixtures/*.json from the reference lists and seed facts in ../shared/data.

Run by `make fixtures`; the output is committed, so a clone needs only `make seed`.
Every value comes from the data files or from the seed texts they quote; what the seeds
do not state stays empty. Russian notes below translate the data files' English notes.
"""

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "fixtures"
STAMP = "2026-11-22T00:00:00Z"  # fixed, so that reloading changes nothing

KIND = {
    "республика": "republic",
    "край": "krai",
    "область": "oblast",
    "город федерального значения": "federal_city",
    "автономная область": "autonomous_oblast",
    "автономный округ": "autonomous_okrug",
}
CLUSTER_KIND = {"opc": "production_center", "educational_cluster": "education_cluster"}

SOURCES = {
    "000_7f35a00beffbff5d.txt": {"publisher": "", "note": "Дата публикации в тексте не указана."},
    "001_8001ba0a9021a267.txt": {
        "publisher": "«Профобразование России и стран СНГ» (перепечатка пресс-релиза "
        "Министерства образования и науки Алтайского края)",
        "note": "Дата публикации в тексте не указана.",
    },
    "002_6855d5d904c91db7.txt": {"publisher": "", "note": "Дата публикации в тексте не указана."},
    "003_ecfe5ce76e089c44.txt": {
        "publisher": "",
        "note": "Дата публикации в тексте не указана; заседание прошло после 21 марта 2024 года.",
    },
    "004_c8ccfdd2582e0d5c.txt": {"publisher": "", "note": "Событие 24 января 2025 года."},
}

# Names are labels built from the seeds' own wording; status follows the text at the time
# of writing: «станут»/«будет создано» → selected, «создан»/«включает»/«получают» → operating.
CLUSTERS = {
    "irk-energy": {
        "name": "ОПЦ (кластер) «Энергетика», Иркутская область",
        "status": "selected",
        "description": "Базовая площадка — Иркутский энергетический колледж. «В июле 2022 года эти "
        "профессиональные организации вошли в число победителей конкурса Минпросвещения России на "
        "предоставление в 2023 году грантов». «Приемная кампания в кластеры стартует уже в 2023 году». "
        "Партнёры — «крупные производственные компании» (по названиям не перечислены).",
    },
    "irk-metallurgy": {
        "name": "ОПЦ (кластер) «Металлургия», Иркутская область",
        "status": "selected",
        "description": "Базовая площадка — Братский индустриально-металлургический техникум. "
        "Победитель конкурса Минпросвещения России в июле 2022 года на предоставление грантов в 2023 году. "
        "Партнёры — «крупные производственные компании» (по названиям не перечислены).",
    },
    "alt-light-industry": {
        "name": "ОПЦ легкой промышленности, Алтайский край",
        "status": "operating",
        "description": "«По итогам конкурсного отбора в 2022 году в крае … создан образовательно "
        "производственный центр для легкой промышленности» на базе Алтайской академии гостеприимства "
        "совместно с АО «БТК групп». Год первого набора источник не называет.",
    },
    "alt-mechanical-engineering": {
        "name": "ОПЦ машиностроительной отрасли, Алтайский край",
        "status": "selected",
        "description": "«В 2023 году в Алтайском крае будет создано два образовательно-производственных "
        "центра» — на базе Алтайского политехнического техникума (машиностроение) и Алтайского "
        "транспортного техникума. Деньги на оба центра источник даёт только совокупно; они учтены "
        "на уровне субъекта, без разбивки по кластерам.",
    },
    "alt-transport": {
        "name": "ОПЦ транспортной отрасли, Алтайский край",
        "status": "selected",
        "description": "Создаётся в 2023 году на базе Алтайского транспортного техникума (по тексту "
        "на момент публикации — «будет создано»). Деньги на два новых центра края источник даёт "
        "только совокупно; они учтены на уровне субъекта.",
    },
    "ore-mechanical-engineering": {
        "name": "ОПЦ (кластер) машиностроительной отрасли, Оренбургская область",
        "status": "operating",
        "description": "Кластер машиностроительной отрасли в Оренбурге на площадке ГАПОУ "
        "«Гуманитарно-технический техникум»; «стал девятой площадкой федерального проекта "
        "«Профессионалитет», открытой в Оренбургской области за 2 года». Год создания источник не называет.",
    },
    "mos-mechanical-engineering": {
        "name": "Образовательный кластер «Машиностроение», Московская область",
        "status": "operating",
        "description": "Образовательный кластер «Машиностроение» на базе колледжа «Энергия». "
        "Тип указан по тексту источника; сетевые организации и работодатели кластера в нём не названы.",
    },
    "smo-mechanical-engineering": {
        "name": "ОПЦ машиностроения, Смоленская область",
        "status": "operating",
        "description": "Базовая организация — Смоленская академия профессионального образования "
        "(СмолАПО). «Кластер объединил 5 учреждений СПО в Смоленске, Вяземском, Дорогобужском, "
        "Сафоновском районах» и 16 предприятий-работодателей; по названиям они в источнике не перечислены.",
    },
}

# (full name, short name, town) for the names the seed CSV uses; town only where stated.
COLLEGE_NAMES = {
    "колледж «Энергия» (ПК «Энергия»)": ("Колледж «Энергия»", "ПК «Энергия»", ""),
    "Смоленская академия профессионального образования (СмолАПО)": (
        "Смоленская академия профессионального образования",
        "СмолАПО",
        "Смоленск",
    ),
    "ГАПОУ «Гуманитарно-технический техникум»": (
        "ГАПОУ «Гуманитарно-технический техникум»",
        "",
        "Оренбург",
    ),
}

FUNDING_NOTES = {
    (
        "irk-energy",
        "federal",
    ): "«Каждой базовой образовательной организации будет направлен грант в "
    "размере 100 млн рублей»; уровень бюджета следует из слов «получат федеральные субсидии».",
    ("irk-metallurgy", "federal"): "Грант 100 млн руб. каждой базовой организации; уровень бюджета "
    "следует из слов «получат федеральные субсидии».",
    (
        "alt-light-industry",
        "federal",
    ): "Год отбора — 2022; год финансирования источник не называет.",
    ("", "federal"): "Совокупно на два ОПЦ 2023 года (машиностроение и транспорт); разбивки по "
    "кластерам в источнике нет. Год — из слов «В 2023 году … будет создано».",
    ("", "regional"): "Совокупно на два ОПЦ 2023 года (машиностроение и транспорт); разбивки нет.",
    (
        "",
        "extrabudgetary",
    ): "Совокупно на два ОПЦ 2023 года; «более 22 миллионов» — нижняя граница, "
    "включает средства образовательных организаций и предприятий.",
    ("smo-mechanical-engineering", "employer"): "Сумма не названа в источнике, а выведена: «почти "
    "153 млн руб.» всего минус 100 млн (грант) минус 16 млн (бюджет области) = около 37 млн руб. "
    "(чуть меньше, так как 153 млн — «почти»). В тексте: «Остальные средства выделены "
    "предприятиями-работодателями».",
}

EMPLOYER_NOTES = {"АО «БТК групп»": "«совместно с акционерным обществом «БТК групп»»"}

FIGURE_NOTES = {
    ("alt-light-industry", "funding_total_rub"): "= 100 + 20 + 10 млн руб.",
    (
        "ore-mechanical-engineering",
        "workshops",
    ): "Мастерские и лаборатории вместе; дата не указана.",
    ("ore-mechanical-engineering", "employers"): "Предприятия машиностроения и ОПК; по названиям "
    "не перечислены.",
    ("smo-mechanical-engineering", "member_colleges"): "Источник не уточняет, входит ли в их число "
    "базовая организация.",
    ("smo-mechanical-engineering", "employers"): "По названиям не перечислены.",
    ("smo-mechanical-engineering", "students"): "«Более 560» — нижняя граница.",
    ("smo-mechanical-engineering", "workshops"): "Учебно-производственные зоны.",
    (
        "smo-mechanical-engineering",
        "funding_total_rub",
    ): "«Почти 153 млн» — чуть меньше 153 млн руб.",
}


# Counts the government and the press report (../shared/data/press-aggregates.md), each with its
# wording (the quote, where the file gives one), date and address: the pages set the
# registry's own counts against them. Per region the latest dated cluster count that states
# how many clusters there ARE (plans and undated figures are left out). (measure, region name
# or None for the country, value, qualifier, wording, date, date as the page gives it,
# publisher, address); build_reported() checks every address against the file.
TATAR_INFORM = (
    "https://www.tatar-inform.ru/news/"
    "tatarstan-vosel-v-cislo-liderov-po-rezultatam-ege-i-cislu-klasterov-professionaliteta-6016992"
)
ITOGI_2025 = "В настоящее время в 86 регионах функционирует 506 кластеров по 24 отраслям"
REPORTED = [
    ("clusters", None, 506, "exact", ITOGI_2025, "2026-02-13", "", "«Татар-информ»", TATAR_INFORM),
    ("regions", None, 86, "exact", ITOGI_2025, "2026-02-13", "", "«Татар-информ»", TATAR_INFORM),
    ("industries", None, 24, "exact", ITOGI_2025, "2026-02-13", "", "«Татар-информ»", TATAR_INFORM),
    (
        "employers",
        None,
        2500,
        "approximately",
        "около 2,5 тысяч предприятий",
        "2025-10-02",
        "",
        "ТАСС",
        "https://tass.ru/ekonomika/25229781",
    ),
    (
        "clusters",
        "Республика Башкортостан",
        19,
        "exact",
        "в регионе действуют 19 образовательных и образовательно-производственных кластеров",
        "2026-02-27",
        "",
        "Новости Mail",
        "https://news.mail.ru/politics/69963857/",
    ),
    (
        "clusters",
        "Республика Карелия",
        4,
        "exact",
        "",
        "2025-12-22",
        "",
        "«Столица на Онего»",
        "https://stolicaonego.ru/news/karelskij-kolledzh-prisoedinitsja-k-proektu-professionalitet",
    ),
    (
        "clusters",
        "Алтайский край",
        10,
        "exact",
        "",
        "2025-12-29",
        "",
        "altai.news",
        "https://altai.news/2025/12/29/80209.html",
    ),
    (
        "clusters",
        "Краснодарский край",
        9,
        "exact",
        "9 кластеров – это 40 техникумов и колледжей, а также 53 компании-работодателя",
        "2026-01-20",
        "",
        "«Вестник Кавказа»",
        "https://vestikavkaza.ru/news/kuban-budet-gotovit-specialistov-v-novyh-obrazovatelnyh-centrah.html",
    ),
    (
        "clusters",
        "Красноярский край",
        6,
        "exact",
        "В крае открыто шесть кластеров",
        "2025-09-06",
        "",
        "Новости Mail",
        "https://news.mail.ru/society/67772512/",
    ),
    (
        "clusters",
        "Хабаровский край",
        6,
        "exact",
        "работает 6 кластеров",
        "2026-02-17",
        "",
        "Новости Mail",
        "https://news.mail.ru/politics/69838433/",
    ),
    (
        "clusters",
        "Вологодская область",
        13,
        "exact",
        "13 кластеров",
        "2025-05-06",
        "",
        "вести35.рф",
        "https://xn--35-dlcmp7ch.xn--p1ai/news/2025/05/06/"
        "srazu_13_klasterov_programmy_professionalitet_podgotovleny_dlya_vypusknikov_vologodskih_shkol",
    ),
    (
        "clusters",
        "Иркутская область",
        12,
        "exact",
        "в 12 кластерах … обучаются около 6 тысяч человек",
        "2026-01-04",
        "",
        "«Областная газета» (Иркутск)",
        "https://www.ogirk.ru/2026/01/04/"
        "eshhe-dva-klastera-fedproekta-professionalitet-sozdadut-v-irkutskoy-oblasti",
    ),
    (
        "clusters",
        "Кировская область",
        3,
        "exact",
        "начали работу 3 кластера («Машиностроение», «Медицина», «Сельское хозяйство»)",
        "2024-12-01",
        "декабрь 2024 г.",
        "ru24.net",
        "https://m.ru24.net/kirov/393164367",
    ),
    (
        "clusters",
        "Липецкая область",
        5,
        "exact",
        "",
        "2025-10-16",
        "",
        "«Добрые вести»",
        "https://dobvesti.ru/"
        "den-otkrytyh-dverej-projdyot-v-pyati-klasterah-professionaliteta-lipetskoj-oblasti.html",
    ),
    (
        "clusters",
        "Московская область",
        17,
        "exact",
        "создано 17 отраслевых кластеров",
        "2026-02-04",
        "",
        "360.ru",
        "https://360.ru/news/mosobl/esche-odin-klaster-professionaliteta-otkrojut-v-podmoskove-v-2026-godu/",
    ),
    (
        "clusters",
        "Мурманская область",
        7,
        "exact",
        "действует семь кластеров",
        "2024-12-13",
        "",
        "ru24.net",
        "https://m.ru24.net/smi/murman/2024-12-13/page2",
    ),
    (
        "clusters",
        "Омская область",
        5,
        "exact",
        "два образовательно-производственных центра и три образовательных кластера СПО",
        "2026-01-15",
        "",
        "st-proinfo.ru",
        "https://st-proinfo.ru/?p=13207",
    ),
    (
        "clusters",
        "Оренбургская область",
        14,
        "exact",
        "",
        "2025-10-15",
        "",
        "РИА56",
        "https://ria56.ru/posts/v-orenburzhe-v-2025-godu-otkroyut-eshhe-dva-klastera.htm",
    ),
    (
        "clusters",
        "Пермский край",
        10,
        "exact",
        "функционирует уже десять образовательных кластеров",
        "2025-09-03",
        "",
        "Новости Mail",
        "https://news.mail.ru/society/67723342/",
    ),
    (
        "clusters",
        "Самарская область",
        7,
        "exact",
        "",
        "2025-08-28",
        "",
        "ИА «Самара»",
        "https://www.niasam.ru/obschestvo/"
        "professionalitet-v-regione-startuet-obuchenie-v-novyh-obrazovatelno-proizvodstvennyh-tsentrah-259817.html",
    ),
    (
        "clusters",
        "Саратовская область",
        9,
        "exact",
        "",
        "2026-02-17",
        "",
        "«Новости Саратова»",
        "https://novosti-saratova.ru/programma-professionalitet-pozvolyaet-molodym-saratovczam-najti-rabotu-mechty/",
    ),
    (
        "clusters",
        "Свердловская область",
        13,
        "exact",
        "",
        "2026-01-12",
        "",
        "«Коммерсантъ»",
        "https://www.kommersant.ru/doc/8339220",
    ),
    (
        "clusters",
        "Смоленская область",
        5,
        "exact",
        "",
        "2025-09-09",
        "",
        "Новости Mail",
        "https://news.mail.ru/society/67806587/",
    ),
    (
        "clusters",
        "Тульская область",
        8,
        "exact",
        "",
        "2026-02-01",
        "февраль 2026 г.",
        "103news.com",
        "https://m.103news.com/tula/420826150",
    ),
    (
        "clusters",
        "Тюменская область",
        3,
        "exact",
        "",
        "2025-11-27",
        "",
        "newsprom.ru",
        "https://newsprom.ru/news/Ekonomika/290696.html",
    ),
    (
        "clusters",
        "Челябинская область",
        13,
        "exact",
        "Сейчас в Челябинской области работают 13 кластеров",
        "2025-08-26",
        "",
        "«Коммерсантъ»",
        "https://www.kommersant.ru/doc/7989782",
    ),
    (
        "clusters",
        "Санкт-Петербург",
        7,
        "exact",
        "7 образовательно-производственных кластеров",
        "2025-12-10",
        "",
        "Новости Mail",
        "https://news.mail.ru/society/69036407/",
    ),
    (
        "clusters",
        "Донецкая Народная Республика",
        5,
        "exact",
        "Пять образовательных кластеров объединили около 20 учреждений … и более 40 предприятий",
        "2026-01-13",
        "",
        "newsmariupol.ru",
        "https://newsmariupol.ru/society/2026/01/13/25186.html",
    ),
]


def rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def obj(model: str, pk: int, **fields) -> dict:
    return {
        "model": model,
        "pk": pk,
        "fields": {"created_at": STAMP, "updated_at": STAMP, **fields},
    }


def first_line(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(
            ("Меню", "Современно", "Профобразование", "Возрастная", "Назад")
        ):
            return line.strip()
    raise ValueError(path)


def build_reference() -> tuple[list[dict], list[dict], dict, dict]:
    districts = rows("federal_districts.csv")
    district_pk = {d["code"]: i for i, d in enumerate(districts, start=1)}
    out = [
        obj(
            "regions.federaldistrict",
            district_pk[d["code"]],
            code=d["code"],
            name=d["name_ru"],
            name_en=d["name_en"],
        )
        for d in districts
    ]
    region_pk = {}
    for r in rows("regions.csv"):
        region_pk[r["code"]] = int(r["code"])
        slug = r["name_en"].lower().replace("'", "").replace(" - ", "-")
        slug = "-".join(slug.replace("(", "").replace(")", "").split())
        out.append(
            obj(
                "regions.region",
                int(r["code"]),
                code=r["code"],
                name=r["name_ru"],
                name_en=r["name_en"],
                kind=KIND[r["kind"]],
                slug=slug,
                federal_district=district_pk.get(r["federal_district_code"]),
            )
        )
    industries = []
    industry_pk = {}
    for i, row in enumerate(rows("industries.csv"), start=1):
        industry_pk[row["slug"]] = i
        industries.append(
            obj(
                "clusters.industry",
                i,
                slug=row["slug"],
                name=row["name_ru"],
                name_en=row["name_en"],
            )
        )
    return out, industries, region_pk, industry_pk


def build_seed(region_pk: dict, industry_pk: dict) -> list[dict]:
    out: list[dict] = []
    source_pk = {}
    for i, fname in enumerate(sorted(SOURCES), start=1):
        source_pk[fname] = i
        out.append(
            obj(
                "clusters.source",
                i,
                title=first_line(DATA.parent / "seeds" / fname),
                publisher=SOURCES[fname]["publisher"],
                published_on=None,
                url="",
                document_ref=f"seeds/{fname}",
                note=SOURCES[fname]["note"],
            )
        )

    college_pk: dict[str, int] = {}
    employer_pk: dict[str, int] = {}
    cluster_pk: dict[str, int] = {}
    membership_pk = partnership_pk = 0

    def college(name: str, region: int) -> int:
        if name not in college_pk:
            college_pk[name] = len(college_pk) + 1
            full, short, town = COLLEGE_NAMES.get(name, (name, "", ""))
            out.append(
                obj(
                    "clusters.college",
                    college_pk[name],
                    full_name=full,
                    short_name=short,
                    region=region,
                    town=town,
                    inn=None,
                    ogrn=None,
                    website="",
                )
            )
        return college_pk[name]

    for i, c in enumerate(rows("seed-clusters.csv"), start=1):
        key = c["key"]
        cluster_pk[key] = i
        region = region_pk[c["region_code"]]
        meta = CLUSTERS[key]
        out.append(
            obj(
                "clusters.cluster",
                i,
                name=meta["name"],
                slug=key,
                kind=CLUSTER_KIND[c["kind"]],
                industry=industry_pk[c["industry_slug"]],
                region=region,
                selection_year=int(c["selection_year"]) if c["selection_year"] else None,
                launch_year=int(c["launch_year"]) if c["launch_year"] else None,
                status=meta["status"],
                management_board="",
                description=meta["description"],
                website="",
                is_published=True,
                review_state="published",
                programmes=[],
                sources=[source_pk[c["source_file"]]],
            )
        )
        members = [(c["base_college"], "base")] + [
            (n.strip(), "network") for n in c["network_colleges"].split(";") if n.strip()
        ]
        for name, role in members:
            membership_pk += 1
            out.append(
                obj(
                    "clusters.clustercollege",
                    membership_pk,
                    cluster=i,
                    college=college(name, region),
                    role=role,
                )
            )
        for name in (n.strip() for n in c["employers_named"].split(";") if n.strip()):
            employer_pk.setdefault(name, len(employer_pk) + 1)
            out.append(
                obj(
                    "clusters.employer",
                    employer_pk[name],
                    name=name,
                    region=None,
                    industry=None,
                    inn=None,
                    ogrn=None,
                    website="",
                )
            )
            partnership_pk += 1
            out.append(
                obj(
                    "clusters.clusteremployer",
                    partnership_pk,
                    cluster=i,
                    employer=employer_pk[name],
                    role="partner",
                    note=EMPLOYER_NOTES.get(name, ""),
                )
            )

    for i, f in enumerate(rows("seed-figures.csv"), start=1):
        out.append(
            obj(
                "clusters.reportedfigure",
                i,
                cluster=cluster_pk[f["cluster_key"]],
                kind=f["figure"],
                value=f["value"],
                qualifier=f["qualifier"],
                as_of=f["as_of"] or None,
                source=source_pk[f["source_file"]],
                exact_wording=f["exact_wording"],
                note=FIGURE_NOTES.get((f["cluster_key"], f["figure"]), ""),
            )
        )

    for i, line in enumerate(rows("seed-funding.csv"), start=1):
        key = line["cluster_key"]
        out.append(
            obj(
                "funding.fundingline",
                i,
                cluster=cluster_pk[key] if key else None,
                region=region_pk[line["region_code"]],
                fiscal_year=int(line["fiscal_year"]) if line["fiscal_year"] else None,
                funding_source=line["funding_source"],
                amount_rub=line["amount_rub"],
                qualifier=line["qualifier"],
                source=source_pk[line["source_file"]],
                exact_wording=line["exact_wording"],
                note=FUNDING_NOTES.get((key, line["funding_source"]), ""),
            )
        )
    return out


def build_reported(region_pk: dict) -> list[dict]:
    """fixtures/04_reported_counts.json: REPORTED, each address checked against the file it
    comes from and each region against regions.csv, so that nothing here is made up."""
    aggregates = (DATA / "press-aggregates.md").read_text(encoding="utf-8")
    code_of = {r["name_ru"]: r["code"] for r in rows("regions.csv")}
    out = []
    for pk, (measure, region, value, qualifier, wording, as_of, label, publisher, url) in enumerate(
        REPORTED, start=1
    ):
        if url.removeprefix("https://").removeprefix("http://") not in aggregates:
            raise ValueError(f"{url} is not in press-aggregates.md")
        if any(part.strip() not in aggregates for part in wording.split("…")):
            raise ValueError(f"{wording!r} is not quoted in press-aggregates.md")
        out.append(
            obj(
                "regions.reportedcount",
                pk,
                measure=measure,
                region=region_pk[code_of[region]] if region else None,
                value=value,
                qualifier=qualifier,
                wording=wording,
                as_of=as_of,
                as_of_label=label,
                publisher=publisher,
                url=url,
            )
        )
    return out


def write(name: str, objects: list[dict]) -> None:
    path = OUT / name
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(objects)} objects")


def main() -> int:
    if not DATA.is_dir():
        print(f"No reference data at {DATA}", file=sys.stderr)
        return 1
    regions, industries, region_pk, industry_pk = build_reference()
    write("01_regions.json", regions)
    write("02_industries.json", industries)
    write("03_seed.json", build_seed(region_pk, industry_pk))
    write("04_reported_counts.json", build_reported(region_pk))
    return 0


if __name__ == "__main__":
    sys.exit(main())
