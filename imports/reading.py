"""Reading an uploaded CSV or XLSX into rows keyed by column code, and writing templates.

A column may be headed by its Russian label (as in the downloadable template) or by its
code; unknown columns are an error, so a misspelt header never silently drops a fact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from charset_normalizer import from_bytes
from openpyxl import load_workbook


@dataclass(frozen=True)
class Col:
    """A template column: its code, its Russian header and whether a row must fill it."""

    code: str
    label: str
    required: bool = False
    help: str = ""


class FileError(Exception):
    """The file as a whole cannot be read (format, headers); the message is Russian."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _raw_rows(filename: str, content: bytes, known: set[str]) -> Iterator[list[str]]:
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise FileError(f"Файл «{filename}» не читается как XLSX: {exc}") from exc
        for values in workbook.active.iter_rows(values_only=True):
            yield [_cell(v) for v in values]
        workbook.close()
        return
    text = decode(filename, content)
    delimiter = _delimiter(text, known)
    for values in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield [v.strip() for v in values]


def _delimiter(text: str, known: set[str]) -> str:
    """The delimiter under which the header row names the most template columns: «;» as
    Russian Excel writes, «,» as most programs do, or a tab (a header may hold a comma:
    «Сумма, ₽»)."""
    header = next(
        (line for line in text.splitlines() if line.strip() and not line.startswith("#")), ""
    )

    def recognised(delimiter: str) -> int:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return sum(header_key(cell) in known for cell in cells)

    return max([";", ",", "\t"], key=lambda d: (recognised(d), d == ";"))


def decode(filename: str, content: bytes) -> str:
    """A CSV's text: UTF-8 (with or without BOM), else the encoding charset-normalizer finds
    — Russian Excel saves «CSV (разделители — точки с запятой)» in cp1251."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(content, cp_isolation=["cp1251", "koi8_r", "cp866", "mac_cyrillic"]).best()
    if best is None:
        raise FileError(
            f"Файл «{filename}» не читается как текст: сохраните его в UTF-8 или в кодировке "
            "Windows-1251 («CSV (разделители — точки с запятой)» в Excel)."
        )
    return str(best)


def header_key(text: str) -> str:
    """A column header compared loosely: case, ё, spacing, the hint in parentheses and «₽»
    (which Russian Excel saves in cp1251 as «?») do not matter."""
    text = text.lower().replace("ё", "е").replace("₽", "?").strip().lstrip("\ufeff")
    return " ".join(text.split("(", 1)[0].split()).strip(" :")


def read_rows(filename: str, content: bytes, columns: list[Col]) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {code: text}) for every non-empty data row."""
    by_header = {}
    for col in columns:
        by_header[col.code.lower()] = col.code
        by_header[header_key(col.label)] = col.code
    raw = _raw_rows(filename, content, set(by_header))
    header: list[str] | None = None
    number = 0
    rows: list[tuple[int, dict]] = []
    for values in raw:
        number += 1
        if header is None:
            if not any(values) or values[0].startswith("#"):
                continue
            unknown = [v for v in values if v and header_key(v) not in by_header]
            if unknown:
                raise FileError(
                    f"Строка {number}: неизвестные столбцы: {', '.join(unknown)}. "
                    "Заголовки — как в шаблоне."
                )
            header = [by_header.get(header_key(v), "") for v in values]
            missing = [c.label for c in columns if c.required and c.code not in header]
            if missing:
                raise FileError(
                    f"Строка {number}: нет обязательных столбцов: {', '.join(missing)}."
                )
            continue
        if not any(values):
            continue
        rows.append((number, {code: v for code, v in zip(header, values, strict=False) if code}))
    if header is None:
        raise FileError("В файле нет строки заголовков.")
    return rows


def rows_csv(columns: list[Col], rows: list[dict]) -> str:
    """Rows as a template CSV (used by the press-sample converter)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.code for c in columns])
    for row in rows:
        writer.writerow([row.get(c.code, "") for c in columns])
    return buffer.getvalue()
