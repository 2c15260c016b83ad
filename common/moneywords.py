"""Russian money wording: every sum of roubles a text states, with its qualifier and its words.

    >>> [(m.amount, m.qualifier, m.quote) for m in find_money("почти 153 млн руб.")]
    [(Decimal('153000000'), 'approximately', 'почти 153 млн руб.')]

One parser for the whole registry: the spreadsheet import reads a cell's «более 22 млн руб.»
with it, the press-release extractor reads a whole text with it. A yargy grammar finds the
phrases (qualifier, number, multiplier, currency); pymorphy3 supplies the word forms («миллионов»
→ «миллион»); the amount is computed here in Decimal, never float.

What counts as money: a number with a currency word («рублей», «руб.», «р.», «₽»), or with
«млн»/«млрд» and no currency when the next word is not some other countable noun («100 миллионов
федеральный бюджет» is money, «20 млн человек» is not). «6 тысяч учащихся» is never money;
«ещё 700 тысяч выделит работодатель» is (a currency-less thousand followed by a paying verb,
a money noun, or «из»/«от» and a budget or a payer).

Qualifiers come only from the words in front of the number (or a verb like «превысит»):
«почти», «около», «порядка», «примерно» → approximately; «более», «свыше», «не менее», «от»,
«превысит» → at least; «до», «не более», «менее» → at most; nothing → exact. «по 35 млн рублей
каждый» is an exact amount *each* (`MoneyMention.is_each`), never a total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from yargy import Parser, or_, rule
from yargy.morph import MorphAnalyzer
from yargy.predicates import dictionary, eq, gram, in_caseless
from yargy.predicates import type as token_type
from yargy.tokenizer import MorphTokenizer

from common.qualifiers import Qualifier

__all__ = ["QUALIFIER_WORDS", "MoneyMention", "find_money", "parse_money"]


@dataclass(frozen=True)
class MoneyMention:
    """One sum of money as the text states it: amount in roubles, qualifier, and where it is."""

    amount: Decimal
    qualifier: str
    start: int
    end: int
    quote: str
    # «по 100 млн рублей», «… каждому»: the amount is per recipient, not a total.
    is_each: bool = False


class _Pymorphy3Analyzer(MorphAnalyzer):
    """yargy's morphology wrapper over pymorphy3 and its packaged dictionary (no download)."""

    def __init__(self) -> None:
        import pymorphy3

        super().__init__(raw=pymorphy3.MorphAnalyzer())

    __call__ = lru_cache(20000)(MorphAnalyzer.__call__)


@cache
def morph() -> _Pymorphy3Analyzer:
    """The shared analyser (its dictionary takes ~0.3 s to open; once per process)."""
    return _Pymorphy3Analyzer()


# Word lists. Qualifier words are matched by their exact (lower-cased) form.
_APPROX = {"почти", "около", "порядка", "примерно", "приблизительно", "ориентировочно"}
_AT_LEAST_WORDS = {"более", "больше", "свыше", "от", "превысит", "превысили", "превысила"}
_AT_LEAST_WORDS |= {"превысил", "превысило", "превышает", "превышают"}
_AT_MOST_WORDS = {"до", "менее", "меньше"}
# A word just before a number, as the qualifier it gives (also the extractor's figures').
QUALIFIER_WORDS: dict[str, str] = {
    **dict.fromkeys(_APPROX, Qualifier.APPROXIMATELY),
    **dict.fromkeys(_AT_LEAST_WORDS, Qualifier.AT_LEAST),
    **dict.fromkeys(_AT_MOST_WORDS, Qualifier.AT_MOST),
}
_SIGNS = {"~": Qualifier.APPROXIMATELY, "≈": Qualifier.APPROXIMATELY, ">": Qualifier.AT_LEAST}
_SIGNS |= {"<": Qualifier.AT_MOST, "≥": Qualifier.AT_LEAST, "≤": Qualifier.AT_MOST}

