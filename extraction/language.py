"""Russian text plumbing for the extractor: words with spans, lemmas, sentences, quotes.

razdel splits sentences; pymorphy3 (the same analyser the money parser uses) gives lemmas and
inflects names to the nominative («Иркутского энергетического колледжа» → «Иркутский
энергетический колледж»). Everything here is offline and pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from razdel import sentenize

from common.moneywords import morph

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+(?:[-‑][A-Za-zА-Яа-яЁё0-9]+)*|№|[^\sA-Za-zА-Яа-яЁё0-9]")


@dataclass(frozen=True)
class Word:
    """A word or punctuation mark of the text, with where it is."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_capitalised(self) -> bool:
        return self.text[0].isupper()


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def words(text: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def sentences(text: str) -> list[Sentence]:
    """Sentences with the index of the paragraph (block of lines) each starts in."""
    result = []
    for piece in sentenize(text):
        paragraph = len(re.findall(r"\n", text[: piece.start]))
        # A line break inside razdel's sentence (a heading glued to the next line) splits it.
        offset = piece.start
        for line in piece.text.split("\n"):
            if line.strip():
                start = offset + (len(line) - len(line.lstrip()))
                result.append(Sentence(start, offset + len(line.rstrip()), line.strip(), paragraph))
            offset += len(line) + 1
            paragraph += 1
    return result


@lru_cache(50000)
def parses(word: str):
    return morph().raw.parse(word)


def lemma(word: str) -> str:
    """The dictionary form of a word; of a hyphenated compound, of its last part."""
    word = word.lower().replace("ё", "е")
    if "-" in word:
        head, _, last = word.rpartition("-")
        return head + "-" + lemma(last)
    found = parses(word)
    return found[0].normal_form.replace("ё", "е") if found else word


def lemmas(word: str) -> set[str]:
    word = word.lower().replace("ё", "е")
    if "-" in word:
        head, _, last = word.rpartition("-")
        return {head + "-" + item for item in lemmas(last)}
    return {p.normal_form.replace("ё", "е") for p in parses(word)} or {word}


def has_tag(word: str, *grammemes: str) -> bool:
    """True when the likeliest reading of `word` (its last part) has all `grammemes`."""
    last = word.lower().rpartition("-")[2]
    found = parses(last)
    return bool(found) and all(g in found[0].tag for g in grammemes)


def any_reading(word: str, *grammemes: str) -> bool:
    last = word.lower().rpartition("-")[2]
    return any(all(g in p.tag for g in grammemes) for p in parses(last))


def to_nominative(phrase_words: list[str], head_index: int) -> list[str]:
    """Inflect the words up to and including the head noun to the nominative singular.

    Words after the head (genitive dependents, quoted names) stay as written.
    """
    head_word = phrase_words[head_index]
    head_parse = _noun_parse(head_word)
    gender = None
    result = list(phrase_words)
    if head_parse is not None:
        inflected = head_parse.inflect({"nomn", "sing"})
        if inflected is not None:
            result[head_index] = _same_case(head_word, inflected.word)
        gender = head_parse.tag.gender
    for index in range(head_index):
        word = phrase_words[index]
        if "-на-" in word.lower():
            # «Комсомольским-на-Амуре»: the adjective is the first part, the rest a place.
            cut = word.lower().index("-на-")
            first = to_nominative([word[:cut], phrase_words[head_index]], 1)[0]
            result[index] = first + word[cut:]
            continue
        prefix, _, last = word.rpartition("-")
        readings = [p for p in parses(last.lower()) if "ADJF" in p.tag]
        # A reading that agrees with the head comes first: «Донской колледж» is «донской»,
        # not the feminine genitive of «донский».
        agreeing = [
            p
            for p in readings
            if head_parse is not None
            and p.tag.case == head_parse.tag.case
            and p.tag.number == head_parse.tag.number
            and (p.tag.number != "sing" or p.tag.gender in (None, head_parse.tag.gender))
        ]
        adjective = next(iter(agreeing or readings), None)
        if adjective is None:
            continue
        wanted = {"nomn", "sing"} | ({gender} if gender else set())
        inflected = adjective.inflect(wanted)
        if inflected is not None:
            new_last = _same_case(last, inflected.word)
            result[index] = (prefix + "-" if prefix else "") + new_last
    return result


def _noun_parse(word: str):
    last = word.rpartition("-")[2].lower()
    return next((p for p in parses(last) if "NOUN" in p.tag), None)


def _same_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation, quotes included; «…» may nest once («АО «Завод»»)."""
    spans = []
    opened: list[int] = []
    for index, char in enumerate(text):
        if char == "«":
            opened.append(index)
        elif char == "»" and opened:
            start = opened.pop()
            # Quotes inside a quotation are kept when it is a whole speech, not a name with a
            # quoted part: «АО «Завод»» (the inner quote closes right before the outer one),
            # «АО «ОХК «Уралхим»» (one closing quote for two, the inner one close to the first).
            speech = (
                start - opened[0] > 30 and text[index + 1 : index + 2] != "»" if opened else False
            )
            if not opened or index - opened[0] > 80 or speech:
                spans.append((start, index + 1))
    for match in re.finditer(r'"([^"\n]{1,120})"', text):
        spans.append((match.start(), match.end()))
    return sorted(spans)


def normalise_name(name: str) -> str:
    """A comparable key of an organisation name: lemmas, lower case, no quotes or punctuation."""
    parts = [w.text for w in words(name) if w.is_word]
    return " ".join(lemma(p) for p in parts)


@dataclass
class Doc:
    """A text read once: its words, sentences and quotations (the extractor's first stage)."""

    text: str
    words: list[Word]
    sentences: list[Sentence]
    quotes: list[tuple[int, int]]

    def sentence_of(self, position: int) -> int:
        """Index of the sentence holding `position` (the nearest one between sentences)."""
        for index, sentence in enumerate(self.sentences):
            if sentence.start <= position < max(sentence.end, sentence.start + 1):
                return index
        if not self.sentences:
            return 0
        return min(
            range(len(self.sentences)), key=lambda k: abs(self.sentences[k].start - position)
        )

    def line_of(self, position: int) -> tuple[int, int]:
        """(start, end) of the line holding `position`."""
        start = self.text.rfind("\n", 0, position) + 1
        end = self.text.find("\n", position)
        return start, len(self.text) if end == -1 else end


_OPENERS = {"„": "“", "“": "”", "‚": "‘"}  # opening quote → its closing one


def standard_quotes(text: str) -> str:
    """The text with „…“, “…” and ‚…‘ written as «…» (one character for one, so every span
    stays where it was): names are read the same whichever quotes a page uses
    («АО „Предприятие ‚Емельяновка‘“» is «АО «Предприятие «Емельяновка»»»)."""
    if '"' in text:
        text = _typographic(text)
    if not any(char in text for char in _OPENERS):
        return text
    chars = list(text)
    opened: list[str] = []
    for index, char in enumerate(chars):
        if opened and char == _OPENERS[opened[-1]]:
            opened.pop()
            chars[index] = "»"
        elif char in _OPENERS and (char != "‚" or text[index + 1 : index + 2].isalpha()):
            opened.append(char)
            chars[index] = "«"
    return "".join(chars)


def _typographic(text: str) -> str:
    """Straight quotes as «…» by their place: one after a space, a bracket or another quote and
    before a letter opens, any other closes (ООО "Агрофирма "Труд"" is ООО «Агрофирма «Труд»»).
    A text whose straight quotes do not pair up this way keeps them."""
    chars = list(text)
    depth = 0
    for index, char in enumerate(chars):
        if char != '"':
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1 : index + 2]
        if (before.isspace() or before in "([«„-—–/") and after and not after.isspace():
            chars[index] = "«"
            depth += 1
        else:
            chars[index] = "»"
            depth -= 1
            if depth < 0:
                return text
    return "".join(chars) if depth >= 0 else text


def read(text: str) -> Doc:
    """Stage 1: words, sentences and quotations of a text (quotes of any style read as «»)."""
    text = standard_quotes(text)
    return Doc(text, words(text), sentences(text), quoted_spans(text))
