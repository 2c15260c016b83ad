"""Convert ../shared/data/press-sample-clusters.csv into the import templates (imports/).

The press sample has one row per cluster per press item; the registry holds one cluster
citing every item. This script writes sources.csv, clusters.csv, funding.csv and figures.csv
(column codes of the templates) for `manage.py import_data`, which `make seed` runs:

- rows of the same cluster (same region and base college) merge into one cluster row citing
  every source; members and partners are the union of what the items list;
- money: a `*_rub` cell is a line of that budget for the cluster, its qualifier and exact
  words read from `money_wording` with common.moneywords («более 22 млн» → at least);
  «до 100 млн» is an upper bound (at most); `JOINT` sums become region-level lines (no
  cluster), one per budget the words name, never split; a sum the words give for several
  budgets at once is recorded as the cluster's reported funding-total figure;
- facts a row leaves empty stay empty (kind «unknown», no industry, no year);
- rows whose links were inferred (README markers) make their cluster a draft;
- rows about the eight seed clusters are left out: the seed stays exactly as it is.

Usage: python scripts/convert_press_sample.py OUT_DIR [--csv PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DEFAULT_CSV = DATA / "press-sample-clusters.csv"
SAMPLE_NOTE = (
    "Пресс-выборка: публикация из press-sample-clusters.csv (выборка сообщений прессы, "
    "не официальный перечень кластеров)."
)

BUDGET_WORDS = {
    "federal": re.compile(r"федеральн|грант|минпросвещ|государств|правительств", re.I),
    "regional": re.compile(
        r"регионал|областн|краев|республиканск|окружн|казн|бюджет субъекта|\bрегион\b(?!-)", re.I
    ),
    "employer": re.compile(r"работодател|предприяти|партн[её]р|бизнес|компани|инвестор", re.I),
}
MIXED_REMARK = re.compile(
    r"mixed|all sources|sources not stated|source not stated|split not stated", re.I
)
FIGURE_KINDS = {
    "workshops": "workshops",
    "students": "students",
    "colleges": "member_colleges",
    "employers": "employers",
    "partners": "employers",
    "programmes": "programmes",
}
ORG_FORMS = re.compile(
    r"\b(?:гбпоу|гапоу|гпоау|гпоу|огбпоу|огапоу|кгбпоу|кгапоу|бпоу|апоу|гбоу спо|гоу спо|"
    r"фгбоу во|фгбоу)\b",
    re.I,
)


def normalise(name: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", name.lower().replace("ё", "е"))
    text = ORG_FORMS.sub(" ", text)
    text = re.sub(r"[«»\"'“”„.,№]", " ", text)
    return " ".join(text.split())


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def college_name(raw: str) -> tuple[str, str]:
    """(name, town) from «Name (Town)»; an abbreviation in parentheses stays in the name."""
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", raw)
    if match:
        inside = match[2].strip()
        is_town = re.fullmatch(r"(?:г\.\s*)?[А-ЯЁ][а-яё\-]+(?:[ \-][А-ЯЁ]?[а-яё\-]+)*", inside)
        if is_town and sum(ch.isupper() for ch in inside) <= 2:
            return match[1].strip(), re.sub(r"^г\.\s*", "", inside)
    return raw.strip(), ""


@dataclass
class Merged:
    region_code: str
    region_name: str
    base: str
    base_town: str
    industry_slug: str = ""
    kind: str = ""
    selection_year: str = ""
    launch_year: str = ""
    network: list[str] = field(default_factory=list)
    employers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    is_draft: bool = False
    industry_remark: str = ""


def _add_unique(items: list[str], new: list[str]) -> None:
    seen = {normalise(i) for i in items}
    for item in new:
        if normalise(item) not in seen:
            items.append(item)
            seen.add(normalise(item))


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def seed_bases() -> set[tuple[str, str]]:
    """(region code, normalised base college) of the seed clusters, to leave them alone."""
    regions = json.loads((ROOT / "fixtures" / "01_regions.json").read_text(encoding="utf-8"))
    code = {o["pk"]: o["fields"]["code"] for o in regions if o["model"] == "regions.region"}
    seed = json.loads((ROOT / "fixtures" / "03_seed.json").read_text(encoding="utf-8"))
    colleges = {o["pk"]: o["fields"] for o in seed if o["model"] == "clusters.college"}
    bases = set()
    for o in seed:
        if o["model"] == "clusters.clustercollege":
            college = colleges[o["fields"]["college"]]
            bases.add((code[college["region"]], normalise(college["full_name"])))
    return bases


def is_inferred(row: dict) -> bool:
    """The README's markers of links inferred rather than stated."""
    text = f"{row['money_wording']} {row['figures']}".lower()
    year = f"{row['selection_year']} {row['source_date']}"
    return bool(
        re.search(r"\((?:as )?implied", row["industry"])
        or re.search(r"implied|ambiguous", text)
        or "kommersant.ru/doc/7989782" in row["source_address"]
        or (row["region"] == "Республика Башкортостан" and "2023" in year)
        or (row["region"] == "Приморский край" and "2023" in year)
        or (row["region"] == "Краснодарский край" and "2026" in year)
    )