_MULTIPLIERS = {
    "тыс": 10**3,
    "тысяча": 10**3,
    "млн": 10**6,
    "миллион": 10**6,
    "млрд": 10**9,
    "миллиард": 10**9,
    "трлн": 10**12,
    "триллион": 10**12,
}
# «полмиллиона», «полумиллиарда»: a half, number and multiplier in one word.
_HALF_WORDS = {"полмиллиона": 5 * 10**5, "полмиллиарда": 5 * 10**8, "полтысячи": 500}
_NUMBER_WORDS = {
    "один": 1,
    "полтора": Decimal("1.5"),
    "два": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "сто": 100,
    "двести": 200,
    "триста": 300,
    "пятьсот": 500,
}
# Nouns that may follow a currency-less «… млн» and still leave it money.
_MONEY_NOUNS = {"средство", "бюджет", "грант", "субсидия", "рубль", "финансирование", "инвестиция"}

_INT = token_type("INT")
_NUMBER = rule(
    _INT,
    # «1,68», «16.5», «1 500 000»: the pieces are re-joined and checked by their spacing below.
    rule(or_(eq(","), eq(".")).optional(), _INT).repeatable(max=4).optional(),
    # «150-ти миллионов»
    rule(eq("-"), in_caseless({"ти", "и", "х", "ми"})).optional(),
)
_NUMBER_WORD = dictionary(set(_NUMBER_WORDS))
# «милионов», «милиарда»: a common misspelling with one «л» (no dictionary word)
_MISSPELT = {
    f"{stem}{ending}": value
    for stem, value in (("милион", 10**6), ("милиард", 10**9))
    for ending in ("", "а", "ов", "ы", "ам", "ами", "ах", "е", "у", "ом")
}
_MULTIPLIER = or_(
    rule(dictionary({"тысяча", "миллион", "миллиард", "триллион"})),
    rule(in_caseless(set(_MISSPELT))),
    rule(in_caseless({"тыс", "млн", "млрд", "трлн"}), eq(".").optional()),
)
_BIG_MULTIPLIER = or_(
    rule(dictionary({"миллион", "миллиард", "триллион"})),
    rule(in_caseless(set(_MISSPELT))),
    rule(in_caseless({"млн", "млрд", "трлн"}), eq(".").optional()),
)
# «700 тысяч»: a currency-less thousand is money only where its sentence goes on about money
# (checked by `_money_follows`), unlike «6 тысяч учащихся».
_THOUSAND = or_(
    rule(dictionary({"тысяча"})),
    rule(in_caseless({"тыс"}), eq(".").optional()),
)
_HALF = dictionary(set(_HALF_WORDS))
_CURRENCY = or_(
    rule(dictionary({"рубль"})),
    rule(in_caseless({"руб"}), eq(".").optional()),
    rule(in_caseless({"р"}), eq(".")),
    rule(eq("₽")),
)
_QUALIFIER = or_(
    rule(in_caseless({"не"}), in_caseless({"менее", "меньше", "более", "больше", "свыше"})),
    rule(in_caseless({"более", "больше"}), in_caseless({"чем"})),
    rule(in_caseless(_APPROX | _AT_LEAST_WORDS | _AT_MOST_WORDS)),
    rule(in_caseless(set(_SIGNS))),
    rule(in_caseless({"ок"}), eq(".")),
)
_PER = in_caseless({"по"})
_AMOUNT = or_(
    rule(_NUMBER, _MULTIPLIER.optional(), _CURRENCY),
    rule(_NUMBER, _BIG_MULTIPLIER),
    rule(_NUMBER, _THOUSAND),
    # «К 200 федеральным миллионам»
    rule(_NUMBER, gram("ADJF"), _BIG_MULTIPLIER),
    rule(_NUMBER_WORD, _MULTIPLIER, _CURRENCY.optional()),
    rule(_MULTIPLIER, _CURRENCY),  # «миллион рублей»
    rule(_HALF, _CURRENCY.optional()),
)
# «по 100 млн», «по почти 100 млн» and «почти по 100 млн»: a qualifier may stand before «по»
_MONEY = or_(
    rule(_PER.optional(), _QUALIFIER.optional(), _AMOUNT),
    rule(_QUALIFIER, _PER, _AMOUNT),
)
# «от 15 до 20 млн рублей»: two bounds sharing one multiplier and currency.
_RANGE = rule(
    in_caseless({"от"}), _NUMBER, in_caseless({"до"}), _NUMBER, _MULTIPLIER, _CURRENCY.optional()
)

