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

from openpyxl import load_workbook

from common.api.xlsx import Column, xlsx_bytes


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


def _raw_rows(filename: str, content: bytes) -> Iterator[list[str]]:
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise FileError(f"Файл «{filename}» не читается как XLSX: {exc}") from exc
        for values in workbook.active.iter_rows(values_only=True):
            yield [_cell(v) for v in values]
        workbook.close()
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(f"Файл «{filename}» должен быть в кодировке UTF-8.") from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    for values in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield [v.strip() for v in values]


def read_rows(filename: str, content: bytes, columns: list[Col]) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {code: text}) for every non-empty data row."""
    by_header = {}
    for col in columns:
        by_header[col.code.lower()] = col.code
        by_header[col.label.lower()] = col.code
    raw = _raw_rows(filename, content)
    header: list[str] | None = None
    number = 0
    rows: list[tuple[int, dict]] = []
    for values in raw:
        number += 1
        if header is None:
            if not any(values) or values[0].startswith("#"):
                continue
            unknown = [v for v in values if v and v.lower() not in by_header]
            if unknown:
                raise FileError(
                    f"Строка {number}: неизвестные столбцы: {', '.join(unknown)}. "
                    "Заголовки — как в шаблоне."
                )
            header = [by_header.get(v.lower(), "") for v in values]
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


def template_xlsx(columns: list[Col], title: str) -> bytes:
    """An empty template: the Russian headers (codes are accepted too)."""
    return xlsx_bytes([Column(c.code, c.label) for c in columns], [], title=title)


def template_csv(columns: list[Col]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([c.label for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rows_csv(columns: list[Col], rows: list[dict]) -> str:
    """Rows as a template CSV (used by the press-sample converter)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.code for c in columns])
    for row in rows:
        writer.writerow([row.get(c.code, "") for c in columns])
    return buffer.getvalue()
