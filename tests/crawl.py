"""A reader's crawl of every public URL, with the checks that make a read tell the truth.

Every page (each cluster, region, district, industry, college and employer, every page of
each list, feeds, sitemaps, open-data files), every API list (JSON, all its pages; CSV; CSV for
Russian Excel; XLSX) and every API detail must answer 200, and none may say what the registry
does not know: no «None» or «nan», no zero money (no funding line of the data says 0, so a
0 is an unknown shown as zero), no qualifier without its amount, no «кластеров нет», no
«г..». Each stats grouping adds up to the national total. `crawl(client)` returns the
problems found, each naming its URL, and how many URLs it read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import urlsplit

from openpyxl import load_workbook

TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL)
WORDS = re.compile(r"\b(None|nan|NaN|undefined)\b")
NO_CLUSTERS = re.compile(r"[Кк]ластеров нет(?! сведений)|[Нн]ет кластеров")
# A sum of roubles as the pages write it («100 000 000 ₽», «2,5 млн ₽», «≈ 0 ₽»).
MONEY = re.compile(
    r"(?<![\d,])(\d{1,3}(?:[\u00a0 ]\d{3})*(?:,\d+)?)[\u00a0 ](?:(?:тыс\.|млн|млрд)[\u00a0 ])?₽"
)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", TAGS.sub(" ", html))


def check_text(url: str, text: str) -> list[str]:
    """What no reader-facing text may hold."""
    problems = []
    if match := WORDS.search(text):
        problems.append(
            f"{url}: «{match.group(0)}» in «{text[max(0, match.start() - 60) : match.end() + 30]}»"
        )
    if match := NO_CLUSTERS.search(text):
        problems.append(f"{url}: «{match.group(0)}» — say «в реестре нет сведений»")
    if "г.." in text:
        problems.append(f"{url}: «г..»")
    for match in MONEY.finditer(text):
        if Decimal(re.sub(r"[\u00a0 ]", "", match.group(1)).replace(",", ".")) == 0:
            around = text[max(0, match.start() - 60) : match.end() + 10]
            problems.append(f"{url}: zero money «{match.group(0)}» in «{around}»")
    return problems


def check_json(url: str, data) -> list[str]:
    """No «None», no zero money, no qualifier of an unknown amount, anywhere in the document."""
    problems = []

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
                if key.endswith("_rub") and item is not None and Decimal(str(item)) == 0:
                    problems.append(f"{url}: {path}.{key} = {item} (zero money)")
                if key.endswith("_qualifier") and item is not None:
                    amount = key.removesuffix("_qualifier") + "_rub"
                    if amount in value and value[amount] is None:
                        problems.append(f"{url}: {path}.{key} = {item} for an unknown amount")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif isinstance(value, str) and WORDS.fullmatch(value):
            problems.append(f"{url}: {path} = «{value}»")

    walk(data, "")
    return problems


def check_csv(url: str, text: str, delimiter: str = ",") -> list[str]:
    problems = []
    if not text.startswith("\ufeff"):
        problems.append(f"{url}: no BOM")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    if not rows or rows[-1][:1] != ["#END"] or int(rows[-1][1]) != len(rows) - 2:
        problems.append(f"{url}: no «#END,<rows>» line or a wrong count")
        return problems
    header = rows[0]
    money = [i for i, name in enumerate(header) if name.endswith("_rub") or "₽" in name]
    for row in rows[1:-1]:
        if len(row) != len(header):
            problems.append(f"{url}: a row of {len(row)} cells under {len(header)} columns")
        for cell in row:
            if WORDS.fullmatch(cell):
                problems.append(f"{url}: a cell «{cell}»")
        for index in money:
            cell = row[index].replace(",", ".")
            if cell and Decimal(cell) == 0:
                problems.append(f"{url}: {header[index]} = {row[index]} (zero money)")
    return problems


def check_xlsx(url: str, body: bytes) -> list[str]:
    problems = []
    sheet = load_workbook(io.BytesIO(body)).active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for label, cell in zip(header, row, strict=True):
            if isinstance(cell.value, str) and WORDS.fullmatch(cell.value):
                problems.append(f"{url}: {label} = «{cell.value}»")
            if "₽" in (label or "") and isinstance(cell.value, int | float) and cell.value == 0:
                problems.append(f"{url}: {label} = 0 (zero money)")
    if sheet.freeze_panes != "A2" or not sheet.auto_filter.ref:
        problems.append(f"{url}: no frozen header or no autofilter")
    return problems


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class Crawler:
    """Reads URLs with a test client, records every problem and every URL read."""

    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.read = 0
        self.seen: set[str] = set()

    def get(self, url: str, *, expect: int = 200):
        response = self.client.get(url)
        self.read += 1
        self.seen.add(url)
        if response.status_code != expect:
            self.problems.append(f"{url}: {response.status_code}, expected {expect}")
            return None
        return response

    def page(self, url: str) -> str | None:
        response = self.get(url)
        if response is None:
            return None
        html = _body(response).decode()
        self.problems += check_text(url, _text(html))
        return html

    def json(self, url: str):
        response = self.get(url)
        if response is None:
            return None
        data = json.loads(_body(response))
        self.problems += check_json(url, data)
        return data


def _pages(crawler: Crawler, url: str, html: str | None) -> None:
    """Every further page of a paginated list, by its numbered links."""
    if not html:
        return
    last = max((int(n) for n in re.findall(r"page=(\d+)", html)), default=1)
    separator = "&" if "?" in url else "?"
    for number in range(2, last + 1):
        crawler.page(f"{url}{separator}page={number}")


def crawl_pages(crawler: Crawler) -> None:
    from clusters.models import Cluster, ClusterCollege, ClusterEmployer, Industry
    from regions.models import FederalDistrict, Region

    for url in (
        "/",
        "/?map=money",
        "/regions/",
        "/regions/?map=money",
        "/industries/",
        "/open-data/",
        "/api/v1/docs/",
    ):
        crawler.page(url)
    for url in (
        "/clusters/",
        "/clusters/?industry=none",
        "/clusters/?kind=none",
        "/colleges/",
        "/employers/",
        "/completeness/",
    ):
        _pages(crawler, url, crawler.page(url))
    for cluster in Cluster.objects.visible_to(None):
        crawler.page(cluster.get_absolute_url())
    for region in Region.objects.all():
        _pages(crawler, region.get_absolute_url(), crawler.page(region.get_absolute_url()))
    for district in FederalDistrict.objects.all():
        crawler.page(district.get_absolute_url())
    for industry in Industry.objects.all():
        crawler.page(industry.get_absolute_url())
    colleges = ClusterCollege.objects.visible_to(None).values_list("college", flat=True)
    employers = ClusterEmployer.objects.visible_to(None).values_list("employer", flat=True)
    for pk in sorted(set(colleges)):
        crawler.page(f"/colleges/{pk}/")
    for pk in sorted(set(employers)):
        crawler.page(f"/employers/{pk}/")


def crawl_feeds_and_sitemaps(crawler: Crawler) -> None:
    from regions.models import Region

    for url in ["/feed/", *(f"/regions/{r.slug}/feed/" for r in Region.objects.all())]:
        response = crawler.get(url)
        if response is None:
            continue
        root = ET.fromstring(response.content)
        for entry in root.iter(f"{ATOM}entry"):
            text = " ".join(entry.findtext(f"{ATOM}{tag}") or "" for tag in ("title", "summary"))
            crawler.problems += check_text(url, text)
            summary = (entry.findtext(f"{ATOM}summary") or "").strip()
            if summary[:1] in (",", ";", "."):
                crawler.problems.append(f"{url}: an entry starts with «{summary[:1]}»")
    index = crawler.get("/sitemap.xml")
    if index is not None:
        for loc in ET.fromstring(index.content).iter(f"{SITEMAP}loc"):
            section = crawler.get(_path(loc.text))
            if section is None:
                continue
            for page in ET.fromstring(section.content).iter(f"{SITEMAP}loc"):
                # A page the crawl has read (and checked) already is not read twice.
                if _path(page.text) not in crawler.seen:
                    crawler.get(_path(page.text))
    crawler.get("/robots.txt")


def crawl_open_data(crawler: Crawler) -> None:
    from opendata.services import opendata_catalogue

    listing = crawler.get("/open-data/files/list.csv")
    if listing is not None:
        crawler.problems += check_text("/open-data/files/list.csv", listing.content.decode())
    for passport in opendata_catalogue():
        for name in ("meta.csv", passport.latest):
            url = f"/open-data/files/{passport.identifier}/{name}"
            response = crawler.get(url)
            if response is not None:
                for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))):
                    for cell in row:
                        if WORDS.fullmatch(cell):
                            crawler.problems.append(f"{url}: a cell «{cell}»")


def crawl_api(crawler: Crawler) -> None:
    from config.api import router

    for prefix, viewset, _basename in router.registry:
        url = f"/api/v1/{prefix}/"
        lookup = getattr(viewset, "lookup_field", "pk")
        key = "id" if lookup == "pk" else lookup
        rows = []
        page = f"{url}?page_size=500"
        while page:
            data = crawler.json(page)
            if data is None:
                break
            rows += data["results"]
            page = _path(data["next"]) if data.get("next") else None
        for row in rows:
            crawler.json(f"{url}{row[key]}/")
        for params, delimiter in (("format=csv", ","), ("format=csv&dialect=excel-ru", ";")):
            response = crawler.get(f"{url}?{params}")
            if response is not None:
                text = _body(response).decode("utf-8")
                crawler.problems += check_csv(f"{url}?{params}", text, delimiter)
        response = crawler.get(f"{url}?format=xlsx")
        if response is not None:
            crawler.problems += check_xlsx(f"{url}?format=xlsx", _body(response))
    crawler.get("/api/v1/schema/")


STATS_GROUPINGS = [
    "federal_district",
    "region",
    "industry",
    "fiscal_year",
    "funding_source",
    "industry,fiscal_year",
    "federal_district,funding_source",
    "region,fiscal_year",
]


def crawl_stats(crawler: Crawler) -> None:
    """Each grouping's parts add up to the national total: money and clusters."""
    national = crawler.json("/api/v1/stats/")
    if national is None:
        return
    (whole,) = national["results"]
    total = Decimal(whole["amount_rub"] or 0)
    for group_by in STATS_GROUPINGS:
        url = f"/api/v1/stats/?group_by={group_by}"
        data = crawler.json(url)
        if data is None:
            continue
        money = sum((Decimal(r["amount_rub"] or 0) for r in data["results"]), Decimal(0))
        if money != total:
            crawler.problems.append(f"{url}: the groups sum to {money}, the whole is {total}")
        if not ({"fiscal_year", "funding_source"} & set(group_by.split(","))):
            clusters = sum(r["cluster_count"] or 0 for r in data["results"])
            if clusters != whole["cluster_count"]:
                crawler.problems.append(
                    f"{url}: {clusters} clusters in the groups, {whole['cluster_count']} in all"
                )
        response = crawler.get(f"{url}&format=csv&dialect=excel-ru")
        if response is not None:
            crawler.problems += check_csv(url, response.content.decode("utf-8"), ";")


def crawl(client) -> Crawler:
    """Every check on every public URL (see the module docstring)."""
    crawler = Crawler(client)
    crawl_pages(crawler)
    crawl_feeds_and_sitemaps(crawler)
    crawl_open_data(crawler)
    crawl_api(crawler)
    crawl_stats(crawler)
    return crawler


def problems_report(crawler: Crawler, limit: int = 40) -> Iterator[str]:
    yield f"{len(crawler.problems)} problems in {crawler.read} URLs"
    yield from crawler.problems[:limit]