_EACH_AFTER = re.compile(r"^[\s,]*(?:на\s+)?(?:кажд|ежегодно\b)", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"(?:^|\s)с\s+\d[\d\s,.]*(?:\s*(?:тыс|млн|млрд)\S*)?\s*$", re.IGNORECASE)
_GAP = re.compile(r"[ \u00a0\u202f\u2009]")


@cache
def _parsers() -> tuple[Parser, Parser]:
    tokenizer = MorphTokenizer(morph=morph())
    return Parser(_RANGE, tokenizer=tokenizer), Parser(_MONEY, tokenizer=tokenizer)


def _lemma(word: str) -> str:
    forms = morph()(word.lower())
    return forms[0].normalized if forms else word.lower()


def _number_value(tokens: list, text: str) -> tuple[Decimal | None, int]:
    """The number at the start of `tokens` and how many tokens it took (None: not a number)."""
    if not tokens or tokens[0].type != "INT":
        return None, 0
    groups = [tokens[0].value]
    used = 1

    def gap_before(index: int) -> str:
        return text[tokens[index - 1].span.stop : tokens[index].span.start]

    # «1 500 000»: after a lead of at most three digits, groups of exactly three digits
    # separated by one (possibly no-break) space.
    while (
        used < len(tokens)
        and len(groups[0]) <= 3
        and tokens[used].type == "INT"
        and len(tokens[used].value) == 3
        and _GAP.fullmatch(gap_before(used))
    ):
        groups.append(tokens[used].value)
        used += 1
    digits = "".join(groups)
    # «1,68», «16.5»: a decimal part written tight against its separator.
    if (
        used + 1 < len(tokens)
        and tokens[used].value in {",", "."}
        and tokens[used + 1].type == "INT"
        and gap_before(used) == ""
        and gap_before(used + 1) == ""
    ):
        digits += "." + tokens[used + 1].value
        used += 2
    try:
        return Decimal(digits), used
    except InvalidOperation:
        return None, 0


def _qualifier(words: list[str], before: str) -> str:
    joined = " ".join(words)
    if joined in {"не менее", "не меньше", "более чем", "больше чем"}:
        return Qualifier.AT_LEAST
    if joined in {"не более", "не больше", "не свыше"}:
        return Qualifier.AT_MOST
    if not words:
        return Qualifier.EXACT
    word = words[-1]
    if word in _SIGNS:
        return _SIGNS[word]
    if word in _APPROX or word == "ок":
        return Qualifier.APPROXIMATELY
    if word in _AT_LEAST_WORDS:
        return Qualifier.AT_LEAST
    if word in _AT_MOST_WORDS:
        # «выросло с 50 до 100 млн»: «до» ends a change, the amount is what it became.
        if _FROM_BEFORE.search(before):
            return Qualifier.EXACT
        return Qualifier.AT_MOST
    return Qualifier.EXACT


def _next_word_is_other_noun(text: str, end: int) -> bool:
    """True when a currency-less «… млн» is followed by a countable noun that is not money."""
    match = re.match(r"\s*([А-Яа-яЁё]+)", text[end : end + 40])
    if not match or match.group(1).lower() in {"р", "руб"}:
        return False
    forms = morph()(match.group(1).lower())
    # The likeliest reading only: «и» can be parsed as a noun, but is a conjunction.
    if not forms or "NOUN" not in forms[0].grams or forms[0].normalized in _MONEY_NOUNS:
        return False
    return "gent" in forms[0].grams or "nomn" in forms[0].grams


