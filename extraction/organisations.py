"""Named organisations in a Russian text: colleges around a head noun («Иркутский
энергетический колледж», «ГАПОУ «…»») and employers («АО «…»», «Амурский судостроительный
завод»), put in the nominative, with the abbreviations the text defines or spells («СмолАПО»)."""

from __future__ import annotations

import re
from functools import cache

from extraction import language as lang
from extraction.language import Word
from extraction.proposals import Org

COLLEGE_HEADS = {
    "колледж",
    "техникум",
    "академия",
    "училище",
    "лицей",
    "институт",
    "университет",
    # compounds the press writes for short: «кировский медколледж», «политехникум»
    "медколледж",
    "политехникум",
    "медучилище",
}
COLLEGE_FORMS = {
    "гапоу",
    "гбпоу",
    "гпоу",
    "огапоу",
    "огбпоу",
    "кгбпоу",
    "кгапоу",
    "гоапоу",
    "гобпоу",
    "бпоу",
    "апоу",
    "спб",
    "пк",
    "гбоу",
    "фгбоу",
    "поу",
    "ано",
    "чпоу",
    "мбпоу",
    "мпоу",
}
EDU_FORMS_NOT_COLLEGE = {"фгбоу", "гбоу", "ано"}  # only with a college head inside the quote
EMPLOYER_HEADS = {
    "завод",
    "комбинат",
    "компания",
    "корпорация",
    "холдинг",
    "концерн",
    "фабрика",
    "предприятие",
    "объединение",
    "верфь",
    "судоверфь",
    "банк",
    "агрохолдинг",
    "group",
    # «Амурское пароходство», «Ангарский нефтехимический комбинат», «Балтийская судоверфь»
    "пароходство",
}
# A compound noun ending in one of these is a plant's or a company's head too: «авиазавод»,
# «лесозавод», «мотозавод», «химкомбинат», «агрокомбинат», «судоверфь», «агрохолдинг» (the
# dictionary has some of them, the press coins more; the second part decides).
_COMPOUND_EMPLOYER_TAILS = ("завод", "комбинат", "фабрика", "верфь", "холдинг")


def is_employer_head(lemma: str) -> bool:
    """True for a company's or a plant's head noun, compounds included (see above)."""
    return lemma in EMPLOYER_HEADS or any(
        lemma.endswith(tail) and len(lemma) >= len(tail) + 2 and lemma[-len(tail) - 1] != "-"
        for tail in _COMPOUND_EMPLOYER_TAILS
    )


def _is_head(lemma: str) -> bool:
    return lemma in COLLEGE_HEADS or is_employer_head(lemma)


EMPLOYER_FORMS = {
    "ао",
    "пао",
    "ооо",
    "оао",
    "зао",
    "нао",
    "фгуп",
    "гуп",
    "муп",
    "гк",
    "нпо",
    "нпп",
    "пк",
    "хк",
}
EMPLOYER_FORM_WORDS = {
    ("акционерный", "общество"): "АО",
    ("публичный", "акционерный", "общество"): "ПАО",
    ("общество", "с", "ограниченный", "ответственность"): "ООО",
    ("группа", "компания"): "ГК",
}
# «колледж» as a part of other words' names that are not a college: none; but these heads
# preceded by these lemmas are bodies, not organisations to register.
_NOT_ORG_BEFORE = {"федеральный", "министерство", "правительство"}
_GENITIVE_LINKS = {"и"}
# Abbreviations after a head that name no parent: news agencies, «техникум СПО».
_NOT_PARENTS = {"ТАСС", "РИА", "СПО", "РФ", "ИА", "ОПЦ", "ДНР", "ЛНР", "НСО"}
_PARENT = re.compile(r"\s+(?:ФГБОУ|ФГАОУ|ФГКОУ|ГБОУ|ГАОУ|АНО)(?:\s+(?:ВО|ВПО|ДПО))?\s+«")
# Capitalised titles between «имени» and the person: «Героя Советского Союза», «Героя
# Социалистического Труда», «Героя России», «Маршала Советского Союза».
_TITLE = re.compile(
    r"(?:дважды\s+)?(?:Геро[яй]|Маршал[аи]|Адмирал[аи]|Генерал[аи])"
    r"(?:\s+(?:Советского\s+Союза|Социалистического\s+Труда|Российской\s+Федерации|России|РФ|СССР))?\s+"
)


# Genitives that end a name rather than continue it: «колледж города Усть-Лабинска», «на базе
# колледжа кластера «…»».
_NOT_NAME_GENITIVES = {
    "город", "посёлок", "поселок", "село", "станица", "район", "округ", "кластер", "проект",
    "профессионалитет", "программа", "регион",
}  # fmt: skip
_ABBREVIATED_BASE = re.compile(
    r"(?:на\s+базе|баз(?:ой|а)\s+(?:в|во|при)"
    # «кластер … в ЛГТУ», a list's line «"Цифровизация энергетики" в ЛГТУ»
    r"|(?:(?i:кластер|центр)\w*|^\s*(?:[-–—•]\s*)?[«\"][^»\"\n]{2,60}[»\"])[^.;:\n]{0,60}?\s(?:в|при))\s+"
    r"(([А-ЯЁ]{1,6}(?:ГУ|ТУ|У|И|ПК|ТК|К|Т))(?:\s+(?:им\.|имени)\s+(?:[А-ЯЁ]\.\s?){1,2}\s?"
    r"[А-ЯЁ][а-яё]+)?)(?![\wА-Яа-яЁё])",
    re.M,
)