def industry_of(cell: str, by_name: dict[str, str]) -> str:
    """The slug when the cell names one of the 24 industries; empty otherwise."""
    head = re.split(r"\s*[(/]", cell, maxsplit=1)[0].strip()
    return by_name.get(head.lower(), "")


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


def source_row(row: dict) -> dict:
    address = row["source_address"].strip()
    url = address if address.startswith("http") else (f"https://{address}" if address else "")
    date = row["source_date"].strip()
    iso = date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else ""
    host = urlparse(url).netloc.removeprefix("www.") if url else ""
    note = SAMPLE_NOTE
    if date and not iso:
        note += f" Дата, как известна: {date}."
    if row["quote"]:
        note += f" Цитата: {row['quote']}"
    return {
        "url": url,
        "title": f"{host or 'Публикация'}: {row['region']}" + (f", {iso}" if iso else ""),
        "publisher": host,
        "published_on": iso,
        "note": note,
    }


def convert(rows: list[dict], industries: dict[str, str], region_codes: dict[str, str]):
    from common.moneywords import AT_MOST, find_money

    bases = seed_bases()
    stats: Counter = Counter()
    sources: dict[str, dict] = {}
    clusters: dict[tuple, Merged] = {}
    funding: dict[tuple, dict] = {}
    figures: dict[tuple, dict] = {}

    for row in rows:
        stats["rows"] += 1
        code = region_codes[row["region"]]
        base, town = college_name(row["base_college"]) if row["base_college"] else ("", "")
        if (code, normalise(base)) in bases:
            stats["rows about seed clusters, left out"] += 1
            continue
        source = source_row(row)
        source_key = source["url"] or source["title"]
        sources.setdefault(source_key, source)
        slug = industry_of(row["industry"], industries)
        key = (code, normalise(base)) if base else (code, "", slug, row["selection_year"])
        cluster = clusters.get(key)
        if cluster is None:
            cluster = clusters[key] = Merged(code, row["region"], base, town)
        cluster.industry_slug = cluster.industry_slug or slug
        if row["kind"] in ("production_center", "education_cluster"):
            cluster.kind = cluster.kind or row["kind"]
        cluster.selection_year = cluster.selection_year or row["selection_year"]
        cluster.launch_year = cluster.launch_year or row["launch_year"]
        cluster.base_town = cluster.base_town or town
        _add_unique(cluster.network, split_list(row["network_colleges"]))
        _add_unique(cluster.employers, split_list(row["employers"]))
        if source_key not in cluster.sources:
            cluster.sources.append(source_key)
        if is_inferred(row):
            cluster.is_draft = True
            stats["rows with inferred links (cluster loaded as draft)"] += 1

        wording = row["money_wording"]
        mentions = find_money(wording)
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
            funding[(key, budget, source_key)] = {
                "cluster": key,
                "region": code,
                "funding_source": budget,
                "amount_rub": str(amount),
                "qualifier": str(qualifier),
                "source": source_key,
                "exact_wording": words,
            }
            stats["cluster funding lines"] += 1

        if wording.startswith("JOINT"):
            if "?" in wording.split(":", 1)[0]:
                stats["joint sums whose scope is uncertain, left out"] += 1
                continue
            starts = [m.start for m in mentions] + [len(wording)]
            for i, mention in enumerate(mentions):
                bounds = (starts[i - 1] if i else 0, starts[i + 1])
                named = budgets_near(wording, mention.start, mention.end, bounds)
                joint_key = (code, source_key, mention.amount)
                if len(named) != 1:
                    stats["joint sums of several or unnamed budgets, left out"] += 1
                    continue
                budget = named.pop()
                if joint_key in funding:
                    continue
                funding[joint_key] = {
                    "cluster": None,
                    "region": code,
                    "funding_source": budget,
                    "amount_rub": str(mention.amount),
                    "qualifier": str(mention.qualifier),
                    "source": source_key,
                    "exact_wording": mention.quote,
                    "note": "Сумма дана совокупно для нескольких кластеров субъекта: "
                    + wording.split(":", 1)[0].removeprefix("JOINT").strip(" ()"),
                }
                stats["region-level (joint) lines"] += 1
        elif not wording.startswith("region:") and not used and len(mentions) == 1:
            mention = mentions[0]
            named = budgets_near(wording, mention.start, mention.end, (0, len(wording)))
            if mention.qualifier == AT_MOST and named == {"federal"}:
                funding[(key, "federal", source_key)] = {
                    "cluster": key,
                    "region": code,
                    "funding_source": "federal",
                    "amount_rub": str(mention.amount),
                    "qualifier": str(AT_MOST),
                    "source": source_key,
                    "exact_wording": mention.quote,
                    "note": "Верхняя граница («до»), не сумма гранта.",
                }
                stats["cluster funding lines"] += 1
            elif len(named) != 1 or MIXED_REMARK.search(wording):
                figures[(key, "funding_total_rub", source_key)] = {
                    "cluster": key,
                    "region": code,
                    "kind": "funding_total_rub",
                    "value": str(mention.amount),
                    "qualifier": str(mention.qualifier),
                    "source": source_key,
                    "exact_wording": wording[:1000],
                    "note": "Сумма из нескольких источников (или без указания источника): "
                    "разбивка по бюджетам не названа.",
                }
                stats["funding-total figures (several budgets at once)"] += 1

        for part in split_list(row["figures"]):
            if re.match(r"(region|all \w+)\s*:", part):
                continue
            match = re.fullmatch(r"(\w+)=(\d+)\s*(?:\((.*)\))?", part)
            if not match or match[1] not in FIGURE_KINDS:
                continue
            remark = (match[3] or "").lower()
            qualifier = "exact"
            if re.search(r"более|свыше|не менее|больше", remark):
                qualifier = "at_least"
            elif re.search(r"около|почти|порядка|примерно", remark):
                qualifier = "approximately"
            figures[(key, FIGURE_KINDS[match[1]], source_key)] = {
                "cluster": key,
                "region": code,
                "kind": FIGURE_KINDS[match[1]],
                "value": match[2],
                "qualifier": qualifier,
                "source": source_key,
                "exact_wording": part,
            }
            stats["cluster figures"] += 1

    names = {}
    taken: Counter = Counter()
    for key, cluster in clusters.items():
        if cluster.base:
            name = f"Кластер на базе: {cluster.base}"
        else:
            name = f"Кластер {cluster.region_name} ({cluster.selection_year or 'год не указан'})"
        taken[(cluster.region_code, name)] += 1
        if taken[(cluster.region_code, name)] > 1:
            name += f" — {taken[(cluster.region_code, name)]}"
        names[key] = name[:300]
        if not cluster.base:
            cluster.is_draft = True  # nothing to publish it on: no base college named
    cluster_rows = [
        {
            "name": names[key],
            "region": c.region_code,
            "industry": c.industry_slug,
            "kind": c.kind,
            "selection_year": c.selection_year,
            "launch_year": c.launch_year
            if not (c.selection_year and c.launch_year and c.launch_year < c.selection_year)
            else "",
            "base_college": c.base,
            "base_college_town": c.base_town,
            "network_colleges": "; ".join(c.network),
            "employers": "; ".join(c.employers),
            "sources": "; ".join(c.sources),
            "is_published": "нет" if c.is_draft else "да",
        }
        for key, c in clusters.items()
    ]
    for rows_ in (funding, figures):
        for entry in rows_.values():
            entry["cluster"] = names[entry["cluster"]] if entry["cluster"] else ""
    stats["clusters"] = len(clusters)
    stats["draft clusters"] = sum(c.is_draft for c in clusters.values())
    stats["regions"] = len({c.region_code for c in clusters.values()})
    stats["sources"] = len(sources)
    return {
        "sources": list(sources.values()),
        "clusters": cluster_rows,
        "funding": list(funding.values()),
        "figures": list(figures.values()),
    }, stats


def reference() -> tuple[dict[str, str], dict[str, str]]:
    with (DATA / "industries.csv").open(encoding="utf-8") as handle:
        industries = {r["name_ru"].lower(): r["slug"] for r in csv.DictReader(handle)}
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


def convert_to(out_dir: Path, csv_path: Path = DEFAULT_CSV) -> tuple[list[Path], Counter]:
    industries, regions = reference()
    tables, stats = convert(read_rows(csv_path), industries, regions)
    return write(out_dir, tables), stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
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
