"""Russian formatting of money, numbers, plurals and dates, through the template tags."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from common.qualifiers import Qualifier, TotalQualifier
from common.templatetags.ru_format import (
    format_date,
    format_number,
    format_rub,
    format_rub_short,
    plural_form,
)

NB = "\u00a0"


def render(source: str, **context) -> str:
    return Template("{% load ru_format %}" + source).render(Context(context))


def test_money_groups_thousands_with_no_break_spaces():
    assert format_rub(Decimal("153000000")) == f"153{NB}000{NB}000{NB}₽"
    assert render("{{ v|rub }}", v=Decimal("153000000.00")) == f"153{NB}000{NB}000{NB}₽"


def test_kopecks_are_shown_only_when_there_are_any():
    assert format_rub(Decimal("1234.5")) == f"1{NB}234,50{NB}₽"
    assert format_rub(Decimal("999")) == f"999{NB}₽"


def test_short_money_uses_russian_units_and_a_decimal_comma():
    assert format_rub_short(Decimal("153000000")) == f"153{NB}млн{NB}₽"
    assert format_rub_short(Decimal("2500000")) == f"2,5{NB}млн{NB}₽"
    assert format_rub_short(Decimal("1200000000")) == f"1,2{NB}млрд{NB}₽"
    assert format_rub_short(Decimal("15000")) == f"15{NB}тыс.{NB}₽"


def test_money_tag_carries_the_qualifier():
    amount = Decimal("153000000")
    assert render("{% money v q short=True %}", v=amount, q=Qualifier.APPROXIMATELY) == (
        f"≈{NB}153{NB}млн{NB}₽"
    )
    assert render("{% money v q %}", v=Decimal("22000000"), q=Qualifier.AT_LEAST) == (
        f"не{NB}менее 22{NB}000{NB}000{NB}₽"
    )
    assert render("{% money v q %}", v=Decimal("100"), q=Qualifier.EXACT) == f"100{NB}₽"
    assert render("{% money v q short=True %}", v=amount, q=Qualifier.AT_MOST) == (
        f"не{NB}более 153{NB}млн{NB}₽"
    )


def test_a_mixed_total_says_so_after_its_estimate_mark():
    text = render("{% money v q short=True %}", v=Decimal("153000000"), q=TotalQualifier.MIXED)
    assert text == f"≈{NB}153{NB}млн{NB}₽ (оценка: смешанная)"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "кластер"),
        (2, "кластера"),
        (4, "кластера"),
        (5, "кластеров"),
        (11, "кластеров"),
        (12, "кластеров"),
        (14, "кластеров"),
        (21, "кластер"),
        (22, "кластера"),
        (25, "кластеров"),
        (101, "кластер"),
        (111, "кластеров"),
        (0, "кластеров"),
    ],
)
def test_russian_plural_forms(n, expected):
    assert plural_form(n, "кластер,кластера,кластеров") == expected


def test_ru_count_filter_joins_number_and_word():
    forms = "кластер,кластера,кластеров"
    assert render("{{ n|ru_count:f }}", n=1, f=forms) == f"1{NB}кластер"
    assert render("{{ n|ru_count:f }}", n=2, f=forms) == f"2{NB}кластера"
    assert render("{{ n|ru_count:f }}", n=5, f=forms) == f"5{NB}кластеров"
    assert render(
        "{{ n|ru_count:f }}", n=Decimal("16.00"), f="предприятие,предприятия,предприятий"
    ) == (f"16{NB}предприятий")


def test_dates_read_in_russian_with_the_genitive_month():
    assert format_date(dt.date(2025, 1, 24)) == f"24{NB}января 2025{NB}г."
    assert render("{{ d|ru_date }}", d=dt.date(2024, 3, 21)) == f"21{NB}марта 2024{NB}г."


def test_datetimes_are_shown_in_the_site_time_zone(settings):
    moment = dt.datetime(2025, 1, 24, 9, 5, tzinfo=ZoneInfo("UTC"))
    assert format_date(moment) == f"24{NB}января 2025{NB}г., 12:05"  # Europe/Moscow


def test_missing_years_read_as_not_given():
    assert render("{{ y|year_or_unknown }}", y=None) == "не указан"
    assert render("{{ y|year_or_unknown }}", y=2023) == "2023"


def test_numbers_keep_their_sign_and_fraction():
    assert format_number(Decimal("-1500.25")) == f"−1{NB}500,25"
    assert format_number(None) == ""


@pytest.mark.parametrize(
    ("amount", "qualifier", "expected"),
    [
        ("17000000.50", "exact", "17 000 000,50 ₽"),
        ("6599300000.50", "approximately", "≈ 6 599 300 000 ₽"),
        ("6599300001.50", "approximately", "≈ 6 599 300 002 ₽"),
        # A bound stays true when its kopecks go: «не менее» rounds down, «не более» up.
        ("22000000.99", "at_least", "не менее 22 000 000 ₽"),
        ("22000000.01", "at_most", "не более 22 000 001 ₽"),
        ("10.50", "mixed", "≈ 10 ₽ (оценка: смешанная)"),
        (None, "exact", "сведений нет"),
        (None, None, "сведений нет"),
    ],
)
def test_money_has_kopecks_only_when_exact_and_says_unknown_for_none(amount, qualifier, expected):
    from common.templatetags.ru_format import format_money

    assert format_money(amount, qualifier).replace("\u00a0", " ") == expected
