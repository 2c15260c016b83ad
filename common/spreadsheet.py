"""The one rule for every cell a spreadsheet may open: every CSV and XLSX the registry writes.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `@SUM(...)`, DDE payloads),
so an exported cluster name could run code on the reader's machine. OWASP's remedy: prefix
such a cell with a single quote, which spreadsheets show as text and do not display.

CSV cells are also quoted for readers of either separator: Russian Excel opens a CSV with
`;` between cells, so a comma CSV whose cell `Колледж;=2+5;хвост` is not quoted becomes three
cells there, the middle one a live formula. `csv_row_writer` quotes a cell holding `,` or `;`
(and, as every CSV writer does, `"`, CR or LF) whichever separator the file uses.

Every file goes through these: the API's CSV and XLSX (Python and PostgreSQL paths:
`spreadsheet_safe_sql`, `requote_csv_row`), the open-data files, the import templates.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A text starting with `'` is guarded too: a spreadsheet would hide that `'` (and show the
# rest), and the guard stays reversible (`spreadsheet_unguard`) for readers of the files.
GUARDED_PREFIXES = (*FORMULA_PREFIXES, "'")
# A separator or line break inside a text, followed by a guarded character: a `'` goes
# between them. The same pattern in Python and in PostgreSQL (`spreadsheet_safe_sql`).
_INNER_PATTERN = r"([,;\r\n])(?=[=+@\t\r'-])"
_INNER_GUARD = re.compile(_INNER_PATTERN)
_INNER_UNGUARD = re.compile(r"([,;\r\n])'(?=[=+@\t\r'-])")
# Characters that make a CSV cell quoted, whichever of the two separators the file uses.
CSV_SEPARATORS = (",", ";")
_QUOTED = frozenset(',;"\r\n')


def spreadsheet_safe(value: Any) -> Any:
    """The value, with a leading `'` if it is text a spreadsheet would run as a formula, and a
    `'` after every `,`, `;`, CR or LF inside it that a formula character follows.

    The second half is for a reader of the other separator: Russian Excel opens a comma CSV
    with `;` between cells, and there a quote in the middle of a field is a plain character,
    so `1,"Колледж;=2+5;хвост"` is read as `1,"Колледж` | `=2+5` | `хвост"`, and a line break
    inside a quoted cell starts a new row. Whatever a reader splits on, no piece of the text
    starts a formula. Only strings change: numbers, dates and None pass as they are, so a
    numeric column stays numeric in XLSX.
    """
    if not isinstance(value, str):
        return value
    inner = _INNER_GUARD.sub(r"\1'", value)
    return "'" + inner if value.startswith(GUARDED_PREFIXES) else inner


def spreadsheet_unguard(text: str) -> str:
    """The text `spreadsheet_safe` was given (for a program reading the registry's files back,
    as the open-data restore does)."""
    if text.startswith("'") and text[1:].startswith(GUARDED_PREFIXES):
        text = text[1:]
    return _INNER_UNGUARD.sub(r"\1", text)


def spreadsheet_safe_sql(text: str) -> str:
    """The same rule in SQL, for the files PostgreSQL writes (common/api/csv_copy.py,
    xlsx_copy.py): the text expression `text` guarded as `spreadsheet_safe` guards it (the
    parity tests hold the two equal; PostgreSQL's regular expressions read the pattern's
    escapes as Python's do)."""
    prefixes = ", ".join(str(ord(prefix)) for prefix in GUARDED_PREFIXES)  # ascii(): 1st code
    pattern = _INNER_PATTERN.replace("'", "''")
    return (
        f"(CASE WHEN ascii({text}) IN ({prefixes}) THEN '''' ELSE '' END"
        f" || regexp_replace({text}, '{pattern}', '\\1''', 'g'))"
    )


class _Echo:
    """A file-like object whose write() returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _cell_text(value: Any) -> str:
    """A cell as Python's csv writer turns it into text."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _quoted(text: str) -> str:
    if _QUOTED.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def _quoted_row(cells: Sequence[Any], delimiter: str) -> str:
    return delimiter.join(_quoted(_cell_text(cell)) for cell in cells) + "\r\n"


def csv_row_writer(delimiter: str = ",") -> Callable[[Sequence[Any]], str]:
    """writerow(cells) -> the CSV line (CRLF-terminated) of cells already guarded.

    Python's csv writer (C) writes the line; only a line holding the other separator is
    written again with every cell that holds either separator quoted — the rare case, so a
    plain export keeps the C writer's speed and bytes.
    """
    if delimiter not in CSV_SEPARATORS:
        raise ValueError(f"unsupported CSV delimiter {delimiter!r}")
    other = ";" if delimiter == "," else ","
    plain = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n").writerow

    def writerow(cells: Sequence[Any]) -> str:
        line = plain(cells)
        if other in line:
            return _quoted_row(cells, delimiter)
        return line

    return writerow


def requote_csv_row(line: bytes) -> bytes:
    """A comma CSV row PostgreSQL wrote (CRLF-terminated), as `csv_row_writer` writes it:
    COPY quotes only cells holding `,`, `"`, CR or LF, so a row holding `;` is read back and
    written again."""
    if b";" not in line:
        return line
    text = line.decode("utf-8")
    cells = next(csv.reader([text[:-2]]))  # one row: the reader keeps quoted line breaks
    return _quoted_row(cells, ",").encode("utf-8")


def safe_csv(rows: Iterable[Sequence[Any]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    """A whole small CSV file (open data, import templates): every cell guarded against
    formulas, quoted for both separators, CRLF lines, UTF-8 (with a BOM if asked)."""
    writerow = csv_row_writer(delimiter)
    lines = [writerow([spreadsheet_safe(_cell_text(cell)) for cell in row]) for row in rows]
    return (("\ufeff" if bom else "") + "".join(lines)).encode("utf-8")
