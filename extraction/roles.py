"""Who is who in a press item: base colleges (one cluster each), network colleges and employers
(the extractor's entities stage).

A role comes from the words of the sentence around a name, never from the name itself:

* base: «на базе X», «базовой организацией стал X», «ядром кластера стал X», «кластер … в X»,
  «X получит грант …», a line of a list that pairs X with an industry («X (металлургия);»,
  «"Машиностроение" - X.»), or the only college of a text about clusters;
* network: «сетевыми …», «в кластер войдут / вошли …», «к нему присоединились …», «в проекте
  участвуют …», «при участии / совместно с …» (a college there), «Среди них — …» after such a
  sentence;
* employer: a name after «партнёрами выступят / стали», «работодателем …», «совместно с …»,
  «при участии …», «опорными предприятиями …», «якорный работодатель …», «соглашение …
  между …», a company noun in the instrumental before a link verb («Предприятиями, которые …,
  стали …», «Ключевыми заказчиками кадров выступят …») — a legal form, a quoted name, an abbreviation, a name around «завод», «комбинат»…,
  or an organisation natasha's NER finds there; placeholders («16 предприятий») are figures.

A network college or employer belongs to the cluster whose base its sentence names, else to the
nearest base named before it (or after it in the same paragraph), else to the only cluster.
"""

from __future__ import annotations

import re

from extraction import language as lang
from extraction.language import Doc
from extraction.places import Hit
from extraction.proposals import ClusterProposal, Org