_NOT_COLLEGE_ABBREVIATIONS = {"ОПК", "ТЭК", "АПК", "ВПК", "ИТ", "НИИ", "ДФО", "ЖКХ", "СПК", "ГК"}


def _quote_at(spans: list[tuple[int, int]], start: int) -> tuple[int, int] | None:
    return next((s for s in spans if s[0] == start), None)


def find_organisations(text: str, ws: list[Word]) -> list[Org]:
    """Every named college and employer of `text` (`ws`: its words), one Org each."""
    quotes = lang.quoted_spans(text)
    orgs: list[Org] = []
    used: list[tuple[int, int]] = []

    def overlaps(a: int, b: int) -> bool:
        return any(a < e and s < b for s, e in used)

    def add(kind: str, start: int, end: int, name: str) -> Org | None:
        if overlaps(start, end):
            return None
        name = re.sub(r"\s+", " ", name).strip(" ,.;:-–—")
        name = re.sub(r"»\s*»", "»»", name)
        org = Org(kind, name, start, end, text[start:end], lang.normalise_name(name))
        org.mentions.append((start, end))
        used.append((start, end))
        orgs.append(org)
        return org

    index_of = {w.start: i for i, w in enumerate(ws)}

    # 1. A form or head followed by a quoted name: ГАПОУ «…», колледж «Энергия», АО «БТК групп».
    shared_head: tuple[int, str] | None = None  # a plural head's last quote: (its end, head)
    for qs, qe in quotes:
        before = [w for w in ws if w.end <= qs][-5:]
        inner = text[qs + 1 : qe - 1].strip()
        if not inner or len(inner) > 120:
            continue
        inner_words = [w for w in lang.words(inner) if w.is_word]
        if not inner_words:
            continue
        inner_lemmas = [lang.lemma(w.text) for w in inner_words]
        prev = before[-1] if before else None
        prev_lemma = lang.lemma(prev.text) if prev else ""
        # The quote is itself a college name: «Гуманитарно-технический техникум» (not a
        # sentence between two unpaired quotes: «"… колледж … в рамках проекта "»).
        if (
            any(lemma in COLLEGE_HEADS for lemma in inner_lemmas)
            and inner_words[0].is_capitalised
            and not re.search(r"\bв\s+рамках|\bпроекта\s*$|\bпрограммы\s*$", inner)
        ):
            has_form = prev is not None and prev.lower in COLLEGE_FORMS
            # «модели «Эффективный колледж»»: a quote named by the noun before it is no college;
            # but «… профессионального образовательного учреждения «Пермский авиационный
            # техникум»» spells the legal form out.
            if (
                not has_form
                and prev is not None
                and prev.is_word
                and lang.has_tag(prev.text, "NOUN")
                and lang.lemma(prev.text) not in {"учреждение", "организация"}
            ):
                used.append((qs, qe))
                continue
            start = prev.start if has_form else qs
            label = (prev.text + " " if start != qs else "") + text[qs:qe]
            add("college", start, qe, label)
            continue
        if prev is None or text[prev.end : qs].strip():
            continue
        if prev.lower in COLLEGE_FORMS - EMPLOYER_FORMS or (
            prev_lemma in COLLEGE_HEADS and prev.lower not in EMPLOYER_FORMS
        ):
            start, label = _with_adjectives(text, ws, index_of[prev.start], prev_lemma)
            add("college", start, qe, label + " " + text[qs:qe])
            if prev_lemma in COLLEGE_HEADS and lang.has_tag(prev.text, "plur"):
                shared_head = (qe, prev_lemma)  # «колледжей «Энергия» и «Сфера»»
            continue
        if (
            shared_head is not None
            and re.fullmatch(r"\s*(?:,|и)\s*", text[shared_head[0] : qs])
            and inner_words[0].is_capitalised
        ):
            add("college", qs, qe, shared_head[1] + " " + text[qs:qe])
            shared_head = (qe, shared_head[1])
            continue
        if prev.lower == "пк" or (prev.text == "ПК"):
            add("college", prev.start, qe, "ПК " + text[qs:qe])
            continue
        if prev.lower in EMPLOYER_FORMS:
            add("employer", prev.start, qe, prev.text.upper() + " " + text[qs:qe])
            continue
        form = _employer_form_words(ws, index_of[prev.start])
        if form:
            label, start = form
            add("employer", start, qe, label + " " + text[qs:qe])
            continue
        if is_employer_head(prev_lemma) and lang.has_tag(prev.text, "plur"):
            # «для предприятий «Лесмаш», «Сосна-Агро» …»: a plural noun names the class of the
            # names after it, not a part of the first one
            add("employer", qs, qe, text[qs:qe])
            continue
        if is_employer_head(prev_lemma):
            start, label = _with_adjectives(text, ws, index_of[prev.start], prev_lemma)
            add("employer", start, qe, label + " " + text[qs:qe])

    # 2b. A plural head, a colon and the adjectives that tell its colleges apart: «на базе
    #     трёх череповецких колледжей: металлургического, технологического и …».
    for names in _head_and_adjectives(text, ws):
        for start, end, name in names:
            add("college", start, end, name)

    # 2a. Coordinated names sharing one plural head: «Йошкар-Олинского строительного и
    #     Автодорожного техникумов», «Канский политехнический, … и Таймырский колледжи»,
    #     «Железногорские горно-металлургический и политехнический колледжи».
    for first, last, names in _coordinated(text, ws):
        if overlaps(ws[first].start, ws[last].end):
            continue
        kind = "employer" if is_employer_head(lang.lemma(ws[last].text)) else "college"
        for start, end, name in names:
            add(kind, start, end, name)

    # 2. Unquoted names around a head noun: «Иркутский энергетический колледж», «Иркутский
    #    техникум авиастроения и материалообработки», «Амурский судостроительный завод».
    for i, word in enumerate(ws):
        if not word.is_word or overlaps(word.start, word.end):
            continue
        head = lang.lemma(word.text)
        if head not in COLLEGE_HEADS and "-" in word.text:
            head = lang.lemma(word.text.split("-")[0])  # «колледжа-интерната»
        if (
            head == "комплекс"
            and i > 0
            and lang.lemma(ws[i - 1].text) == "образовательный"
            and ws[i - 1].end + 2 >= word.start
        ):
            head = "колледж"  # «Первый Московский образовательный комплекс»
        if head in COLLEGE_HEADS:
            kind = "college"
        elif is_employer_head(head) and head not in {
            "компания",
            "предприятие",
            "объединение",
            "банк",
        }:
            kind = "employer"
        else:
            continue
        if not lang.any_reading(word.text, "NOUN"):
            continue
        left = i
        while (
            left > 0 and _is_name_adjective(ws[left - 1]) and ws[left - 1].end + 2 >= ws[left].start
        ):
            left -= 1
        right = i
        # genitive dependents: «… профессионального образования», «… авиастроения и …»
        j = i + 1
        while j < len(ws):
            w = ws[j]
            if w.text != "," and (
                not w.is_word or text[ws[j - 1].end : w.start].strip() or w.lower in {"им", "имени"}
            ):
                break
            if w.text.isupper() and 2 <= len(w.text) <= 6 and j == i + 1:
                if w.text not in _NOT_PARENTS:
                    right = j  # «колледж КГТА», «колледж ТИУ»: the parent's abbreviation
                break
            if j == i + 1 and re.fullmatch(r"[А-ЯЁA-Z][а-яёa-z]+(?:[А-ЯЁA-Z][а-яёa-z]*)+", w.text):
                right = j  # «техникум ТрансСтройТех»: a brand written in one word
                break
            if (
                j == i + 1
                and word.is_capitalised
                and w.is_capitalised
                and lang.any_reading(w.text, "NOUN", "gent")
                and not lang.any_reading(w.text, "ADJF")
                and not lang.any_reading(w.text, "Geox")
                and not lang.any_reading(w.text, "Orgn")
                and i > 0
                and ws[i - 1].text not in {".", "!", "?", "…", "«", '"'}
            ):
                right = j  # «Колледжа Архитектуры, дизайна и реинжиниринга № 26»
                j += 1
                continue
            if (
                j == i + 1
                and j + 1 < len(ws)
                and word.is_capitalised
                and w.is_capitalised
                and lang.any_reading(w.text, "ADJF", "gent")
                and ws[j + 1].is_word
                and not text[w.end : ws[j + 1].start].strip()
                and lang.any_reading(ws[j + 1].text, "NOUN", "gent")
                and not _is_head(lang.lemma(ws[j + 1].text))
                and i > 0
                and ws[i - 1].text not in {".", "!", "?", "…", "«", '"'}
            ):
                right = j + 1  # «Колледж Петербургской моды», «Колледжа Московской индустрии»
                j += 2
                continue
            if w.is_capitalised:
                # «… и Сокольского педагогического колледжа»: the next name begins;
                # «… техникум Минобразования Чувашии»: a body's name, not this one's.
                break
            if (
                w.lower not in _GENITIVE_LINKS
                and len(w.text) > 2
                and (
                    lang.any_reading(w.text, "NOUN", "gent")
                    or lang.any_reading(w.text, "ADJF", "gent")
                )
                and not _is_head(lang.lemma(w.text))
                and lang.lemma(w.text) not in _NOT_NAME_GENITIVES
                # «… техникум стали победителями»: a verb, not the genitive of «сталь»
                and not lang.any_reading(w.text, "VERB")
            ):
                if lang.any_reading(w.text, "NOUN", "gent") and not lang.has_tag(w.text, "ADJF"):
                    right = j
                j += 1
                continue
            if (
                w.text == ","
                and j + 1 < len(ws)
                and not ws[j + 1].is_capitalised
                and (
                    lang.any_reading(ws[j + 1].text, "NOUN", "gent")
                    # «колледж торговли, общественного питания и сервиса»
                    or (
                        lang.any_reading(ws[j + 1].text, "ADJF", "gent")
                        and j + 2 < len(ws)
                        and lang.any_reading(ws[j + 2].text, "NOUN", "gent")
                    )
                )
                and not _is_head(lang.lemma(ws[j + 1].text))
                and any(x.lower == "и" for x in ws[j + 2 : j + 5])
            ):
                j += 1  # «колледж индустрии питания, торговли и сферы услуг»
                continue
            if (
                w.lower in _GENITIVE_LINKS
                and j + 1 < len(ws)
                and (
                    lang.has_tag(ws[j + 1].text, "gent")
                    # «колледж права и технологии»: a lower-case noun that can be a genitive
                    # is one after a genitive dependent
                    or (
                        not ws[j + 1].is_capitalised
                        and lang.any_reading(ws[j + 1].text, "NOUN", "gent")
                        and not _is_head(lang.lemma(ws[j + 1].text))
                        and lang.any_reading(ws[j - 1].text, "NOUN", "gent")
                    )
                )
                and (
                    lang.any_reading(ws[j + 1].text, "NOUN")
                    or lang.any_reading(ws[j + 1].text, "ADJF")
                )
            ):
                j += 1
                continue
            break
        if (
            right + 2 < len(ws)
            and ws[right + 1].text == "№"
            and ws[right + 2].text.isdigit()
            and len(ws[right + 2].text) <= 3
        ):
            right += 2  # «Педагогический колледж № 1 им. Н.А. Некрасова»
        # «им. М.И. Щадова», «имени П. П. Аносова», «имени адмирала Г.И. Невельского»,
        # «имени Красной Армии»
        k = right + 1
        if k < len(ws) and ws[k].lower in {"им", "имени"}:
            m = k + 1
            if m < len(ws) and ws[m].text == ".":
                m += 1
            if m < len(ws) and ws[m].is_word and not ws[m].is_capitalised and len(ws[m].text) > 3:
                m += 1  # a title: «адмирала», «академика»
            title = _TITLE.match(text, ws[m].start) if m < len(ws) else None
            if title:
                # «имени Героя Советского Союза Н.Я. Анфиногенова», «имени дважды Героя …»
                while m < len(ws) and ws[m].start < title.end():
                    m += 1
            initials = m
            while m < len(ws) and (
                ws[m].text == "."
                or (len(ws[m].text) == 1 and ws[m].text.isupper())
                # «имени Е.А. и М.Е. Черепановых»: two people's initials, one surname
                or (
                    ws[m].lower == "и"
                    and m > initials
                    and m + 1 < len(ws)
                    and len(ws[m + 1].text) == 1
                    and ws[m + 1].text.isupper()
                )
            ):
                m += 1
            had_initials = m > initials
            last = None
            while (
                m < len(ws)
                and ws[m].is_word
                and ws[m].is_capitalised
                and len(ws[m].text) > 1
                and (last is None or not text[ws[m - 1].end : ws[m].start].strip())
                and (last is None or m - last == 1)
                and lang.lemma(ws[m].text) not in COLLEGE_HEADS
            ):
                last = m
                m += 1
                if had_initials:
                    break  # «им. Н.В. Никольского»: initials and one surname
                if (
                    (
                        lang.any_reading(ws[last].text, "Name")
                        or lang.any_reading(ws[last].text, "Patr")
                    )
                    and m < len(ws)
                    and ws[m].is_capitalised
                ):
                    continue  # «имени Никиты Демидова», «имени Василия Константиновича Штильке»
                if lang.has_tag(ws[last].text, "NOUN") and not lang.any_reading(
                    ws[last].text, "ADJF"
                ):
                    break  # a surname or noun ends the name
            if last is not None:
                right = last
        # «колледж сервиса Оренбурга»: a lower-case name that carries its city in the genitive
        # right after it is a name (not a body: «… Минобразования Чувашии»); the city stays
        # out of the name, as the registry writes it.
        k = right + 1
        city = (
            k < len(ws)
            and ws[k].is_word
            and ws[k].is_capitalised
            and not text[ws[right].end : ws[k].start].strip()
            and lang.any_reading(ws[k].text, "Geox", "gent")
            and not lang.any_reading(ws[k].text, "Orgn")
        )
        has_left = left < i and ws[left].is_capitalised
        # A lower-case name where its context says it is one: «на базе колледжа информационных
        # технологий», «кластер … в колледже водного транспорта», «(технологический колледж)»,
        # «A и автодорожный техникум».
        if not has_left and not word.is_capitalised and (left < i or right > i):
            has_left = city or _named_by_context(text, ws, left, used)
        # «на базе Колледжа строительства и профессиональных технологий»: a capitalised head
        # with its genitive dependents is a name too (not at a sentence start, where any
        # word is capitalised).
        head_named = (
            left == i
            and word.is_capitalised
            and right > i
            and i > 0
            and ws[i - 1].text not in {".", "!", "?", "…", "«", '"', "–", "—", "-"}
            and "\n" not in text[ws[i - 1].end : word.start]
        )
        if not (has_left or head_named):
            continue
        if left > 0 and lang.lemma(ws[left - 1].text) in _NOT_ORG_BEFORE:
            continue
        start, end = ws[left].start, ws[right].end
        number = re.match(r"\s*№\s*\d{1,3}(?!\d)", text[end : end + 12])
        if number:
            end += number.end()  # «Колледж связи № 54», «Профессиональное училище № 3»
        parent = _PARENT.match(text, ws[i].end) if kind == "college" else None
        quote = next((q for q in quotes if parent and q[0] == parent.end() - 1), None)
        if quote is not None:
            # «Многопрофильный колледж ФГБОУ ВО «Магнитогорский государственный технический
            # университет»»: a university's college, one organisation named with its parent.
            for org in [o for o in orgs if quote[0] <= o.start and o.end <= quote[1]]:
                orgs.remove(org)
                used.remove((org.start, org.end))
            end = quote[1]
        if left > 0 and lang.lemma(ws[left - 1].text) == "филиал" and kind == "college":
            # «в филиале Уральского колледжа …»: the branch is the organisation.
            add(kind, ws[left - 1].start, end, "филиал " + text[start:end])
            continue
        parts = [w.text for w in ws[left : i + 1]]
        first, _dash, rest = parts[-1].partition("-")
        if rest and lang.lemma(first) in COLLEGE_HEADS:
            # «Кадетского колледжа-интерната» → «Кадетский колледж-интернат»: each part
            head_words = lang.to_nominative([*parts[:-1], first], len(parts) - 1)
            head_words[-1] += "-" + lang.to_nominative([rest], 0)[0]
        else:
            head_words = lang.to_nominative(parts, len(parts) - 1)
        tail = text[ws[i].end : end]
        add(kind, start, end, " ".join(head_words) + tail)

    # 2b. A university's branch named by its abbreviation: «филиал РГУПСа в Воронеже».
    for m in re.finditer(r"\bфилиал\w*\s+([А-ЯЁ]{3,}[а-яё]{0,2})(\s+в\s+[А-ЯЁ][а-яё]+)?", text):
        if not overlaps(m.start(), m.end()):
            add("college", m.start(), m.end(), "филиал " + m.group(1) + (m.group(2) or ""))

    # 2c. A university or college the text names only by its abbreviation right after a base's
    #     cue: «на базе ЕГУ имени И. А. Бунина», «на базе ТГПК» (an abbreviation ending as a
    #     university's, an institute's, a college's or a technical school's does).
    for m in _ABBREVIATED_BASE.finditer(text):
        start, end = m.span(1)
        if (
            m.group(2) not in _NOT_PARENTS
            and m.group(2) not in _NOT_COLLEGE_ABBREVIATIONS
            and m.group(2).lower() not in COLLEGE_FORMS | EMPLOYER_FORMS
            and not re.match(r"\s*[«\"]", text[end : end + 3])  # «ГК «Росатом»»: a form
            and not overlaps(start, end)
        ):
            add("college", start, end, text[start:end])

    # 3. Abbreviations the text defines: «Смоленская академия … (СмолАПО)».
    for org in orgs:
        match = re.match(
            r"\s*\(([А-ЯЁA-Z][А-Яа-яЁёA-Za-z\-]{1,15})\)", text[org.end : org.end + 20]
        )
        if match and any(c.isupper() for c in match.group(1)[1:]):
            org.aliases.append(match.group(1))
    # …and abbreviations used without a definition that spell the name's initials («СмолАПО»).
    for m in re.finditer(r"(?<![\wА-Яа-яЁё])([А-ЯЁ][а-яё]{0,5}[А-ЯЁ]{2,8})(?![\wА-Яа-яЁё])", text):
        for org in orgs:
            if m.group(1) not in org.aliases and _is_acronym(m.group(1), org.name):
                org.aliases.append(m.group(1))
    for org in orgs:
        for alias in org.aliases:
            for m in re.finditer(
                r"(?<![\wА-Яа-яЁё])" + re.escape(alias) + r"(?![\wА-Яа-яЁё])", text
            ):
                if not any(s <= m.start() < e for s, e in org.mentions):
                    org.mentions.append((m.start(), m.end()))
    merged = _merge_orgs(_college_of_university(orgs, text), text)
    _elliptical_mentions(merged, text, ws)
    return merged