# Verbs of paying and the nouns of a budget or a payer: what a currency-less «тысяч» must be
# followed by to be money («ещё 700 тысяч выделит работодатель», «… 500 тыс. — из областного
# бюджета», «300 тысяч от предприятий»).
_PAYING_VERBS = {
    "выделить", "выделять", "направить", "направлять", "вложить", "вкладывать", "инвестировать",
    "профинансировать", "перечислить", "предоставить", "потратить", "израсходовать",
}  # fmt: skip
_PAYERS = {"бюджет", "казна", "работодатель", "предприятие", "компания", "бизнес", "партнёр", "партнер", "спонсор", "фонд"}  # fmt: skip


def _money_follows(text: str, end: int) -> bool:
    """True when the words after a currency-less «N тысяч» are a paying verb, a money noun, or
    «из»/«от» and a budget or a payer (see above)."""
    found = re.findall(r"[А-Яа-яЁё]+", text[end : end + 60])[:4]
    if not found:
        return False
    lemmas = [{f.normalized for f in morph()(w.lower())} for w in found]
    if lemmas[0] & (_PAYING_VERBS | _MONEY_NOUNS):
        return True
    if found[0].lower() in {"из", "от"}:
        return any(forms & (_PAYERS | _MONEY_NOUNS) for forms in lemmas[1:])
    return False


def _amount_of(tokens: list, text: str) -> tuple[Decimal | None, bool, int]:
    """(amount, has_currency, tokens used) of an amount phrase."""
    value, used = _number_value(tokens, text)
    rest = tokens[used:]
    if value is None:
        if not tokens:
            return None, False, 0
        lemma = _lemma(tokens[0].value)
        if lemma in _HALF_WORDS or tokens[0].value.lower() in _HALF_WORDS:
            value = Decimal(_HALF_WORDS.get(lemma, _HALF_WORDS.get(tokens[0].value.lower(), 0)))
            rest = tokens[1:]
        elif lemma in _NUMBER_WORDS:
            value = Decimal(_NUMBER_WORDS[lemma])
            rest = tokens[1:]
        elif lemma in _MULTIPLIERS:
            value = Decimal(1)
        else:
            return None, False, 0
    else:
        # «150-ти»: the numeral's case ending carries no value.
        if rest and rest[0].value == "-":
            rest = rest[2:]
    has_currency = False
    for token in rest:
        word = token.value.lower()
        lemma = _lemma(word) if token.type == "RU" else word
        if word in _MULTIPLIERS:
            value *= _MULTIPLIERS[word]
        elif word in _MISSPELT:
            value *= _MISSPELT[word]
        elif lemma in _MULTIPLIERS:
            value *= _MULTIPLIERS[lemma]
        elif lemma == "рубль" or word in {"руб", "р", "₽"}:
            has_currency = True
    return value, has_currency, len(tokens)


def _mention(text: str, start: int, end: int, amount: Decimal, qualifier: str, is_each: bool):
    amount = amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount
    return MoneyMention(
        amount=amount,
        qualifier=qualifier,
        start=start,
        end=end,
        quote=text[start:end],
        is_each=is_each,
    )


# Money needs a digit or a multiplier word; the grammar runs only on windows around those.
_CANDIDATE = re.compile(r"\d+|мил+ион|мил+иард|триллион|полмиллион|полумиллиард", re.I)
_MONEY_AHEAD = re.compile(
    r"(?:[\s\u00a0\u202f,.\d-]|ти|х|и|ми){0,24}?\s*(?:[А-Яа-яЁё]+\s+){0,1}"
    r"(?:руб|р\.|₽|млн|млрд|трлн|тыс|мил+ион|мил+иард|триллион)",
    re.I,
)
_WINDOW = 32  # characters each side: a qualifier before, multiplier and currency after


