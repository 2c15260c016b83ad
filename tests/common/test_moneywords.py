"""The Russian money-wording parser: amounts, qualifiers and exact quotes."""

from decimal import Decimal

import pytest

from common.moneywords import find_money, parse_money
from common.qualifiers import Qualifier

EXACT = Qualifier.EXACT
APPROX = Qualifier.APPROXIMATELY
AT_LEAST = Qualifier.AT_LEAST


def one(text: str):
    mentions = find_money(text)
    assert len(mentions) == 1, mentions
    return mentions[0]


@pytest.mark.parametrize(
    ("text", "amount", "qualifier", "quote"),
    [
        ("почти 153 млн руб.", 153_000_000, APPROX, "почти 153 млн руб."),
        ("более 22 миллионов рублей", 22_000_000, AT_LEAST, "более 22 миллионов рублей"),
        ("100 млн рублей из них", 100_000_000, EXACT, "100 млн рублей"),
        ("от 15 млн", 15_000_000, AT_LEAST, "от 15 млн"),
        ("1,68 млрд", 1_680_000_000, EXACT, "1,68 млрд"),
        ("свыше 1,5 млрд рублей", 1_500_000_000, AT_LEAST, "свыше 1,5 млрд рублей"),
        ("около 300 миллионов рублей", 300_000_000, APPROX, "около 300 миллионов рублей"),
        ("порядка 40 млн руб.", 40_000_000, APPROX, "порядка 40 млн руб."),
        ("примерно 170 млн рублей", 170_000_000, APPROX, "примерно 170 млн рублей"),
        ("ок. 12 млн руб.", 12_000_000, APPROX, "ок. 12 млн руб."),
        ("не менее 10 тыс. руб.", 10_000, AT_LEAST, "не менее 10 тыс. руб."),
        ("больше 190 миллионов рублей", 190_000_000, AT_LEAST, "больше 190 миллионов рублей"),
        ("более чем 300 млн рублей", 300_000_000, AT_LEAST, "более чем 300 млн рублей"),
        ("бюджет превысит 1,5 млрд рублей", 1_500_000_000, AT_LEAST, "превысит 1,5 млрд рублей"),
        ("до 100 млн", 100_000_000, Qualifier.AT_MOST, "до 100 млн"),
        ("не более 5 млн рублей", 5_000_000, Qualifier.AT_MOST, "не более 5 млн рублей"),
        ("менее 3 млн рублей", 3_000_000, Qualifier.AT_MOST, "менее 3 млн рублей"),
        ("16,5 млн", 16_500_000, EXACT, "16,5 млн"),
        ("77.4 млн рублей", 77_400_000, EXACT, "77.4 млн рублей"),
        ("1 500 000 рублей", 1_500_000, EXACT, "1 500 000 рублей"),
        ("1\u00a0500\u00a0000 руб.", 1_500_000, EXACT, "1\u00a0500\u00a0000 руб."),
        ("2 500 000 ₽", 2_500_000, EXACT, "2 500 000 ₽"),
        ("500₽", 500, EXACT, "500₽"),
        ("150 тыс. рублей", 150_000, EXACT, "150 тыс. рублей"),
        ("2,5 тысячи рублей", 2_500, EXACT, "2,5 тысячи рублей"),
        ("30 млн. рублей предусмотрено", 30_000_000, EXACT, "30 млн. рублей"),
        ("300 млн р.", 300_000_000, EXACT, "300 млн р."),
        ("миллион рублей", 1_000_000, EXACT, "миллион рублей"),
        ("два миллиарда рублей", 2_000_000_000, EXACT, "два миллиарда рублей"),
        ("полтора миллиона рублей", 1_500_000, EXACT, "полтора миллиона рублей"),
        ("около полумиллиарда рублей", 500_000_000, APPROX, "около полумиллиарда рублей"),
        ("около 150-ти миллионов рублей", 150_000_000, APPROX, "около 150-ти миллионов рублей"),
        ("К 200 федеральным миллионам добавят", 200_000_000, EXACT, "200 федеральным миллионам"),
        ("Более 4 млн рублей", 4_000_000, AT_LEAST, "Более 4 млн рублей"),
        ("СВЫШЕ 2 МЛРД РУБЛЕЙ", 2_000_000_000, AT_LEAST, "СВЫШЕ 2 МЛРД РУБЛЕЙ"),
        ("≈ 15 млн ₽", 15_000_000, APPROX, "≈ 15 млн ₽"),
    ],
)
def test_one_wording_gives_amount_qualifier_and_quote(text, amount, qualifier, quote):
    mention = one(text)
    assert mention.amount == Decimal(amount)
    assert isinstance(mention.amount, Decimal)
    assert mention.qualifier == qualifier
    assert mention.quote == quote
    assert text[mention.start : mention.end] == quote


