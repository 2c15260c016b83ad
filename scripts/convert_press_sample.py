"""Convert press items in the press sample's format into the import templates (imports/).

The inputs are `../shared/data/press-sample-clusters.csv` and the project's own
`fixtures/press/*.csv` (same columns): one row per cluster per press item. The output is one
import row per input row — sources.csv, clusters.csv, funding.csv, figures.csv (column codes
of the templates) — and the import merges them (clusters/facts.py): rows on one cluster
become one cluster citing every item, a repeated grant one line citing both, and a
disagreement a conflict for staff. This script only translates each row faithfully:

- money: a `*_rub` cell is a line of that budget for the cluster, its qualifier and exact
  words read from `money_wording` with common.moneywords («более 22 млн» → at least);
  «до 100 млн» is an upper bound; `JOINT` sums become region-level lines (no cluster), one
  per budget the words name, never split; a sum the words give for several budgets at once
  is the cluster's reported funding-total figure;
- facts a row leaves empty stay empty (kind «unknown», no industry, no year);
- what the README marks as inferred is marked «implied» on the fact it concerns (an industry
  read from a college's name, employers paired by list order, a budget the text cut off):
  the cluster is still published when its base college is stated;
- figures: `region:` marks the whole region's figures (every part after it); qualifier words
  «более», «свыше», «около», «порядка», «≈», «до» are read; «набор» is the intake;
- lists of members go as written: the import turns «12 учреждений СПО (not named)» and «+5
  more» into a reported count, never into organisations;
- rows about the eight seed clusters merge into them like any other: their facts are never
  erased or overwritten (a disagreement is a conflict for staff), the items add sources.

Usage: python scripts/convert_press_sample.py OUT_DIR [--csv PATH …]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DEFAULT_CSV = DATA / "press-sample-clusters.csv"
PROJECT_PRESS = ROOT / "fixtures" / "press"
SOURCE_NOTE = (
    "Сообщение прессы (региональный релиз или его перепечатка) из выборки публикаций о "
    "кластерах; выборка не является официальным перечнем кластеров."
)
MONTHS = (
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
).split()

# «Правительство Самарской области» is a region's government, «Правительство РФ» the country's.
_REGION_GOVERNMENT = r"правительств\w*\s+(?:[а-яё-]+\s+){0,2}(?:област|кра[яею]|республик|округ)"
BUDGET_WORDS = {
    "federal": re.compile(
        r"федеральн|грант|минпросвещ|государств|правительств(?!\w*\s+(?:[а-яё-]+\s+){0,2}"
        r"(?:област|кра[яею]|республик|округ))",
        re.I,
    ),
    "regional": re.compile(
        r"регионал|областн|краев|республиканск|окружн|казн|бюджет субъекта|\bрегион\b(?!-)|"
        + _REGION_GOVERNMENT,
        re.I,
    ),
    "employer": re.compile(r"работодател|предприяти|партн[её]р|бизнес|компани|инвестор", re.I),
}
BUDGET_REMARKS = {
    "federal": re.compile(r"federal", re.I),
    "regional": re.compile(r"regional", re.I),
    "employer": re.compile(r"employer", re.I),
    "extrabudgetary": re.compile(r"extrabudgetary", re.I),
}
MIXED_REMARK = re.compile(
    r"mixed|all sources|sources not stated|source not stated|split not stated", re.I
)
FIGURE_KINDS = {
    "workshops": "workshops",
    "students": "students",
    "colleges": "member_colleges",
    "network_colleges": "network_colleges",
    "employers": "employers",
    "partners": "employers",
    "programmes": "programmes",
    "intake": "intake",
    "набор": "intake",
    "graduates": "graduates",
}
QUALIFIER_WORDS = [
    (
        "at_least",
        re.compile(r"более|свыше|не менее|больше|\bот\b|>|at least|more than|\bover\b", re.I),
    ),
    ("at_most", re.compile(r"\bдо\b|не более|менее|up to|at most", re.I)),
    (
        "approximately",
        re.compile(r"около|почти|порядка|примерно|приблизительно|≈|~|about|around|circa", re.I),
    ),
]
# Rows the data README marks as inferred, by what they infer.
EMPLOYERS_PAIRED_BY_ORDER = re.compile(r"kommersant\.ru/doc/7989782")


def read_rows(path: Path) -> list[dict]:
    """The rows of one file of items, each knowing the file it came from."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return [{**row, "_file": path.name} for row in rows]