_BASE_BEFORE = re.compile(
    r"на\s+базе|базов\w+\s+(?:площадк|организаци|образовательн|профессиональн|учреждени|колледж)\w*"
    r"|\bбаз(?:ой|а|ами)\s+(?:\S+\s+){0,5}?(?:стан|стал|будет|будут|явля)\w*"
    r"|в\s+качестве\s+(?:базы|базов\w+\s+\w+|площадки)"
    # «кластер, ядром которого будет Красноярский институт …», «базой которого стал …»
    r"|(?:ядром|базой|основой)\s+котор\w+\s+(?:будет|стал\w*|станет|является)"
    # «в том числе грантополучатели проекта - Шуйский многопрофильный колледж»
    r"|(?:победител|получател|грантополучател)\w*[^.;]{0,40}?\s[-–—:]\s*$"
    r"|ядр(?:ом|о)\s+(?:нового\s+)?кластер\w*|флагманск\w+|базир\w+\s+(?:в|на)"
    r"|(?:оператор|координатор)\w*\s+(?:нового\s+)?(?:кластер|центр|проект)\w*"
    r"|площадк\w+\s+(?:для\s+)?(?:\w+\s+)?кластер\w*|главн\w+\s+площадк\w+"
    # «Победителями отбора стали X и Y», «Грант получили X и Y»: the winners are the bases
    r"|(?:победител|получател)\w*\s+(?:[а-яё]+\s+){0,4}?(?:стал\w*|станут|являются)"
    r"|\bгрант\w*[^.;]{0,80}?\s(?:получ|выигра)\w+"
    # «Ещё 60,5 млн рублей получит X», «По 100 млн рублей получат X и Y»
    r"|(?:рубл\w*|руб\.?)\s+(?:[а-яё]+\s+){0,2}?получ\w+\s+$"
    # «…, 60,5 млн рублей — Курский базовый медицинский колледж»: a sum given to a name
    r"|(?:млн|млрд|миллион\w*|миллиард\w*)\.?\s+(?:рублей|руб\.?)\s*[—–]\s*$",
    re.I,
)
# «Аграрный кластер сформируют Пермский агропромышленный техникум и …»: the cluster's makers
_CLUSTER_MADE_BY = re.compile(
    r"(?:кластер|центр|ОПЦ)\w*\s+(?:[а-яё]+\s+){0,2}?(?:сформиру|формиру|образу)\w+\s+$", re.I
)
# «пять кластеров: «Металлургия» в Липецком металлургическом колледже, «Здравоохранение» в …»:
# a cluster's quoted name, then the college it works in.
_NAMED_CLUSTER_IN = re.compile(r"[»\"]\s*(?:[—–-]\s*)?(?:в|во|при)\s+$")
# «кластер … в X», «центр «…» при X»: the cue must end right before the name.
_BASE_BEFORE_ADJACENT = re.compile(r"(?:кластер|центр|ОПЦ)\w*[^.;:]{0,80}?\s(?:в|во|при)\s+$", re.I)
_BASE_AFTER = re.compile(
    r"^[\s,–—-]*(?:[«(][^»)]{1,40}[»)]\s*)?(?:котор\w+\s+)?(?:является|стал\w*|станет|будет|–|—)?"
    r"\s*(?:базов|базой|основой|ядром|площадкой|оператором\s+(?:кластер|центр)|координатором\s+"
    r"(?:кластер|центр))"
    # «Курганский технологический колледж (базовая организация), …»
    r"|^\s*\(\s*(?:базов|ядро\b|основн\w+\s+организаци)"
    # «в X появится кластер атомной отрасли», «в X открылся кластер по педагогике»
    r"|^\s*(?:[«(][^»)]{1,40}[»)]\s*)?(?:появит\w+|появил\w+|откро\w+|открыл\w*|начал\w*\s+работу"
    r"|заработа\w+|будет\s+создан\w*|создан\w*|работает|действует)\s+(?:\w+\s+){0,2}"
    r"(?:кластер|центр|ОПЦ)"
    # «… Киселевского горного техникума, где запускается кластер «Профгоризонты»»
    r"|^\s*(?:\([^()]{1,40}\)\s*)?,\s*(?:где|в\s+котор\w+|на\s+базе\s+котор\w+)\s+"
    r"(?:(?:[а-яё-]+\s+){0,2}?(?:появит|появил|откро|открыл|открыва|запуска|запуст|запущ|созда|начн"
    r"|начал|заработа|работает|работают|действует|действуют|будет\s+(?:создан|работать|действовать))"
    r"\w*\s+(?:[а-яё-]+\s+){0,2}?(?:кластер|центр|ОПЦ)"
    r"|(?:[а-яё-]+\s+){0,2}?(?:кластер|центр|ОПЦ)\w*\s+(?:[а-яё]+\s+){0,1}?(?:планиру|будет|появит"
    r"|откро|открыл|созда|заработа|начн|начал|работает|действует))"
    # «…, в X — по отрасли машиностроения»: the same construction with the verb left out
    r"|^\s*[—–-]\s*по\s+(?:отрасли|направлению)",
    re.I,
)
# «X получит грант …», «X стал победителем конкурса»: the college is what the money or the
# win is for (its sentence talks of clusters or grants, checked by the caller).
_WINNER_AFTER = re.compile(
    r"^[^.;]{0,60}?(?:получ\w+|выигра\w+|стал\w*\s+(?:(?:одним|одной)\s+из\s+)?(?:победител"
    r"|участник)|одержал\w*\s+побед|победил\w*"
    r"|признан\w*\s+(?:одним\s+из\s+)?победител|прош[её]л\w*\s+(?:конкурсн\w+\s+)?отбор"
    r"|вош(?:ел|ёл|ли|ла)\s+в\s+число\s+победител|[–—]\s+\d)",
    re.I,
)
_NETWORK_CUE = re.compile(
    r"сетев\w*|войд\w+|вошл\w+|вош[её]л|входят|присоедин\w+|участву\w+|участник\w*|подключ\w+"
    r"|в\s+состав\w*|объедин\w+|подпис\w+|также\s+(?:в\s+)?(?:кластер|проект)\w*"
    r"|(?:прим|приня|принима|прин)\w*\s+участие"
    # «Кластер создали при участии завода …, а также Северного колледжа»: a college that takes
    # part in making a cluster is in it
    r"|при\s+участии|с\s+участием",
    re.I,
)
# «на базе A совместно с B техникумом и заводом …»: a college named as a partner of the making
# is in the cluster too (a cue for network colleges only: these words lead employers as well).
_PARTICIPATION = re.compile(r"совместно\s+с|вместе\s+с|в\s+партн[её]рстве\s+с", re.I)
_MEMBERSHIP = re.compile(
    r"кластер|центр|проект|ОПЦ|сетев|к\s+нему|в\s+него|к\s+ним|консорциум|соглашени|подписан"
    r"|документ|\bв\s+(?:его|их)\s+(?:состав|создани)|комплекс",
    re.I,
)
_FOLLOW_ON = re.compile(r"^\s*(?:Среди\s+них|В\s+их\s+числе|Это\b|Ими\s+стали|ИМИ\s+стали)", re.I)
_CLUSTER_TALK = re.compile(
    r"кластер|профессионалитет|грант|конкурсн\w+\s+отбор|образовательно-производствен"
    r"|\bцентр\w*|\bОПЦ\b",
    re.I,
)
_EMPLOYER_CUE = re.compile(
    r"партн[её]р\w*|работодател\w*|совместно\s+с|при\s+участии|якорн\w+|опорн\w+"
    r"|ключев\w+\s+предприяти\w+|поддержал\w*|поддержива\w+|при\s+поддержке"
    r"|реальными\s+производствами"
    r"|заключено\s+между|подписан\w*|соглашени\w+|вместе\s+с"
    r"|во\s+взаимодействии\s+с|в\s+партн[её]рстве\s+с"
    # «с участием АО «КБП»», «Базовым предприятием выступает …»
    r"|с\s+участием|базов\w+\s+предприяти\w+"
    # «… компания выступила базовым …», «кадры в интересах ПАО «КАМАЗ»», «инвестиции АО «…»»
    r"|выступ\w+\s+(?:базов|опорн|ключев|якорн|стратегическ|индустриальн|генеральн)\w*"
    r"|в\s+интересах|инвестици\w*\s+(?=(?:[А-ЯЁ]{2,5}\s+)?[«\"])"
    # «будет готовить кадры для предприятий «…», «…» и …», «под запрос компаний …»
    r"|(?:для|под\s+(?:запрос\w*|нужды))\s+(?:[а-яё]+\s+){0,2}?(?:предприяти|компани|завод|холдинг)\w*"
    r"\s+(?=[«\"А-ЯЁ])"
    # «будет готовить колледж … на базе АО «Механический завод»»: a company is no base college
    r"|на\s+базе\s+(?=(?:ПАО|АО|ООО|ОАО|ЗАО)\s)",
    re.I,
)
# «В разработке программ примут участие донские предприятия: …» right after the base's
# sentence: the companies taking part are the cluster's.
_COMPANIES = re.compile(r"предприят|компани|работодател|завод|холдинг|корпораци", re.I)
# A company named with its quoted name or legal form, then the verb of its payment.
_PAYER = re.compile(
    # («Также угольная компания «…» направила …»: an adverb and an adjective may lead)
    r"^\s*(?:(?:[Тт]акже|[Кк]роме\s+того,?|[Аа]|[Ии])\s+)?"
    r"((?:[А-ЯЁа-яё][а-яё]+\s+)?(?:(?:компани\w*|[А-ЯЁ]{2,4})\s*)?[«\"][^»\"]{2,40}[»\"]"
    r"|[А-ЯЁ]{3,8})"
    # («…»направила: a missing space after the quote is a typo, not another construction)
    r"\s*(?:выдел|направ|влож|инвестир|профинансир|перечисл)\w*",
)
_COMPANIES_LEAD = re.compile(
    r"^\s*(?:[А-ЯЁа-яё]+\s+){0,1}(?:предприяти|компани|организаци)\w*(?:[\s-]+[а-яё]+){0,4}?"
    r"\s*[—–:-]\s*(?=[«\"А-ЯЁ])",
    re.I,
)
# A sum, then the verb of paying, then its payers: «13 млн рублей направят НИИПП, …»
_PAID_BY = re.compile(
    r"(?:рубл\w*|руб\.?)\s+(?:[а-яё]+\s+){0,2}?(?:выдел|направ|влож|инвестир|перечисл)\w*\s+(?=[«\"А-ЯЁ])"
)
# «Предприятиями, которые будут принимать участие в обучении, стали АО «…», …», «Ключевыми
# заказчиками кадров выступят …»: a company noun in the instrumental plural leads its clause,
# a link verb follows (past a relative or participial clause set off by commas), and the names
# after the verb are the companies. Read from the words' grammar, not from a list of phrases.
_COMPANY_NOUNS = {"предприятие", "компания", "организация", "заказчик", "инвестор", "производство"}
_LINK_VERBS = {"стать", "становиться", "выступить", "выступать", "являться"}