@pytest.mark.parametrize(
    "text",
    [
        "по 35 млн рублей каждый",
        "Каждый победитель конкурсного отбора получит по 100 млн. рублей",
        "выделено 100 млн рублей на каждый кластер",
        "50 млн рублей каждому колледжу",
    ],
)
def test_a_sum_per_recipient_is_marked_each_and_stays_exact(text):
    mention = one(text)
    assert mention.is_each
    assert mention.qualifier == EXACT


def test_a_plain_sum_is_not_marked_each():
    assert not one("выделено 200 млн рублей").is_each


@pytest.mark.parametrize(
    "text",
    [
        "56 предприятий машиностроения и ОПК",
        "более 6 тысяч учащихся",
        "Более 4 тысяч педагогов",
        "Более 4 000 педагогических работников",
        "более 350 участников",
        "В 2022–2023 гг. в 68 субъектах РФ создано 220 центров",
        "20 млн человек",
        "добыто 1,5 млн тонн угля",
        "до 2025 года",
        "по 16 образовательным программам",
        "100,0 млн.сум бүлеп бирелгән",
        "18 современных мастерских",
        "24 января 2025 года",
        "",
    ],
)
def test_numbers_that_are_not_money_are_not_found(text):
    assert find_money(text) == []


def test_currency_less_millions_followed_by_money_words_are_money():
    text = "из них 100 миллионов федеральный бюджет, 20 миллионов – средства работодателя и 10 миллионов – средства краевого бюджета"
    assert [(m.amount, m.quote) for m in find_money(text)] == [
        (Decimal(100_000_000), "100 миллионов"),
        (Decimal(20_000_000), "20 миллионов"),
        (Decimal(10_000_000), "10 миллионов"),
    ]


def test_a_range_gives_both_bounds_with_the_shared_multiplier():
    lower, upper = find_money("на проект выделят от 15 до 20 млн рублей")
    assert (lower.amount, lower.qualifier, lower.quote) == (Decimal(15_000_000), AT_LEAST, "от 15")
    assert (upper.amount, upper.qualifier, upper.quote) == (
        Decimal(20_000_000),
        Qualifier.AT_MOST,
        "до 20 млн рублей",
    )


def test_do_that_ends_a_change_is_not_an_upper_bound():
    assert one("финансирование выросло с 50 до 100 млн рублей").qualifier == EXACT


def test_a_whole_press_release_yields_every_sum_in_reading_order():
    text = (
        "«На создание образовательно-производственного центра машиностроения направлено почти "
        "153 млн руб. 100 млн руб. из них – это грант по федеральному проекту, 16 млн руб. "
        "предоставлены Правительством области. Остальные средства выделены предприятиями». "
        "Всего сейчас эти профессии получают более 560 студентов."
    )
    mentions = find_money(text)
    assert [(m.amount, m.qualifier) for m in mentions] == [
        (Decimal(153_000_000), APPROX),
        (Decimal(100_000_000), EXACT),
        (Decimal(16_000_000), EXACT),
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.quote
    assert mentions[0].quote == "почти 153 млн руб."


def test_sums_in_a_list_separated_by_commas_are_not_glued_into_decimals():
    mentions = find_money("выделено 100 млн, 20 млн и 10 млн рублей")
    assert [m.amount for m in mentions] == [
        Decimal(100_000_000),
        Decimal(20_000_000),
        Decimal(10_000_000),
    ]


def test_a_year_before_a_sum_is_not_read_as_thousands():
    assert one("в 2023 году 100 млн рублей").amount == Decimal(100_000_000)


def test_parse_money_reads_one_cell():
    mention = parse_money("более 22 млн руб.")
    assert (mention.amount, mention.qualifier) == (Decimal(22_000_000), AT_LEAST)
    assert parse_money("сумма не указана") is None


def test_a_long_page_of_counts_and_years_is_read_only_where_money_can_be():
    filler = "В 2024 году 350 участников из 89 субъектов прошли 110 курсов. " * 200
    text = filler + "Колледжу выделено 100 млн рублей.\n" + filler
    (mention,) = find_money(text)
    assert text[mention.start : mention.end] == "100 млн рублей"


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("почти по 70 млн рублей", APPROX), ("более чем по 15 млн рублей", AT_LEAST)],
)
def test_a_qualifier_before_po_qualifies_a_sum_per_recipient(text, qualifier):
    mention = one(text)
    assert (mention.qualifier, mention.is_each, mention.quote) == (qualifier, True, text)


def test_millions_misspelt_with_one_l_are_money():
    assert [(m.amount, m.quote) for m in find_money("Всего выделено 90 милионов рублей.")] == [
        (Decimal(90_000_000), "90 милионов рублей")
    ]
