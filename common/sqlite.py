"""SQLite (the embedded default) matching text without regard to case in every alphabet.

SQLite's built-in LIKE folds the case of ASCII letters only, so the admin's search and
autocomplete, and every `icontains` filter, found «Смол» but not «смол». Django compiles
`contains`, `icontains`, `startswith`, `iexact`… on SQLite to `LIKE %s ESCAPE '\\'` (SQLite has
no case-sensitive LIKE either way); replacing the LIKE function on each new connection with one
that folds the case of both sides (`str.casefold`) makes them find Cyrillic whatever its case,
as PostgreSQL's UPPER(…) LIKE UPPER(…) does. PostgreSQL is not touched.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    """A LIKE pattern as a regular expression: `%` any run, `_` one character, `escape`
    taking the next character literally."""
    parts = []
    chars = iter(pattern.casefold())
    for char in chars:
        if escape is not None and char == escape.casefold():
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def like(pattern: str | None, value: str | None, escape: str | None = None) -> bool | None:
    """SQL `value LIKE pattern [ESCAPE escape]`, folding the case of every alphabet."""
    if pattern is None or value is None:
        return None
    return _pattern(pattern, escape).fullmatch(str(value).casefold()) is not None


def unicode_like(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite connections get the case-folding LIKE."""
    if connection.vendor != "sqlite":
        return
    # SQLite calls like(X, Y) for `Y LIKE X` and like(X, Y, Z) with an ESCAPE clause.
    connection.connection.create_function("like", 2, like, deterministic=True)
    connection.connection.create_function("like", 3, like, deterministic=True)