def input_files(extra: list[Path] | None = None) -> list[Path]:
    """The shared sample, then the project's own items (fixtures/press/*.csv), sorted."""
    files = [DEFAULT_CSV] if DEFAULT_CSV.exists() else []
    files += sorted(PROJECT_PRESS.glob("*.csv")) if PROJECT_PRESS.exists() else []
    return [*files, *(extra or [])]


# The sample's remarks on a name, in English, are not part of it: «(as written: «…»)».
REMARK = re.compile(r"\s*\((?:as written|as named|as implied|written as)[^()]*\)", re.I)


def split_list(value: str) -> list[str]:
    return [REMARK.sub("", part).strip() for part in value.split(";") if part.strip()]


def college_and_town(raw: str) -> tuple[str, str]:
    """(name, town) from «Name (Town)»; an abbreviation in parentheses stays in the name.
    A cell that names no college («колледж в Буйнакске (name not given)») gives no name."""
    from clusters.matching import parse_name, placeholder

    raw = REMARK.sub("", raw).strip()
    if not raw or placeholder(raw) is not None:
        return "", ""
    parsed = parse_name(raw)
    if not parsed.town:
        return raw.strip(), ""
    name = re.sub(
        r"\s*\((?:г\.\s*|пос[её]лок\s+|пос\.\s*)?" + re.escape(parsed.town) + r"\)", "", raw
    )
    return " ".join(name.split()), parsed.town


def seed_bases() -> set[tuple[str, str]]:
    """(region code, base college key) of the eight seed clusters, to leave them alone."""
    from clusters.matching import parse_name

    regions = json.loads((ROOT / "fixtures" / "01_regions.json").read_text(encoding="utf-8"))
    code = {o["pk"]: o["fields"]["code"] for o in regions if o["model"] == "regions.region"}
    seed = json.loads((ROOT / "fixtures" / "03_seed.json").read_text(encoding="utf-8"))
    colleges = {o["pk"]: o["fields"] for o in seed if o["model"] == "clusters.college"}
    bases = set()
    for o in seed:
        if o["model"] == "clusters.clustercollege" and o["fields"]["role"] == "base":
            college = colleges[o["fields"]["college"]]
            for name in (college["full_name"], college.get("short_name", "")):
                if name:
                    bases.add((code[college["region"]], parse_name(name).key))
    return bases


def implied_facts(row: dict) -> list[str]:
    """The facts of a cluster row the README marks as inferred rather than stated. The data
    README's list of items (by subject and year) is about the shared sample's rows only."""
    facts = []
    sample = row.get("_file") == DEFAULT_CSV.name
    year = f"{row['selection_year']} {row['source_date']}"
    if re.search(r"\((?:as )?implied", row["industry"]) or (
        sample
        and (
            (row["region"] == "Приморский край" and "2023" in year)
            or (row["region"] == "Краснодарский край" and "2026" in year)
        )
    ):
        facts.append("industry")  # read from a name, or paired with the base by list order
    if EMPLOYERS_PAIRED_BY_ORDER.search(row["source_address"]) or (
        sample and row["region"] == "Республика Башкортостан" and "2023" in year
    ):
        facts.append("employers")  # listed for the region, or paired by list order
    return facts


def implied_budgets(wording: str) -> set[str]:
    """Budgets whose attribution a remark says is only implied («regional budget implied»)."""
    found = set()
    for remark in re.findall(r"\(([^()]*implied[^()]*)\)", wording, re.I):
        found |= {name for name, words in BUDGET_REMARKS.items() if words.search(remark)}
    return found


def industry_of(cell: str, by_name: dict[str, str]) -> str:
    """The slug when the cell names one of the 24 industries; empty otherwise."""
    head = re.split(r"\s*[(/]", cell, maxsplit=1)[0].strip()
    return by_name.get(head.lower().replace("ё", "е"), "")


def budgets_near(text: str, start: int, end: int, bounds: tuple[int, int]) -> set[str]:
    """Budgets named after the sum (up to the next sum or the end of its «quote»), else
    before it (back to the previous sum or the start of its quote)."""
    close = text.find("»", end)
    after = text[end : min(bounds[1], close if close >= 0 else len(text))]
    found = {name for name, words in BUDGET_WORDS.items() if words.search(after)}
    if not found:
        before = text[max(bounds[0], text.rfind("«", 0, start) + 1) : start]
        found = {name for name, words in BUDGET_WORDS.items() if words.search(before)}
    return found