_ELLIPSIS_BEFORE = re.compile(r"(?:,\s*а(?:\s+также)?|\bи|,)\s*$")
_ELLIPSIS_AFTER = re.compile(r"^\s*(?:[—–-]|[,;.)]|$)")


def _elliptical_mentions(orgs: list[Org], text: str, ws: list[Word]) -> None:
    """«Юрюзанский технологический техникум будет развивать атомную отрасль, а Ашинский
    индустриальный — металлургию», «… а Ашинский — «Металлургия»»: a capitalised adjective that
    stands for a college already named (its head left out after «а», «и» or a comma, a dash or
    the clause's end after it) is another mention of the one college whose name it begins."""
    colleges = [o for o in orgs if o.kind == "college"]
    taken = [span for o in orgs for span in o.mentions]
    for i, word in enumerate(ws):
        if not word.is_word or not word.is_capitalised or i == 0:
            continue
        if any(s <= word.start < e for s, e in taken):
            continue
        before = text[max(0, word.start - 12) : word.start]
        # («Озёрский будет развивать …»: a sentence's subject, its verb right after it)
        opens = bool(re.search(r"(?:[.!?]\s+|\n\s*)$", before))
        if not opens and not _ELLIPSIS_BEFORE.search(before):
            continue
        # the adjective and any lower-case adjectives after it, then no noun
        j = i
        while (
            j + 1 < len(ws)
            and ws[j + 1].is_word
            and not ws[j + 1].is_capitalised
            and (
                lang.any_reading(ws[j + 1].text, "ADJF")
                and not lang.any_reading(ws[j + 1].text, "NOUN")
            )
        ):
            j += 1
        after = text[ws[j].end : ws[j].end + 3]
        verb_next = (
            j + 1 < len(ws)
            and ws[j + 1].is_word
            and (lang.any_reading(ws[j + 1].text, "VERB") or lang.lemma(ws[j + 1].text) == "быть")
            and not lang.any_reading(ws[j + 1].text, "NOUN")
        )
        if not (opens and verb_next) and (opens or not _ELLIPSIS_AFTER.match(after)):
            continue
        if not lang.any_reading(word.text, "ADJF") or lang.any_reading(word.text, "NOUN"):
            continue
        wanted = lang.lemma(word.text)
        matches = [
            c for c in colleges if c.name.split() and lang.lemma(c.name.split()[0]) == wanted
        ]
        if len(matches) == 1:
            matches[0].mentions.append((word.start, ws[j].end))
            continue
        if matches or opens or not re.match(r"\s*[—–-]", after):
            continue
        # «Юрюзанский техникум будет развивать атомную отрасль, а Ашинский — металлургию»: a
        # college not named before, whose head is the one of the college named just before it
        # in its sentence («Ашинский техникум»).
        sentence_start = max(text.rfind(". ", 0, word.start), text.rfind("\n", 0, word.start))
        before_names = [
            (s, c)
            for c in colleges
            for s, _e in c.mentions
            if sentence_start < s < word.start and c.name.split()
        ]
        if not before_names:
            continue
        head = max(before_names)[1].name.split()[-1]
        if lang.lemma(head) not in COLLEGE_HEADS:
            continue
        name = " ".join(lang.to_nominative([*(w.text for w in ws[i : j + 1]), head], j + 1 - i))
        org = Org(
            "college",
            name,
            word.start,
            ws[j].end,
            text[word.start : ws[j].end],
            lang.normalise_name(name),
        )
        org.mentions.append((word.start, ws[j].end))
        orgs.append(org)
        colleges.append(org)


