"""Typed sums every door reads alike (common/money.parse_rub): the admin, the spreadsheet
import and the assistant. A door with a parser of its own fails these at once."""

from decimal import Decimal

READ = [
    ("17000000", Decimal("17000000")),
    ("17 000 000", Decimal("17000000")),
    ("17\u00a0000\u00a0000", Decimal("17000000")),
    ("17 000 000,50", Decimal("17000000.50")),
    ("17000000.5", Decimal("17000000.50")),
    ("17 000 000 ₽", Decimal("17000000")),
    ("17 000 000 руб.", Decimal("17000000")),
]

# (typed, what the refusal says was read)
REFUSED = [
    ("17млн", "прочитано число 17 и «млн»"),
    ("1,234", "после «,» стоит «234»"),  # thousands or kopecks? never guessed
    ("1e6", "прочитано число 1 и «e6»"),
    ("-5", "не бывают отрицательными"),
    ("17.000.000", "разделител"),
    ("NaN", "нет цифр"),
]