def source_key(row: dict) -> str:
    address = row["source_address"].strip()
    if address:
        return address if address.startswith("http") else f"https://{address}"
    return f"{row['region']}: {row['source_date']}"


def source_row(row: dict) -> dict:
    url = source_key(row) if row["source_address"].strip() else ""
    text = row["source_date"].strip()
    iso = text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""
    host = urlparse(url).netloc.removeprefix("www.") if url else ""
    when = ""
    if iso:
        day = date.fromisoformat(iso)
        when = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    elif text:
        when = text
    note = SOURCE_NOTE + (
        f" Дата публикации известна не точно: {text}." if text and not iso else ""
    )
    return {
        "url": url,
        "title": ", ".join(
            part for part in (f"Публикация {host}" if host else "Публикация", when) if part
        ),
        "publisher": host,
        "published_on": iso,
        "note": note,
    }


def foreign_qualifier(wording: str, amount: int) -> str:
    """How exact a sum is in an item in another language (an English or Italian reprint):
    the qualifier word right before that sum («about 25 million», «more than 100 million»)."""
    for scale, word in ((10**9, r"billion|miliard\w*"), (10**6, r"million|milion\w*|mln")):
        if amount % (scale // 10) == 0 and amount >= scale // 10:
            number = f"{amount / scale:g}".replace(".", "[.,]")
            before = re.search(
                rf"(\w+(?:\s+\w+)?)\s+(?:rub\w*\s+)?{number}\s*(?:{word})", wording, re.I
            )
            if before:
                words = before[1].lower()
                if re.search(r"about|around|approximately|circa|some", words):
                    return "approximately"
                if re.search(r"more than|over|at least|oltre|più di", words):
                    return "at_least"
                if re.search(r"up to|fino a", words):
                    return "at_most"
    return "exact"


def figure_qualifier(remark: str) -> str:
    for qualifier, words in QUALIFIER_WORDS:
        if words.search(remark):
            return qualifier
    return "exact"


def read_figures(cell: str) -> list[tuple[bool, str, int, str, str]]:
    """(is region-wide, kind, value, qualifier, words) of each figure of the cell. «region:»
    marks the whole region's figures: every part after it, until «cluster:»."""
    figures = []
    region_wide = False
    for part in split_list(cell):
        prefix = re.match(r"\s*(region|cluster|all [\w ]+?|both clusters)\s*:\s*", part, re.I)
        if prefix:
            region_wide = prefix[1].lower() != "cluster"
            part = part[prefix.end() :]
        match = re.fullmatch(r"\s*(\w+)\s*=\s*([≈~>]?)\s*(\d[\d\s]*)\s*(?:\((.*)\))?\s*", part)
        if not match or match[1].lower() not in FIGURE_KINDS:
            continue
        remark = f"{match[2]} {match[4] or ''}"
        value = int(re.sub(r"\s", "", match[3]))
        figures.append(
            (
                region_wide,
                FIGURE_KINDS[match[1].lower()],
                value,
                figure_qualifier(remark),
                part.strip(),
            )
        )
    return figures


class Names:
    """One name per cluster, from what identifies it (its base college), whatever the order
    of the rows: «Кластер Амурского аграрного колледжа»."""

    def __init__(self) -> None:
        self.taken: Counter = Counter()
        self.by_key: dict[tuple, str] = {}

    def of(self, key: tuple, region_name: str, base: str, year: str, industry: str) -> str:
        if key in self.by_key:
            return self.by_key[key]
        if base:
            from common.inflection import genitive_name

            genitive = genitive_name(base)
            name = f"Кластер {genitive}" if genitive else f"Кластер на базе: {base}"
        else:
            what = f"«{industry}»" if industry else "отрасль не названа"
            name = (
                f"Кластер без названной базовой организации: {region_name}, {what}, "
                f"{year or 'год не указан'}"
            )
        self.taken[name] += 1
        if self.taken[name] > 1:
            name += f" — {self.taken[name]}"
        self.by_key[key] = name[:300]
        return self.by_key[key]


def convert(rows: list[dict], industries: dict[str, str], region_codes: dict[str, str]):
    from clusters.matching import parse_name
    from common.moneywords import find_money
    from common.qualifiers import Qualifier

    bases = seed_bases()
    industry_names = {slug: name.capitalize() for name, slug in industries.items()}
    stats: Counter = Counter()
    sources: dict[str, dict] = {}
    clusters: list[dict] = []
    funding: dict[tuple, dict] = {}
    figures: dict[tuple, dict] = {}
    names = Names()
    # A cluster is identified by its base college (or, with none named, its year and
    # industry): rows of one cluster get one name, whichever comes first.
    # A row naming no base college cannot be told from another such row of another item: it
    # is a cluster of its own (of its item, in its order there), never merged by guess.
    keys = []
    unnamed: Counter = Counter()
    for row in rows:
        code = region_codes[row["region"]]
        base, _town = college_and_town(row["base_college"])
        if base:
            keys.append((code, parse_name(base).key))
            continue
        item = (code, source_key(row))
        unnamed[item] += 1
        keys.append((*item, unnamed[item]))

    for row, key in zip(rows, keys, strict=True):
        stats["rows"] += 1
        code = region_codes[row["region"]]
        base, town = college_and_town(row["base_college"])
        if base and (code, parse_name(base).key) in bases:
            stats["rows about seed clusters (merged into them)"] += 1
        source = source_row(row)
        source_id = source["url"] or source["title"]
        sources.setdefault(source_id, source)
        industry = industry_of(row["industry"], industries)
        name = names.of(
            key, row["region"], base, row["selection_year"], industry_names.get(industry, "")
        )
        implied = implied_facts(row) + ["name"]  # the name is the registry's, not the item's
        if "industry" in implied and not industry:
            implied.remove("industry")
        launch, selection = row["launch_year"], row["selection_year"]
        if selection and launch and int(launch) < int(selection):
            launch = ""  # a planned start read as a launch before the contest: not stated
        clusters.append(
            {
                "name": name,
                "region": code,
                "industry": industry,
                "kind": row["kind"]
                if row["kind"] in ("production_center", "education_cluster")
                else "",
                "selection_year": selection,
                "launch_year": launch,
                "base_college": base,
                "base_college_town": town,
                "network_colleges": "; ".join(split_list(row["network_colleges"])),
                "employers": "; ".join(split_list(row["employers"])),
                "sources": source_id,
                "quote": row["quote"],
                "implied": "; ".join(implied),
                # A cluster whose base college an item names is published; one without stays
                # a draft. Never «нет»: another item's row must not withdraw it.
                "is_published": "да" if base else "",
            }
        )
        stats["cluster rows"] += 1
        if not base:
            stats["rows naming no base college (draft)"] += 1
        if implied_facts(row):
            stats["rows with an implied fact (marked, not drafted)"] += 1

        wording = row["money_wording"]
        mentions = find_money(wording)
        budgets_implied = implied_budgets(wording)
        used: set[int] = set()
        for budget in ("federal", "regional", "employer", "extrabudgetary"):
            cell = row[f"{budget}_rub"].strip()
            if not cell:
                continue
            amount = int(cell)
            match = next(
                (i for i, m in enumerate(mentions) if m.amount == amount and i not in used), None
            )
            qualifier, words = "exact", wording[:1000]
            if match is not None:
                used.add(match)
                qualifier, words = mentions[match].qualifier, mentions[match].quote
            elif not re.search("[а-яё]", wording, re.I):
                qualifier = foreign_qualifier(wording, amount)
            funding[(name, code, budget, source_id, amount)] = {
                "cluster": name,
                "base_college": base,
                "region": code,
                "funding_source": budget,
                "amount_rub": str(amount),
                "qualifier": str(qualifier),
                "source": source_id,
                "exact_wording": words,
                "implied": "да" if budget in budgets_implied else "",
            }
            stats["cluster funding rows"] += 1

        if wording.startswith("JOINT"):
            if "?" in wording.split(":", 1)[0]:
                stats["joint sums whose scope is uncertain, left out"] += 1
                continue
            starts = [m.start for m in mentions] + [len(wording)]
            for i, mention in enumerate(mentions):
                if i in used:
                    continue  # the row gives this sum to the cluster itself: not joint money
                bounds = (starts[i - 1] if i else 0, starts[i + 1])
                named = budgets_near(wording, mention.start, mention.end, bounds)
                if len(named) != 1:
                    stats["joint sums of several or unnamed budgets, left out"] += 1
                    continue
                budget = named.pop()
                joint_key = ("", code, budget, source_id, mention.amount)
                if joint_key in funding:
                    continue
                funding[joint_key] = {
                    "cluster": "",
                    "region": code,
                    "funding_source": budget,
                    "amount_rub": str(mention.amount),
                    "qualifier": str(mention.qualifier),
                    "source": source_id,
                    "exact_wording": mention.quote,
                    "note": "Сумма дана совокупно для нескольких кластеров субъекта: "
                    + wording.split(":", 1)[0].removeprefix("JOINT").strip(" ()"),
                }
                stats["region-level (joint) rows"] += 1
        elif not wording.startswith("region:") and not used and len(mentions) == 1:
            mention = mentions[0]
            named = budgets_near(wording, mention.start, mention.end, (0, len(wording)))
            if mention.qualifier == Qualifier.AT_MOST and named == {"federal"}:
                funding[(name, code, "federal", source_id, mention.amount)] = {
                    "cluster": name,
                    "base_college": base,
                    "region": code,
                    "funding_source": "federal",
                    "amount_rub": str(mention.amount),
                    "qualifier": str(Qualifier.AT_MOST),
                    "source": source_id,
                    "exact_wording": mention.quote,
                    "note": "Верхняя граница («до»), не сумма гранта.",
                }
                stats["cluster funding rows"] += 1
            elif len(named) != 1 or MIXED_REMARK.search(wording):
                figures[(name, code, "funding_total_rub", source_id)] = {
                    "cluster": name,
                    "base_college": base,
                    "region": code,
                    "kind": "funding_total_rub",
                    "value": str(mention.amount),
                    "qualifier": str(mention.qualifier),
                    "source": source_id,
                    "exact_wording": wording[:1000],
                    "note": "Сумма из нескольких источников (или без указания источника): "
                    "разбивка по бюджетам не названа.",
                }
                stats["funding-total figures (several budgets at once)"] += 1

        for region_wide, kind, value, qualifier, words in read_figures(row["figures"]):
            if region_wide:
                stats["region-wide figures, not a cluster's (left out)"] += 1
                continue
            figures[(name, code, kind, source_id)] = {
                "cluster": name,
                "base_college": base,
                "region": code,
                "kind": kind,
                "value": str(value),
                "qualifier": qualifier,
                "source": source_id,
                "exact_wording": words,
            }
            stats["cluster figures"] += 1

    stats["sources"] = len(sources)
    stats["clusters"] = len({names.by_key[k] for k in names.by_key})
    stats["regions"] = len({c["region"] for c in clusters})
    return {
        "sources": list(sources.values()),
        "clusters": clusters,
        "funding": list(funding.values()),
        "figures": list(figures.values()),
    }, stats


def reference() -> tuple[dict[str, str], dict[str, str]]:
    with (DATA / "industries.csv").open(encoding="utf-8") as handle:
        industries = {
            r["name_ru"].lower().replace("ё", "е"): r["slug"] for r in csv.DictReader(handle)
        }
    regions = {}
    with (DATA / "regions.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(line for line in handle if not line.startswith("#")):
            regions[r["name_ru"]] = r["code"]
    return industries, regions


def write(out_dir: Path, tables: dict[str, list[dict]]) -> list[Path]:
    from imports.kinds import KINDS
    from imports.reading import rows_csv

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, rows in tables.items():
        path = out_dir / f"{kind}.csv"
        path.write_text(rows_csv(KINDS[kind].columns, rows), encoding="utf-8")
        paths.append(path)
    return paths


def convert_to(out_dir: Path, csv_paths: list[Path] | None = None) -> tuple[list[Path], Counter]:
    industries, regions = reference()
    rows = [row for path in (csv_paths or input_files()) for row in read_rows(path)]
    tables, stats = convert(rows, industries, regions)
    return write(out_dir, tables), stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--csv", type=Path, action="append", help="instead of the defaults")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    paths, stats = convert_to(args.out_dir, args.csv)
    for name, value in stats.items():
        print(f"{name}: {value}")
    print("written:", ", ".join(str(p) for p in paths))


if __name__ == "__main__":
    main()