def _company_predicate_end(text: str) -> int | None:
    """Where the list of companies begins in a clause predicated of «предприятиями» (see above),
    or None."""
    found = list(re.finditer(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*", text))
    for k, m in enumerate(found[:4]):
        word = m.group()
        if not any(
            "NOUN" in p.tag
            and "ablt" in p.tag
            and "plur" in p.tag
            and p.normal_form in _COMPANY_NOUNS
            for p in lang.parses(word.lower().rpartition("-")[0] or word.lower())
        ):
            continue
        # only adjectives may stand before the noun: «Опорными предприятиями стали …»
        if any(not lang.any_reading(w.group(), "ADJF", "ablt") for w in found[:k]):
            return None
        rest = m.end()
        relative = re.match(
            r"\s*,\s*(?:котор|участвующ|готов|принимающ|заинтересованн)\w*", text[rest:]
        )
        if relative:
            comma = text.find(",", rest + relative.end())
            if comma == -1:
                return None
            rest = comma + 1
        # the link verb, perhaps after an auxiliary, an adverb or a particle («будут выступать»,
        # «также стали»)
        position = rest
        for _ in range(4):
            verb = re.match(r"\s*([а-яё]+)", text[position:])
            if verb is None:
                break
            readings = lang.parses(verb.group(1))
            if any(
                ("VERB" in p.tag or "INFN" in p.tag) and p.normal_form in _LINK_VERBS
                for p in readings
            ):
                return position + verb.end()
            if not any(
                "ADVB" in p.tag
                or "PRCL" in p.tag
                or p.normal_form == "быть"
                # a genitive dependent of the noun: «заказчиками кадров», «предприятиями региона»
                or (("NOUN" in p.tag or "ADJF" in p.tag) and "gent" in p.tag)
                for p in readings
            ) or any("VERB" in p.tag for p in readings):
                if not any(p.normal_form == "быть" for p in readings):
                    break
            position += verb.end()
        return None
    return None


_LIST_MARK = re.compile(r"^\s*(?:[-–—•▪*]|\d+[.)])\s*")
_NOT_EMPLOYER_QUOTE_BEFORE = re.compile(
    r"(?:кластер|направлени|отрасл|проект|программ|центр|конкурс|колледж|техникум|лице|училищ"
    r"|академи|университет|институт|модел|канал|издани|газет|форум|чемпионат|движени|фонд"
    r"|филиал|группы|группе)\w*[)\s-]*(?:по\s+\w+\s+)?$",
    re.I,
)
_ABBREVIATION = re.compile(r"(?<![\wА-Яа-яЁё])[А-ЯЁ][А-ЯЁа-яё]?[А-ЯЁ]{1,6}(?![\wА-Яа-яЁё])")
_NOT_EMPLOYERS = {
    "СПО", "ОПЦ", "РФ", "ИТ", "БПЛА", "ДНР", "ЛНР", "РИА", "ТАСС", "ССУЗ", "ССУЗов", "АО", "ПАО",
    "ООО", "ОАО", "ЗАО", "НАО", "ГК", "ЧЭТК", "ВУЗ", "ИРПО", "ФП", "НИУ", "СМИ", "ЕГЭ", "ОГЭ",
    "ВСМПО", "ИНТЕРФАКС", "США", "ФКП", "ФГУП", "ГУП", "МУП", "НПО", "НПП", "ФГБУ", "АНО", "ЦФО", "СЗФО", "ЮФО", "СКФО", "ПФО", "УФО", "СФО", "ДФО",
}  # fmt: skip
_NOT_ORG_WORDS = re.compile(
    r"^(?:мин[а-я]*|министерств|правительств|администраци|губернатор|департамент|профессионалитет"
    r"|госдум|совет\s+министров|пресс-служб|агентств"
    r"|центр\w*\s+(?:профессиональн|компетенц|подготовк|опережающ|развити)"
    r"|дум[аыеу]\b|собрани|обществ\w*\s+палат|совет\s+директор"
    # a person's title («при участии Первого заместителя министра …») is nobody's company
    r"|(?:перв\w+\s+)?(?:заместител|председател|вице-|руководител|полномочн|уполномоченн|директор))",
    re.I,
)


_SPELLED_FORM = re.compile(
    r"(?:(?:государственн|бюджетн|автономн|казенн|казённ|профессиональн|образовательн|краев"
    r"|областн|республиканск|муниципальн|частн|негосударственн|федеральн|окружн)\w*\s+)+"
    r"(?:учреждени|организаци)\w*|(?<![А-ЯЁа-яё])[А-ЯЁ]{2,7}(?:\s+[А-ЯЁ]{2,3})?(?=\s*$)",
)


def _cue_before(doc: Doc, start: int) -> bool:
    sentence = doc.sentences[doc.sentence_of(start)]
    line_start = doc.line_of(start)[0]
    begin = max(sentence.start, line_start)
    before = doc.text[begin:start]
    cue = None
    for m in _BASE_BEFORE.finditer(before):
        cue = m
    if (
        cue is not None
        and before.rfind("(", 0, cue.start()) > before.rfind(")", 0, cue.start())
        and ")" in before[cue.end() :]
    ):
        # «X (базовая организация), Y и Z»: a cue in brackets closed before this name is the
        # name's before it («(с базовой организацией Павловский техникум)» is this one's).
        return False
    if cue is not None:
        # «на базе государственного бюджетного профессионального образовательного учреждения
        # «…»», «на базе ГБПОУ ИО «…»»: a legal form between the cue and the name is the name's
        rest = _SPELLED_FORM.sub(" ", before[cue.end() :])
        # («Его базовая организация — X, а кроме него в состав входят Y, Z»: Y and Z are members)
        if re.search(r"сетев|войд|вошл|входя|входит|в\s+состав|присоедин|участву", rest, re.I):
            return False
        if not cue.group().lower().startswith("на") or rest.strip(" \n").count(" ") <= 1:
            return True
        # «на базе двух колледжей — X и Y», «на базе трёх техникумов: X, Y и Z»
        if re.fullmatch(
            r"\s*(?:[а-яё]+\s+){0,3}?(?:колледж|техникум|организаци|учреждени)\w*\s*[—–:-]\s*",
            rest,
            re.I,
        ):
            return True
    if re.search(r"сетев|войд|вошл|присоедин|участву", before, re.I):
        return False
    if re.search(r"баз(?:ой|а|е)\s+(?:в|во|при)\s+$", before, re.I):
        return True  # «с базой в Перевозском строительном колледже»
    if _BASE_BEFORE_ADJACENT.search(before) and re.search(r"кластер|центр|ОПЦ", before, re.I):
        return True
    if _CLUSTER_MADE_BY.search(before):
        return True
    if _NAMED_CLUSTER_IN.search(before) and re.search(r"кластер|центр|ОПЦ", sentence.text, re.I):
        return True
    index = doc.sentence_of(start)
    # «Победителями конкурса стали два колледжа. Ими стали X … и Y»: the winners named after
    if (
        index > 0
        and _FOLLOW_ON.match(sentence.text)
        and _WINNERS_TOLD.search(doc.sentences[index - 1].text)
        and not _NETWORK_CUE.search(before)
    ):
        return True
    # «Два кластера открылись в Перми. Они начали работу в X и Y.»
    return bool(
        index > 0
        and re.match(
            r"\s*(?:Он[иао]?|Кластер\w*|Центр\w*|Перв\w+|Втор\w+|Трет\w+|Нов\w+|Ещ[её]\s+один)\b"
            r"[^.;]{0,50}\s(?:в|во|при)\s+$",
            before,
        )
        and re.search(r"кластер|центр|ОПЦ", doc.sentences[index - 1].text, re.I)
    )


# «Машиностроительный кластер будет сформирован в партнерстве с АО «…» и Пермским техникумом
# …»: a sentence whose subject is a cluster being made; its only college is the base.
_CLUSTER_SUBJECT = re.compile(
    r"^\s*(?:[А-ЯЁа-яё-]+\s+){0,2}?(?:кластер|центр|ОПЦ)(?:\s+[«\"][^»\"]{1,40}[»\"])?\s+"
    r"(?:[а-яё]+\s+){0,2}?(?:сформир|созда|образова|организова|формир)\w*",
    re.I,
)
# «В число участников проекта вошли X, Y …», «Участниками программы стали X и Y»: a college
# takes part in the project by being a cluster's base (a cluster's members are its network).
_PROJECT_MEMBER = re.compile(
    r"участник\w*\s+(?:[а-яё]+\s+){0,2}?(?:проект|программ)\w*(?:\s+[«\"][^»\"]{1,40}[»\"])?"
    r"\s*(?:вошл\w*|вош[её]л\w*|стал\w*|станут|являются|будут)?\s*[—–:-]?\s*$"
    r"|(?:проект|программ)\w*(?:\s+[«\"][^»\"]{1,40}[»\"])?\s+(?:вошл\w*|вош[её]л\w*|войд\w+)\s*$",
    re.I,
)


_WINNERS_TOLD = re.compile(
    r"(?:победител|получател|грантополучател)\w*\s+(?:[а-яё]+\s+){0,4}?(?:стал\w*|станут|являются"
    r"|признан\w*)|(?:стал\w*|станут|признан\w*)\s+(?:[а-яё]+\s+){0,2}?победител",
    re.I,
)


def _clause_before(doc: Doc, start: int) -> str:
    """The words of `start`'s clause before it (from the last comma, colon or sentence start)."""
    sentence = doc.sentences[doc.sentence_of(start)]
    before = doc.text[sentence.start : start]
    cut = max(before.rfind(","), before.rfind(":"), before.rfind(";"))
    return before[cut + 1 :]


def _list_item(doc: Doc, start: int) -> tuple[int, int] | None:
    """The line holding `start` when it is an item of a list (a marker, or a block of lines
    under a line that ends with a colon)."""
    line_start, line_end = doc.line_of(start)
    line = doc.text[line_start:line_end]
    if _LIST_MARK.match(line):
        return line_start, line_end
    previous_end = line_start - 1
    while previous_end > 0:
        previous_start = doc.text.rfind("\n", 0, previous_end) + 1
        previous = doc.text[previous_start:previous_end].strip()
        if previous.endswith(":"):
            return line_start, line_end
        if not previous or len(previous) > 160 or not previous.endswith((";", ".", ",")):
            return None
        previous_end = previous_start - 1
    return None


_HEADER_CUE = re.compile(
    r"(?:победител|получател|базов|на\s+базе|участник)\w*[^.;\n]{0,60}:\s*$", re.I
)


def _header_cue(doc: Doc, start: int, item: tuple[int, int] | None) -> bool:
    """A line of a list under a header that names its items bases or winners
    («Победителями отбора стали:», «Кластеры откроются на базе:»)."""
    if item is None:
        return False
    position = item[0] - 1
    while position > 0:
        header_start = doc.text.rfind("\n", 0, position) + 1
        header = doc.text[header_start:position].strip()
        if header.endswith(":"):
            return bool(_HEADER_CUE.search(header)) and not _NETWORK_CUE.search(header)
        if not header:
            return False
        position = header_start - 1
    return False


def _listed_before(
    text: str, colleges: list[Org], college: Org, start: int
) -> set[tuple[int, int]]:
    """Mentions of other colleges listed right before `start` («A, B и C»): A's and B's."""
    spans = sorted(span for other in colleges if other is not college for span in other.mentions)
    fellows: set[tuple[int, int]] = set()
    edge = start
    for s, e in reversed(spans):
        # («… техникум Орска и …»: a city in the genitive may stand between)
        if e <= edge and re.fullmatch(r"(?:\s+[А-ЯЁ][а-яё-]+)?\s*(?:,|и)\s*", text[e:edge]):
            fellows.add((s, e))
            edge = s
    return fellows


def find_bases(
    doc: Doc,
    colleges: list[Org],
    industry_hits: list[Hit],
    cluster_talk: bool,
    joined: list[tuple[Org, Org]] | None = None,
) -> list[tuple[Org, int]]:
    """(college, position of the mention that makes it a base), in reading order. `joined`
    receives (base, college) for the colleges named with a base after its cue in a sentence
    about one cluster (its network)."""
    if joined is None:
        joined = []
    text = doc.text
    bases: list[tuple[Org, int]] = []
    cue_mentions: list[tuple[Org, int, int]] = []
    # Bases made so by the words after them («X откроет кластер», «X получит грант»): names
    # coordinated right before such a name share its role («В A и B колледжах откроются …»).
    subjects: list[int] = []
    for college in colleges:
        for start, end in sorted(college.mentions):
            after = text[end : min(doc.line_of(start)[1], end + 80)]
            item = _list_item(doc, start) if cluster_talk else None
            paired = item is not None and any(item[0] <= h.start < item[1] for h in industry_hits)
            sentence = doc.sentences[doc.sentence_of(start)]
            # (Names listed right before this one — «A, B и C получили …» — are its fellow
            # subjects, not others it is said of.)
            fellows = _listed_before(text, colleges, college, start)
            others_before = any(
                sentence.start <= s < start and (s, e) not in fellows
                for other in colleges
                if other is not college
                for s, e in other.mentions
            )
            winner = (
                cluster_talk
                and not others_before
                and _WINNER_AFTER.match(after)
                and not _NETWORK_CUE.search(text[sentence.start : start])
            )
            cued_before = cluster_talk and (
                _cue_before(doc, start)
                or _header_cue(doc, start, item)
                or bool(_PROJECT_MEMBER.search(text[sentence.start : start]))
            )
            made = (
                cluster_talk
                and _CLUSTER_SUBJECT.match(sentence.text)
                and not any(
                    sentence.start <= s < sentence.end
                    for other in colleges
                    if other is not college
                    for s, _e in other.mentions
                )
                and not _NETWORK_CUE.search(text[sentence.start : start])
            )
            cued = cued_before or made or (cluster_talk and _BASE_AFTER.match(after))
            if cued or paired or winner:
                bases.append((college, start))
                cue_mentions.append((college, start, end))
                if not cued_before and not paired:
                    subjects.append(start)
                break
    if not bases and cluster_talk:
        for college in colleges:
            for start, _end in college.mentions:
                if re.search(r"на\s+площадке\s+$", text[max(0, start - 20) : start].lower()):
                    bases.append((college, start))
                    break
            if bases:
                break
        # The only college no network cue names, in a text about a cluster: its base.
        candidates = [
            college
            for college in colleges
            if not any(_NETWORK_CUE.search(_clause_before(doc, s)) for s, _e in college.mentions)
        ]
        if not bases and len(candidates) == 1:
            bases.append((candidates[0], candidates[0].start))
    # «на базе A и B», «на базе A, B и C»: colleges listed right after a base's cue share it
    # («… и в B», «… и на базе B» too) — unless the sentence speaks of one cluster only
    # («кластер создан на базе A, B и C»): then A is its base and B, C its network.
    changed = True
    while changed:
        changed = False
        cues = [(college, end) for college, _start, end in cue_mentions]
        # (only a base named right after «на базе» leads the names listed after it)
        leads = {
            id(college)
            for college, start, _end in cue_mentions
            if re.search(r"на\s+базе\s+$", text[max(0, start - 30) : start], re.I)
        }
        for college in colleges:
            if any(college is b for b, _ in bases) or any(college is m for _b, m in joined):
                continue
            for start, end in college.mentions:
                leader = next(
                    (
                        owner
                        for owner, e in cues
                        if e <= start
                        and re.fullmatch(
                            # (an aside in brackets may stand between: «A (опорный работодатель
                            # - концерн «…»), B (ключевые предприятия - …) и C»)
                            r"\s*(?:\((?![^()]*баз)[^()]{1,120}\))?\s*(?:,|и|,?\s*а\s+также)"
                            r"\s*(?:(?:в|во|на\s+базе)\s+)?",
                            text[e:start],
                        )
                    ),
                    None,
                )
                if leader is None and not any(
                    re.fullmatch(r"\s*(?:\([^()]{1,40}\)\s*)?(?:,|и)\s*", text[end:s])
                    for s in subjects
                    if end <= s
                ):
                    continue
                if leader is not None and id(leader) in leads and _one_cluster(doc, start):
                    root = next((b for b, m in joined if m is leader), leader)
                    joined.append((root, college))
                    cues.append((college, end))
                    leads.add(id(college))
                    changed = True
                    break
                bases.append((college, start))
                cue_mentions.append((college, start, end))
                changed = True
                break
    return sorted(bases, key=lambda b: b[1])


_ONE_CLUSTER = re.compile(r"(?:кластер|центр|ОПЦ)(?:а|е|ом|у)?\b", re.I)
_SEVERAL_CLUSTERS = re.compile(
    r"(?:кластер|центр|ОПЦ)(?:ы|ов|ам|ами|ах)\b|\b(?:дв(?:а|ух|ум)|тр(?:и|[её]х|[её]м)|четыр\w*"
    r"|пят\w*|шест\w*|нескольк\w*|кажд\w*|сво\w+)\b|направлени|отрасл\w+\s*:",
    re.I,
)


def _one_cluster(doc: Doc, start: int) -> bool:
    """The sentence holding `start` speaks of one cluster (singular, no count, no list of
    clusters or trades)."""
    sentence = doc.sentences[doc.sentence_of(start)].text
    return bool(_ONE_CLUSTER.search(sentence)) and not _SEVERAL_CLUSTERS.search(sentence)


def _town_base(sentence: str, clusters: list[ClusterProposal]) -> ClusterProposal | None:
    """The one cluster whose base is called after a town the sentence names in the locative
    («в Мончегорске» — «Мончегорский …», «в Сатке» — «Саткинский …»)."""
    towns = re.findall(r"(?<![А-Яа-яЁё])[Вв]о?\s+([А-ЯЁ][а-яё]{3,})(?:е|и)\b", sentence)
    found = []
    for cluster in clusters:
        first = cluster.base_college.name.split()[0].lower() if cluster.base_college.name else ""
        stem = re.sub(r"(?:ин)?(?:ск|цк)(?:ий|ой|ая|ое)$", "", first)
        if len(stem) >= 4 and first != stem and any(t.lower().startswith(stem) for t in towns):
            found.append(cluster)
    return found[0] if len(found) == 1 else None


def _owner(doc: Doc, position: int, clusters: list[ClusterProposal]) -> ClusterProposal | None:
    """The cluster a member named at `position` belongs to (see the module's docstring)."""
    if len(clusters) == 1:
        return clusters[0]
    si = doc.sentence_of(position)
    sentence = doc.sentences[si]
    # «В Мончегорске будет создан центр … при участии АО …»: the town names the base called
    # after it («Мончегорский политехнический колледж»), when no base is named in the sentence.
    town = _town_base(sentence.text, clusters)
    if town is not None and not any(
        sentence.start <= p < sentence.end for c in clusters for p, _e in c.base_college.mentions
    ):
        return town
    here = [
        (p, c)
        for c in clusters
        for p, _e in c.base_college.mentions
        if sentence.start <= p < sentence.end
    ]
    before = [(p, c) for p, c in here if p < position]
    if before:
        return max(before, key=lambda pc: pc[0])[1]
    if len({id(c) for _p, c in here}) == 1:
        return here[0][1]
    earlier = [
        (p, c)
        for c in clusters
        for p, _e in c.base_college.mentions
        if p < position and doc.sentence_of(p) >= si - 3
    ]
    if earlier:
        return max(earlier, key=lambda pc: pc[0])[1]
    paragraph = sentence.paragraph
    later = [
        (p, c)
        for c in clusters
        for p, _e in c.base_college.mentions
        if p > position and doc.sentences[doc.sentence_of(p)].paragraph <= paragraph + 1
    ]
    if later:
        return min(later, key=lambda pc: pc[0])[1]
    return None


def assign_network(
    doc: Doc, colleges: list[Org], clusters: list[ClusterProposal], reference
) -> None:
    """Put each non-base college that a network cue names into its cluster."""
    from extraction.places import find_industries

    text = doc.text
    bases = {id(c.base_college) for c in clusters}
    for college in colleges:
        if id(college) in bases:
            continue
        for start, end in sorted(college.mentions):
            si = doc.sentence_of(start)
            sentence = doc.sentences[si]
            cue = _NETWORK_CUE.search(text[sentence.start : start]) or _PARTICIPATION.search(
                text[sentence.start : start]
            )
            context = sentence.text
            if cue is None and si > 0 and _FOLLOW_ON.match(sentence.text):
                cue = _NETWORK_CUE.search(doc.sentences[si - 1].text)
                context = doc.sentences[si - 1].text
            # «участники заседания изучили опыт … с Егорьевским техникумом»: a cue counts in a
            # sentence about a cluster («в кластер войдут», «к нему присоединились», «сетевые»).
            # («Его базовая организация — X, а кроме него в состав входят Y, Z»: the members of
            # the base named in the same sentence)
            with_base = re.search(r"\bв\s+состав", context, re.I) and any(
                sentence.start <= p < start for c in clusters for p, _e in c.base_college.mentions
            )
            if cue is None or not (_MEMBERSHIP.search(context) or with_base):
                continue
            target = None
            tag = re.match(r"[\s»\"]*\(([^)]{2,40})\)", text[end : end + 45])
            if tag:
                tag_hits = find_industries(tag.group(1), reference, [])
                if tag_hits:
                    target = next((c for c in clusters if c.industry == tag_hits[0].value), None)
            target = target or _owner(doc, start, clusters)
            if target is not None and college not in target.network_colleges:
                target.network_colleges.append(college)
            break


_EVENT = re.compile(
    r"мероприяти|сесси|форум|чемпионат|конференци|выставк|заседани|совещани|встреч", re.I
)
_ABOUT_CLUSTER = re.compile(
    r"кластер|центр|ОПЦ|проект|колледж|техникум|площадк|конкурс|профессионалитет", re.I
)


def _segments(doc: Doc, clusters: list[ClusterProposal]) -> list[tuple[int, int]]:
    """Stretches of text that list a cluster's employers: from an employer cue to the end of its
    sentence (or, when the cue ends the sentence — «…, АО «Y» — партнёры кластера» — the words
    before it), in sentences that speak of a cluster or follow one that names a base."""
    spans = []
    base_sentences = {doc.sentence_of(p) for c in clusters for p, _e in c.base_college.mentions}
    for index, sentence in enumerate(doc.sentences):
        cues = list(_EMPLOYER_CUE.finditer(sentence.text))
        membership = _NETWORK_CUE.search(sentence.text)
        near_base = index in base_sentences or (
            index - 1 in base_sentences and doc.sentences[index - 1].paragraph == sentence.paragraph
        )
        if (
            not cues
            and membership
            and (
                _MEMBERSHIP.search(sentence.text)
                or (near_base and _COMPANIES.search(sentence.text))
            )
        ):
            # «В его состав также вошли Шадринский автоагрегатный завод, «Дельта Технология» и
            # Катайский техникум»: a cluster's members include its companies.
            spans.append((sentence.start + membership.start(), sentence.end))
            continue
        payer = _PAYER.search(sentence.text)
        if payer and (near_base or _ABOUT_CLUSTER.search(sentence.text)):
            # «Компания «Акрон» выделит 15 млн рублей техникуму»: the company pays the college
            spans.append((sentence.start, sentence.start + payer.end(1)))
        if not cues:
            # «(они стали партнёрами проекта). Среди них — ФКП «…», АО «…»»; «В проекте участвуют
            # ведущие предприятия. Это «…», «…»»
            previous = doc.sentences[index - 1].text if index else ""
            if _FOLLOW_ON.match(sentence.text) and (
                _EMPLOYER_CUE.search(previous)
                or (_COMPANIES.search(previous) and _NETWORK_CUE.search(previous))
            ):
                spans.append((sentence.start, sentence.end))
            # «Предприятия реального сектора экономики – «…», «…»»: companies, then their list
            led = _COMPANIES_LEAD.match(sentence.text)
            if led and (near_base or _ABOUT_CLUSTER.search(doc.text)):
                spans.append((sentence.start + led.end(), sentence.end))
            # «Предприятиями, которые …, стали АО «…» и Кимовский завод»
            predicate = _company_predicate_end(sentence.text)
            if predicate is not None and (near_base or _ABOUT_CLUSTER.search(doc.text)):
                spans.append((sentence.start + predicate, sentence.end))
            # «… 13 млн рублей направят НИИПП, Томская электронная компания и «Стальтом»»
            paid = _PAID_BY.search(sentence.text)
            if paid and (near_base or _ABOUT_CLUSTER.search(doc.text)):
                spans.append((sentence.start + paid.end(), sentence.end))
            continue
        # «В мероприятии принимают участие … ГК «Росатом» … и других предприятий-партнёров»:
        # the guests of an event are nobody's partners.
        if (
            not near_base
            and not _ABOUT_CLUSTER.search(sentence.text)
            and _EVENT.search(sentence.text)
        ):
            continue
        first = cues[0]
        spans.append((sentence.start + first.start(), sentence.end))
        if sentence.text.rstrip().endswith(":"):
            # «Партнерами выступают:» and a list under it, one item a line
            previous = sentence.text
            for item in doc.sentences[index + 1 :]:
                if not (_LIST_MARK.match(item.text) or previous.rstrip().endswith((":", ";", ","))):
                    break
                spans.append((item.start, item.end))
                previous = item.text
        became = re.search(
            r"стал\w*\s+(?:одним\s+из\s+|одной\s+из\s+)?$", sentence.text[: first.start()], re.I
        )
        if first.start() > 0 and (len(sentence.text) - cues[-1].end() < 40 or became):
            # «…, АО «Y» — партнёры кластера», «"Тольяттикаучук" стал одним из партнёров»
            spans.append((sentence.start, sentence.start + first.start()))
    return spans


def _employer_name(text: str, start: int, end: int) -> str:
    """A found name put into the nominative where it starts with adjectives and a noun."""
    raw = text[start:end]
    parts = raw.split()
    head = next(
        (
            k
            for k, w in enumerate(parts)
            if w[0].isalpha() and lang.any_reading(w, "NOUN") and not lang.has_tag(w, "ADJF")
        ),
        None,
    )
    if head is None or any(not lang.any_reading(w, "ADJF") for w in parts[:head]):
        return raw
    if parts[head].isupper() or re.search(r"[а-яёa-z][А-ЯЁA-Z]", parts[head]):
        return raw  # «РУСАЛ», «КрасЖД»: an abbreviation is no word to inflect
    return " ".join(lang.to_nominative(parts[: head + 1], head) + parts[head + 1 :])


def _industry_name(name: str) -> bool:
    """«Машиностроение», «Мащиностроение», «Туризм и сфера услуг»: an industry, not a company."""
    from extraction.places import _near_industry
    from extraction.reference import INDUSTRY_STEMS

    if "«" in name:
        return False  # «Агрокомплекс «Иванисово»»: a company named with its own quoted name
    lowered = name.lower().replace("ё", "е")
    first = lowered.split()[0] if lowered.split() else ""
    return any(lowered.startswith(stem) for stems in INDUSTRY_STEMS.values() for stem in stems) or (
        len(first) >= 8 and _near_industry(first) is not None
    )


def morph_known(word: str) -> bool:
    """True when the dictionary knows `word` (a common word, a place, a surname)."""
    from common.moneywords import morph

    return morph().raw.word_is_known(word.lower())


def is_public_body(name: str) -> bool:
    """«Минпросвещения», «Правительство края», «Профессионалитет»: not an employer."""
    bare = name.strip('«»" ')
    return bool(_NOT_ORG_WORDS.match(bare)) or bare in _NOT_EMPLOYERS


def find_employers(
    doc: Doc,
    employers: list[Org],
    colleges: list[Org],
    clusters: list[ClusterProposal],
    entities: list[tuple[int, int, str]],
) -> list[Org]:
    """Every employer named in an employer-listing stretch, one Org each, in reading order."""
    text = doc.text
    segments = _segments(doc, clusters)
    if not segments:
        return []
    college_spans = [span for c in colleges for span in c.mentions]
    taken: list[tuple[int, int]] = []
    found: list[Org] = []

    def inside(start: int) -> bool:
        return any(s <= start < e for s, e in segments)

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in [*college_spans, *taken])

    def add(start: int, end: int, name: str, org: Org | None = None) -> None:
        name = re.sub(r"\s+", " ", name).strip(" ,.;:-–—")
        bare = name.strip('«»" ')
        if not bare or _NOT_ORG_WORDS.match(bare) or bare in _NOT_EMPLOYERS:
            return
        key = lang.normalise_name(name)
        same = next((o for o in found if o.key == key), None)
        if same is not None:
            same.mentions.append((start, end))
        else:
            made = org or Org("employer", name, start, end, text[start:end], key)
            if org is None:
                made.mentions.append((start, end))
            found.append(made)
        taken.append((start, end))

    for org in employers:
        for start, end in org.mentions:
            # A name inside a company's quoted name («ФКП «Пермский пороховой завод»») is
            # that name's part, read with its legal form below.
            # (A quoted speech listing companies is no name: «Среди подписантов — АО «…», …».)
            within_quote = any(qs < start and end < qe and qe - qs <= 80 for qs, qe in doc.quotes)
            if inside(start) and free(start, end) and not within_quote:
                add(start, end, org.name, org)
                break
    for qs, qe in doc.quotes:
        if not inside(qs) or not free(qs, qe):
            continue
        inner = text[qs + 1 : qe - 1].strip()
        if not inner or not inner[0].isupper() or len(inner) > 60:
            continue
        before = text[max(0, qs - 40) : qs]
        if _NOT_EMPLOYER_QUOTE_BEFORE.search(before) or _industry_name(inner):
            continue
        form = re.search(r"(?:^|\s)((?:[А-ЯЁ]{2,5}\s+)?(?:[А-ЯЁ]{2,5}|компани\w+))\s*$", before)
        start = qs - len(form.group(1)) - (len(before) - form.end(1)) if form else qs
        if form and form.group(1).lower().startswith("компани"):
            start = qs
        add(start, qe, text[start:qe])
    for start, end, label in entities:
        if label != "ORG" or not inside(start):
            continue
        # natasha may stop inside a quote («ПАО «Южуралзолото Группа Компаний»).
        opened = text.count("«", start, end) - text.count("»", start, end)
        if opened > 0:
            close = text.find("»", end)
            end = close + 1 if close != -1 and close - end < 40 else end
        if not free(start, end) or text[start:end].isupper() and len(text[start:end]) > 8:
            continue
        if any(qs <= start and end <= qe for qs, qe in doc.quotes):
            continue  # a quoted name is read whole, with its legal form, or not at all
        if lang.lemma(text[start:end].split()[-1]) == "филиал":
            continue  # «Кировский филиал АО «Апатит»»: the company is the one after it
        add(start, end, _employer_name(text, start, end))
    # «…, Михайловцемент, Серебрянским цементным заводом и Тяжпрессмаш»: a capitalised word
    # the dictionary does not know, standing alone as an item of the list, is a company's name.
    for m in re.finditer(
        r"(?:(?<=[,:;—–-])|(?<=\sи)|(?<=\sс))\s+([А-ЯЁ][а-яё]{4,})(?=\s*(?:[,;.]|\sи\s|$))", text
    ):
        start, end = m.span(1)
        if (
            inside(start)
            and free(start, end)
            # (or one the dictionary knows as an organisation's name: «Михайловцемент»)
            and (not morph_known(m.group(1)) or lang.any_reading(m.group(1), "Orgn"))
            and not lang.any_reading(m.group(1), "ADJF")  # «… Красногвардейского и Прудовского»
        ):
            add(start, end, m.group(1))
    for m in _ABBREVIATION.finditer(text):
        if not inside(m.start()) or not free(m.start(), m.end()) or m.group() in _NOT_EMPLOYERS:
            continue
        if any(m.group() in c.aliases for c in [*colleges, *employers]):
            continue  # «Новолипецкий металлургический комбинат (НЛМК)»: the name's own alias
        if any(qs < m.start() < qe for qs, qe in doc.quotes):
            continue  # a quoted name is read whole, with its legal form, or not at all
        end = m.end()
        # «ЕВРАЗ ЗСМК», «ЕВРАЗ НТМК»: a group's name and its plant's, one company
        joined = _ABBREVIATION.match(text, end + 1) if text[end : end + 1] == " " else None
        if joined and joined.group() not in _NOT_EMPLOYERS and free(joined.start(), joined.end()):
            end = joined.end()
        add(m.start(), end, text[m.start() : end])
    return sorted(found, key=lambda o: min(s for s, _e in o.mentions))


def assign_employers(doc: Doc, employers: list[Org], clusters: list[ClusterProposal]) -> list[Org]:
    """Put each employer into its cluster; return those the text names for its clusters
    together (no base near them): staff choose their cluster, nothing is guessed."""
    unassigned = []
    for employer in employers:
        start = min(s for s, _e in employer.mentions)
        target = _owner(doc, start, clusters)
        if target is None:
            if clusters:
                unassigned.append(employer)
        elif employer not in target.employers:
            target.employers.append(employer)
    return unassigned


def has_cluster_talk(text: str, kind_hits: list[Hit]) -> bool:
    return bool(kind_hits) or bool(_CLUSTER_TALK.search(text))