def _windows(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for match in _CANDIDATE.finditer(text):
        # A number is money only with a multiplier or a currency right after it.
        if match.group()[0].isdigit() and not _MONEY_AHEAD.match(text, match.end()):
            continue
        start = max(0, match.start() - _WINDOW)
        end = min(len(text), match.end() + _WINDOW)
        # Cut at line breaks (a sum never spans one) and at spaces (never inside a word).
        line_start = text.rfind("\n", start, match.start()) + 1
        start = line_start if line_start > 0 else start
        line_end = text.find("\n", match.end(), end)
        end = line_end if line_end != -1 else end
        if start > 0 and text[start - 1] != "\n":
            space = text.find(" ", start, match.start())
            start = space + 1 if space != -1 else match.start()
        if end < len(text) and text[end] != "\n":
            space = text.rfind(" ", match.end(), end)
            end = space if space != -1 else match.end()
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def find_money(text: str) -> list[MoneyMention]:
    """Every money mention in `text`, in reading order, each with its exact span.

    Pure function: no database, no network. Overlapping phrases are resolved to the longest.
    The grammar's chart parser is the costly part on a long page, so it runs only on windows
    around digits and multiplier words (merged where they touch).
    """
    mentions: list[MoneyMention] = []
    for start, end in _windows(text):
        for m in _find_in_line(text[start:end], text, start):
            mentions.append(
                MoneyMention(
                    amount=m.amount,
                    qualifier=m.qualifier,
                    start=m.start + start,
                    end=m.end + start,
                    quote=m.quote,
                    is_each=m.is_each,
                )
            )
    return mentions


def _find_in_line(text: str, full: str, offset: int) -> list[MoneyMention]:
    """Mentions in `text` (the window of `full` that starts at `offset`); the words around a
    phrase are read from `full`, so a window edge never hides «каждый» or the next noun."""
    range_parser, money_parser = _parsers()
    mentions: list[MoneyMention] = []
    taken: list[tuple[int, int]] = []
    for match in range_parser.findall(text):
        tokens = match.tokens
        low, low_used = _number_value(tokens[1:], text)
        until = next(i for i, t in enumerate(tokens) if i > low_used and t.value.lower() == "до")
        high, has_currency, _ = _amount_of(tokens[until + 1 :], text)
        if low is None or high is None:
            continue
        multiplier = high / (_number_value(tokens[until + 1 :], text)[0] or 1)
        start, end = match.span.start, match.span.stop
        mentions.append(
            _mention(
                text,
                start,
                tokens[until - 1].span.stop,
                low * multiplier,
                Qualifier.AT_LEAST,
                False,
            )
        )
        mentions.append(
            _mention(text, tokens[until].span.start, end, high, Qualifier.AT_MOST, False)
        )
        taken.append((start, end))
    for match in money_parser.findall(text):
        start, end = match.span.start, match.span.stop
        if any(start < stop and begin < end for begin, stop in taken):
            continue
        tokens = list(match.tokens)
        is_each = False
        if tokens[0].value.lower() == "по":
            is_each = True
            tokens = tokens[1:]
        words: list[str] = []
        while (
            tokens
            and (tokens[0].type != "INT")
            and _lemma(tokens[0].value)
            not in (set(_NUMBER_WORDS) | set(_MULTIPLIERS) | set(_HALF_WORDS))
        ):
            word = tokens.pop(0).value.lower()
            if word != ".":  # the dot of «ок.»
                words.append(word)
        if words and words[-1] == "по":  # «почти по 11 млрд рублей»: each, approximately
            is_each = True
            words.pop()
        if not tokens:
            continue
        amount, has_currency, _ = _amount_of(tokens, text)
        if amount is None:
            continue
        if not has_currency and _next_word_is_other_noun(full, end + offset):
            continue
        if (
            not has_currency
            and _lemma(next(t.value for t in reversed(tokens) if t.value != "."))
            in {"тысяча", "тыс"}
            and not _money_follows(full, end + offset)
        ):
            continue
        if not is_each and _EACH_AFTER.match(full[end + offset : end + offset + 30]):
            is_each = True
        mentions.append(
            _mention(
                text,
                start,
                end,
                amount,
                _qualifier(words, full[max(0, start + offset - 40) : start + offset]),
                is_each,
            )
        )
    mentions.sort(key=lambda m: m.start)
    return mentions


def parse_money(wording: str) -> MoneyMention | None:
    """The one sum a short wording states («более 22 млн руб.»), or None if it states none.

    For a spreadsheet cell: when the cell states several sums, the first one is returned;
    use `find_money` to see them all.
    """
    mentions = find_money(wording)
    return mentions[0] if mentions else None
