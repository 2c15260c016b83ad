"""The one rule for every cell a spreadsheet may open: CSV and XLSX exports use it.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `@SUM(...)`, DDE payloads),
so an exported cluster name could run code on the reader's machine. OWASP's remedy: prefix
such a cell with a single quote, which spreadsheets show as text and do not display.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The value, with a leading `'` if it is text a spreadsheet would run as a formula.

    Only strings change: numbers, dates and None pass as they are, so a numeric column
    stays numeric in XLSX.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe_sql(text: str) -> str:
    """The same rule in SQL, for the exports PostgreSQL writes (common/api/csv_copy.py): the
    text expression `text`, with a leading `'` when it starts with one of FORMULA_PREFIXES."""
    prefixes = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)  # ascii(): 1st code
    return f"CASE WHEN ascii({text}) IN ({prefixes}) THEN '''' || {text} ELSE {text} END"