_SHARED_HEADS = {"колледж", "техникум", "училище", "лицей", "завод", "комбинат"}


def _head_and_adjectives(text: str, ws: list[Word]) -> list[list[tuple[int, int, str]]]:
    """«трёх череповецких колледжей: металлургического, технологического и химико-
    технологического»: a place adjective and a plural college head, a colon, then lower-case
    adjectives in the head's case, «,» or «и» between — one college each («Череповецкий
    металлургический колледж», …)."""
    found = []
    for i, word in enumerate(ws):
        if (
            i == 0
            or lang.lemma(word.text) not in COLLEGE_HEADS
            or not lang.has_tag(word.text, "plur")
            or not re.match(r"\s*:", text[word.end : word.end + 3])
            or not _is_name_adjective(ws[i - 1])
        ):
            continue
        head_parse = next((p for p in lang.parses(word.lower) if "NOUN" in p.tag), None)
        place_parse = next((p for p in lang.parses(ws[i - 1].lower) if "ADJF" in p.tag), None)
        if head_parse is None or place_parse is None:
            continue
        case = head_parse.tag.case
        items: list[tuple[int, int, str]] = []
        j = i + 1
        if j < len(ws) and ws[j].text == ":":
            j += 1
        while j < len(ws):
            w = ws[j]
            if not (
                w.is_word
                and not w.is_capitalised
                and any("ADJF" in p.tag and p.tag.case == case for p in lang.parses(w.lower))
            ):
                break
            items.append((w.start, w.end, w.text))
            j += 1
            if j < len(ws) and ws[j].text in {",", "и"}:
                j += 1
                continue
            break
        if len(items) < 2:
            continue
        singular = head_parse.inflect({"nomn", "sing"})
        gender = singular.tag.gender if singular else None
        place = place_parse.inflect({"nomn", "sing", gender}) if gender else None
        if singular is None or place is None:
            continue
        names = []
        for start, end, adjective in items:
            own = next((p for p in lang.parses(adjective.lower()) if "ADJF" in p.tag), None)
            own_form = own.inflect({"nomn", "sing", gender}) if own else None
            if own_form is None:
                break
            names.append((start, end, f"{place.word.capitalize()} {own_form.word} {singular.word}"))
        else:
            found.append(names)
    return found


