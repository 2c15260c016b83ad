"""Reading a sum of money exactly as a Russian user types it, or refusing it with a reason.

Accepted: `17000000`, `17 000 000` (plain, no-break or narrow no-break spaces between groups
of three), `17 000 000,50` (kopecks after a comma, or a dot followed by one or two digits),
an optional trailing «₽» or «руб.». Everything else is refused with a message that says what
was read: «17млн» is not 17 ₽, «17.000.000,5,0» is not a number at all, «1,234» may be
thousands and «1e6» is not how anyone types a sum. A sum or a count is never negative.

`parse_rub` is the registry's one reader of a typed amount: the admin's fields
(common/forms.py), the spreadsheet import (imports/kinds/base.py `decimal`) and the assistant's
accepted proposals (extraction/services.py) all read through it, so a text is read alike at
every door. Numbers that are already numbers (a spreadsheet cell, a proposal's JSON) are
written out in full first, so 1.7E+8 reads as 170 000 000.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NoReturn

from django.core.exceptions import ValidationError

from common.templatetags.ru_format import format_rub, plural_form

# Spaces people paste from Word and Excel: no-break, narrow no-break, thin, figure space.
SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007"), " ")
CURRENCY = re.compile(r"\s*(₽|руб\.?|рублей|рубля|рубль|р\.)$", re.IGNORECASE)
EXACT = re.compile(r"^(?P<sign>[-−]?)(?P<whole>\d{1,3}(?: \d{3})+|\d+)(?:[,.](?P<kop>\d{1,2}))?$")
SEPARATOR_FORMS = "разделитель,разделителя,разделителей"
EXAMPLE = "например 17 000 000 или 17 000 000,50"


AMOUNT = "Сумма «{}» не прочитана"
NUMBER = "Число «{}» не прочитано"


def _refuse(heading: str, text: str, why: str) -> NoReturn:
    raise ValidationError(
        f"{heading.format(text)}: {why} Введите цифрами, {EXAMPLE}.", code="unreadable"
    )


def _as_text(raw: object) -> str:
    """`raw` as typed; a number written out in full (1.7E+8 → 170000000; NaN stays «NaN»)."""
    if raw is None:
        return ""
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return format(Decimal(str(raw)), "f")
    return str(raw)


def parse_rub(raw: object, heading: str = AMOUNT) -> Decimal | None:
    """The exact amount in `raw`, `None` for an empty field; raises ValidationError when unsure.

    `heading` starts the refusal: «Сумма «…» не прочитана» (AMOUNT) or NUMBER for counts.
    """
    text = _as_text(raw).translate(SPACES).strip()
    if not text:
        return None
    shown = re.sub(r" +", " ", text)
    body = CURRENCY.sub("", text).strip()
    match = EXACT.match(body)
    if match:
        digits = match["whole"].replace(" ", "")
        kopecks = (match["kop"] or "").ljust(2, "0")
        if match["sign"]:
            _refuse(heading, shown, "знак «минус»: сумма и число не бывают отрицательными.")
        return Decimal(f"{digits}.{kopecks}" if kopecks else digits)

    letters = re.findall(r"[^\W\d_]+", body)
    leading = re.match(r"^[-−]?\d[\d ]*", body)
    separators = re.findall(r"[,.]", body)
    if letters and not leading:
        _refuse(heading, shown, f"нет цифр, только слова («{' '.join(letters)}»).")
    if letters:
        number = leading.group().strip()
        word = body[leading.end() :].strip()
        _refuse(
            heading,
            shown,
            f"прочитано число {number} и «{word}» — сокращения и слова не принимаются, "
            "иначе «17млн» сохранилось бы как 17 ₽.",
        )
    if len(separators) > 1:
        _refuse(
            heading,
            shown,
            f"{len(separators)} {plural_form(len(separators), SEPARATOR_FORMS)} "
            f"«{' '.join(separators)}», "
            "непонятно, где тысячи, а где копейки. Тысячи отделяются пробелом, "
            "копейки — запятой.",
        )
    if separators:
        whole, _, fraction = re.split(r"([,.])", body, maxsplit=1)
        _refuse(
            heading,
            shown,
            f"после «{separators[0]}» стоит «{fraction}»: копеек бывает не больше двух "
            f"знаков, а «{whole}{separators[0]}{fraction}» можно прочесть и как тысячи.",
        )
    if re.fullmatch(r"[-−]?[\d ]+", body):
        groups = body.lstrip("-−").split(" ")
        bad = next((g for g in groups[1:] if len(g) != 3), groups[0])
        _refuse(
            heading,
            shown,
            f"группа цифр «{bad}» — после первого пробела группы должны быть по три цифры.",
        )
    _refuse(heading, shown, "есть знаки, которые не относятся к числу.")


def format_rub_input(value) -> str:
    """A stored amount as the input shows it for editing: «17 000 000» or «17 000 000,50»."""
    if value in (None, ""):
        return ""
    return format_rub(value).replace("\u00a0₽", "").replace("\u00a0", " ")
