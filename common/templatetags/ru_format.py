"""Russian formatting for the public pages: money, numbers, plurals, dates, qualifiers.

Numbers group thousands with a no-break space (U+00A0) and use a comma as the decimal
separator, as Russian typography does; a no-break space also ties «₽» to its number so a
phone never wraps «153 000 000» away from its currency sign.
"""

from __future__ import annotations

import datetime as dt
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
)

from django import template
from django.utils import timezone
from django.utils.html import format_html

from common.qualifiers import Qualifier, TotalQualifier, mark, note

register = template.Library()

NBSP = "\u00a0"
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
SHORT_UNITS = (
    (Decimal("1000000000000"), "трлн"),
    (Decimal("1000000000"), "млрд"),
    (Decimal("1000000"), "млн"),
    (Decimal("1000"), "тыс."),
)


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, decimals: int | None = None) -> str:
    """`153000000` → «153 000 000»; `2.5` → «2,5». Whole numbers drop their «,00»."""
    number = _to_decimal(value)
    if number is None:
        return ""
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "−" if number < 0 else ""
    number = abs(number)
    if number == number.to_integral_value():
        whole, fraction = f"{number:.0f}", ""
    elif decimals is not None:
        whole, _, fraction = f"{number:.{decimals}f}".partition(".")
    else:
        whole, _, fraction = f"{number.normalize():f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NBSP.join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def format_rub(value) -> str:
    """`153000000` → «153 000 000 ₽» (kopecks shown only when there are any)."""
    number = _to_decimal(value)
    if number is None:
        return ""
    return f"{format_number(number, 2)}{NBSP}₽"


def format_rub_short(value) -> str:
    """`153000000` → «153 млн ₽», `2500000` → «2,5 млн ₽», `1200000000` → «1,2 млрд ₽»."""
    number = _to_decimal(value)
    if number is None:
        return ""
    for size, unit in SHORT_UNITS:
        if abs(number) >= size:
            scaled = number / size
            decimals = 0 if scaled == scaled.to_integral_value() or abs(scaled) >= 100 else 1
            return f"{format_number(scaled, decimals)}{NBSP}{unit}{NBSP}₽"
    return format_rub(number)


def plural_form(number, forms: str) -> str:
    """Pick the Russian plural form: forms is «кластер,кластера,кластеров» (1 / 2 / 5)."""
    one, few, many = (part.strip() for part in forms.split(","))
    try:
        n = abs(int(Decimal(str(number))))
    except (InvalidOperation, ValueError, TypeError):
        return many
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_date(value) -> str:
    """A date as «24 января 2025 г.»; a datetime in the site's time zone, with its time."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        day = f"{value.day}{NBSP}{MONTHS_GENITIVE[value.month - 1]} {value.year}{NBSP}г."
        return f"{day}, {value:%H:%M}"
    return f"{value.day}{NBSP}{MONTHS_GENITIVE[value.month - 1]} {value.year}{NBSP}г."


@register.filter
def ru_number(value):
    return format_number(value)


@register.filter
def rub(value):
    return format_rub(value)


@register.filter
def rub_short(value):
    return format_rub_short(value)


@register.filter
def ru_plural(value, forms: str):
    return plural_form(value, forms)


@register.filter
def ru_count(value, forms: str):
    """`5|ru_count:"кластер,кластера,кластеров"` → «5 кластеров»."""
    return f"{format_number(value or 0)}{NBSP}{plural_form(value or 0, forms)}"


@register.filter
def ru_date(value):
    return format_date(value)


@register.filter
def qualifier_prefix(qualifier):
    """«≈ » for approximate figures, «не менее »/«не более » for bounds, nothing for exact ones."""
    return mark(qualifier)


UNKNOWN = "сведений нет"
WHOLE_ROUBLE_ROUNDING = {Qualifier.AT_LEAST: ROUND_FLOOR, Qualifier.AT_MOST: ROUND_CEILING}


def format_money(amount, qualifier=Qualifier.EXACT, short: bool = False) -> str:
    """A sum with its qualifier: «153 000 000,50 ₽», «≈ 153 000 000 ₽», «не менее 22 млн ₽»,
    «≈ 6 599 300 000 ₽ (оценка: смешанная)»; «сведений нет» for None (unknown is not zero).

    Kopecks only on an exact figure: an estimate or a bound in kopecks claims a precision
    its source never gave.
    """
    number = _to_decimal(amount)
    if number is None:
        return UNKNOWN
    qualifier = qualifier or Qualifier.EXACT
    if qualifier != Qualifier.EXACT:
        # Whole roubles, rounded so that a bound stays true: «не менее» down, «не более» up.
        rounding = WHOLE_ROUBLE_ROUNDING.get(qualifier, ROUND_HALF_EVEN)
        number = number.quantize(Decimal(1), rounding=rounding)
    text = format_rub_short(number) if short else format_rub(number)
    if qualifier == TotalQualifier.MIXED:  # the mark alone («≈») would hide the bounds
        return f"{mark(qualifier)}{text} ({TotalQualifier.MIXED.label})"
    return f"{mark(qualifier)}{text}"


@register.filter
def total_caption(is_complete: bool) -> str:
    """What a total is: «всего» when every budget part is known, else «сумма известных
    частей» — never a complete figure with a part unknown."""
    return "всего" if is_complete else "сумма известных частей"


@register.simple_tag
def money(amount, qualifier=Qualifier.EXACT, short=False):
    """A sum with its qualifier: `{% money total.total_rub total.qualifier short=True %}`;
    «сведений нет», marked as such, when the amount is None."""
    if _to_decimal(amount) is None:
        return format_html('<span class="unknown">{}</span>', UNKNOWN)
    return format_money(amount, qualifier, short=short)


@register.filter
def year_or_unknown(value):
    """Years the sources do not give stay empty in the data and read «не указан» here."""
    return str(value) if value else "не указан"


@register.filter
def public_document_ref(value):
    """A document reference fit for visitors («Постановление № 4 от 14.01.2022»); an internal
    file path such as «seeds/004_….txt» reads nothing, it means nothing outside the registry."""
    text = (value or "").strip()
    if not text or ("/" in text and "." in text.rsplit("/", 1)[-1] and " " not in text):
        return ""
    return text


@register.filter
def qualifier_note(qualifier):
    """The one-line explanation of a total's qualifier the mark cannot tell (mixed), or ""."""
    return note(qualifier)