def _coordinated(text: str, ws: list[Word]) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Names that share one plural head noun: (first word, head word, [(start, end, name)])."""
    found = []
    for i, word in enumerate(ws):
        if lang.lemma(word.text) not in _SHARED_HEADS or not lang.any_reading(
            word.text, "NOUN", "plur"
        ):
            continue
        groups: list[list[int]] = [[]]
        j = i - 1
        joined = False
        while j >= 0:
            w = ws[j]
            if w.is_word and _is_name_adjective(w):
                groups[-1].insert(0, j)
                j -= 1
                continue
            if (w.text == "," or w.lower == "и") and groups[-1]:
                joined = True
                groups.append([])
                j -= 1
                continue
            break
        groups = [g for g in reversed(groups) if g]
        if not joined or len(groups) < 2 or not ws[groups[0][0]].is_capitalised:
            continue
        head = lang.to_nominative([word.text], 0)[0]
        head = head.lower() if not word.is_capitalised else head
        head_parse = next((p for p in lang.parses(word.lower) if "NOUN" in p.tag), None)
        singular = head_parse.inflect({"nomn", "sing"}) if head_parse else None
        head = singular.word if singular else head
        shared: list[str] = []
        first_words = [ws[k].text for k in groups[0]]
        # «Железногорские горно-металлургический и политехнический колледжи»: a plural
        # adjective in front is the place all the names share.
        if len(groups[0]) > 1 and lang.has_tag(first_words[0], "plur"):
            shared = [first_words[0]]
        # «Ейского и Брюховецкого аграрных колледжей»: plural adjectives right before the head
        # agree with it, not with the last name, and all the names share them («Ейского
        # полипрофильного и Брюховецкого аграрного колледжей» keep their own).
        tail: list[str] = []
        last = groups[-1]
        while len(last) - len(tail) > 1 and lang.has_tag(
            ws[last[len(last) - len(tail) - 1]].text, "plur"
        ):
            tail.insert(0, ws[last[len(last) - len(tail) - 1]].text)
        if tail and lang.has_tag(ws[last[0]].text, "plur"):
            tail = []  # «Железногорские горно-металлургический …»: the plural is in front
        names = []
        for group in groups:
            words_ = [ws[k].text for k in group]
            if shared and group is not groups[0]:
                words_ = shared + words_
            if tail and group is not groups[-1]:
                words_ = words_ + tail
            inflected = lang.to_nominative([*words_, head], len(words_))
            end = ws[group[-1]].end if group is not groups[-1] else word.end
            names.append((ws[group[0]].start, end, " ".join(inflected)))
        found.append((groups[0][0], i, names))
    return found


_CONTEXT_BEFORE = re.compile(
    r"(?:на\s+базе|при|\(|базой|площадкой|ядром)\s*$|кластер[^.;]{0,80}?\s(?:в|во|при)\s+$",
    re.I,
)


def _named_by_context(text: str, ws: list[Word], left: int, used: list[tuple[int, int]]) -> bool:
    """A lower-case college name counts where its context names it: after «на базе», «при»,
    an opening bracket or «кластер … в», or listed right after another name («A и B»)."""
    start = ws[left].start
    line_start = text.rfind("\n", 0, start) + 1
    sentence_start = max(line_start, text.rfind(". ", 0, start) + 1)
    if _CONTEXT_BEFORE.search(text[sentence_start:start]):
        return True
    return any(
        re.fullmatch(r"\s*(?:,|и|,\s*а\s+также|а\s+также)\s*", text[end:start])
        for _, end in used
        if end <= start
    )


def _is_acronym(token: str, name: str) -> bool:
    """«СмолАПО» spells «Смоленская академия профессионального образования»: a prefix of the
    first word, then the first letter of each further word (short links like «и» may drop)."""
    parts = [w.text.lower() for w in lang.words(name) if w.is_word and w.text.lower() not in {"им"}]
    token = token.lower()
    if len(parts) < 2:
        return False

    def match(t: str, i: int) -> bool:
        if i == len(parts):
            return t == ""
        if not t:
            return False
        word = parts[i]
        if len(word) <= 2 and match(t, i + 1):
            return True
        return t[0] == word[0] and match(t[1:], i + 1)

    first = parts[0]
    return any(
        token.startswith(first[:k]) and match(token[k:], 1)
        for k in range(1, min(len(first), 6) + 1)
    )


def _is_name_adjective(word: Word) -> bool:
    if not word.is_word or word.text.isupper():
        return False
    lowered = word.text.lower()
    # «Комсомольским-на-Амуре», «Ростовский-на-Дону»: the adjective is the first part.
    last = lowered.split("-на-")[0] if "-на-" in lowered else lowered.rpartition("-")[2]
    readings = lang.parses(last)
    if not any("ADJF" in p.tag for p in readings):
        return False
    first = readings[0].tag
    if "NPRO" in first or "PRTF" in first or any("Apro" in p.tag for p in readings):
        return False  # «Это …», «Эти техникумы»: a pointer, not a name
    if (
        "-" in lowered
        and word.is_capitalised
        and re.search(r"[сц]к(?:ий|ой|ая|ое|ие|ого|ому|им|ом|ую|их|ым|ыми|ими)$", last)
    ):
        return True  # «Йошкар-Олинский»: a compound place adjective the dictionary guesses a noun
    # «Дзержинского»: a capitalised adjective of a place may read first as a surname.
    return "NOUN" not in first or (word.is_capitalised and "Surn" in first)


def _with_adjectives(text: str, ws: list[Word], head: int, head_lemma: str) -> tuple[int, str]:
    """Start and nominative label of a head noun with the capitalised adjectives before it."""
    left = head
    while left > 0 and _is_name_adjective(ws[left - 1]):
        left -= 1
    if left < head and not ws[left].is_capitalised:
        left = head
    parts = [w.text for w in ws[left : head + 1]]
    label = lang.to_nominative(parts, len(parts) - 1)
    if left == head:
        label = [
            label[0].lower() if label[0][:1].isupper() and not label[0].isupper() else label[0]
        ]
    return ws[left].start, " ".join(label)


def _employer_form_words(ws: list[Word], last: int) -> tuple[str, int] | None:
    for words_, label in EMPLOYER_FORM_WORDS.items():
        n = len(words_)
        if last - n + 1 < 0:
            continue
        window = ws[last - n + 1 : last + 1]
        if tuple(lang.lemma(w.text) for w in window) == words_:
            return label, window[0].start
    return None


_PARENT_HEADS = {"университет", "академия", "институт"}


def _college_of_university(orgs: list[Org], text: str) -> list[Org]:
    """«Политехнический колледж Майкопского государственного технологического университета»:
    a college name followed right away by a university's (or academy's) name in the genitive is
    that university's college — one name, not two organisations."""
    ordered = sorted(orgs, key=lambda o: o.start)
    dropped: set[int] = set()
    for first, second in zip(ordered, ordered[1:], strict=False):
        if id(first) in dropped or first.kind != "college" or second.kind != "college":
            continue
        if text[first.end : second.start] != " " or len(second.mentions) != 1:
            continue
        words = second.quote.split()
        heads = [k for k, w in enumerate(words) if lang.lemma(w) in _PARENT_HEADS]
        if (
            not heads
            or lang.lemma(first.name.split()[-1]) in _PARENT_HEADS
            or not lang.any_reading(words[heads[0]], "gent")
            or lang.any_reading(words[heads[0]], "nomn")
        ):
            continue
        first.name = f"{first.name} {second.quote}"
        first.key = lang.normalise_name(first.name)
        first.quote = text[first.start : second.end]
        first.mentions = [
            (s, second.end) if s == first.start else (s, e) for s, e in first.mentions
        ]
        first.end = second.end
        dropped.add(id(second))
    return [o for o in orgs if id(o) not in dropped]


def _merge_orgs(orgs: list[Org], text: str) -> list[Org]:
    """One Org per organisation: the same key or a quoted core («колледж «Энергия»» = «ПК «Энергия»»)."""
    merged: list[Org] = []
    for org in sorted(orgs, key=lambda o: o.start):
        same = next((m for m in merged if m.kind == org.kind and _same_org(m, org)), None)
        if same is None:
            merged.append(org)
            continue
        same.mentions.extend(org.mentions)
        same.aliases.extend(a for a in org.aliases if a not in same.aliases)
        # Prefer the fuller name as the label (a name with adjectives over «ПК «…»»).
        if len(org.name) > len(same.name) and not org.name.startswith(
            ("ПК ", "колледж ", "техникум ")
        ):
            same.name, same.key = org.name, org.key
    return merged


def _quoted_core(name: str) -> str | None:
    match = re.search(r"[«\"](.+)[»\"]", name)
    return lang.normalise_name(match.group(1)) if match else None


def _same_org(a: Org, b: Org) -> bool:
    if a.key == b.key:
        return True
    # «техникум транспорта и сервиса» after or before «Красноярский техникум транспорта и
    # сервиса»: the lower-case mention is the full name without its place.
    short, full = sorted((a, b), key=lambda o: len(o.key))
    if short.name[:1].islower() and full.key.endswith(" " + short.key) and " " in short.key:
        return True
    # «Томский колледж индустрии питания» and «… питания, торговли и сферы услуг»: the same
    # name cut short.
    if short.key.count(" ") >= 2 and full.key.startswith(short.key + " "):
        return True
    # «пермский техникум» after «Пермский химико-технологический техникум»: a lower-case
    # place and head that the full name has, first word and head alike.
    words_short, words_full = short.key.split(), full.key.split()
    return (
        short.name[:1].islower()
        and len(words_short) == 2
        and len(words_full) > 2
        and words_full[0] == words_short[0]
        and words_short[1] in words_full[1:]
    )


@cache
def _ner():
    """natasha's news NER (slovnet) with its navec embeddings, both shipped inside the natasha
    wheel: loaded once per process (~1 s), nothing fetched."""
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def ner_organisations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the named entities natasha finds (ORG, LOC, PER)."""
    from natasha import Doc

    segmenter, tagger = _ner()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(span.start, span.stop, span.type) for span in doc.spans]
