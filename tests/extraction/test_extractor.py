"""The press-release extractor: the five seeds against facts written by hand, and texts of the
same genre written for these tests (other regions, wordings and orders) to check it reads the
language rather than the seeds' sentences."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from extraction.extractor import extract
from extraction.scoring import money_key, same_name, score

HERE = Path(__file__).resolve().parent
SEEDS = sorted((HERE / "seeds").glob("*.txt"))


def seed(name: str) -> str:
    return (HERE / "seeds" / f"{name}.txt").read_text(encoding="utf-8")


def expected(name: str) -> dict:
    return json.loads((HERE / "expected" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=[p.stem for p in SEEDS])
def seed_run(request):
    text = seed(request.param)
    return text, expected(request.param), extract(text)


def test_every_seed_money_fact_is_found_with_amount_qualifier_and_source(seed_run):
    _text, facts, extraction = seed_run
    found = [money_key(m) for m in extraction.as_api()["money"]]
    for fact in facts["money"]:
        assert money_key(fact) in found, fact
        found.remove(money_key(fact))


def test_no_seed_amount_is_invented(seed_run):
    _text, facts, extraction = seed_run
    stated = {int(m["amount"]) for m in facts["money"]}
    assert {int(m["amount"]) for m in extraction.as_api()["money"]} <= stated


def test_every_quote_is_an_exact_substring_at_its_span(seed_run):
    text, _facts, extraction = seed_run
    for item in [*extraction.money, *extraction.figures]:
        assert text[item.start : item.end] == item.quote
    answer = extraction.as_api()
    for item in [*answer["money"], *answer["figures"]]:
        assert item["quote"] in text


def test_seed_money_is_scoped_to_its_cluster_or_joint(seed_run):
    _text, facts, extraction = seed_run
    answer = extraction.as_api()["money"]
    for fact in facts["money"]:
        candidates = [m for m in answer if money_key(m) == money_key(fact)]
        if fact["scope"].startswith("joint: "):
            assert any(m["scope"].startswith("joint: ") for m in candidates), fact
        else:
            assert any(same_name(m["scope"], fact["scope"]) for m in candidates), fact


def test_seed_clusters_figures_and_organisations_match_the_hand_written_facts(seed_run):
    _text, facts, extraction = seed_run
    answer = extraction.as_api()
    scores = score(facts, answer)
    for kind, result in scores.items():
        assert result.found == result.expected == result.proposed, (kind, result)
    for want in facts["clusters"]:
        got = next(
            c for c in answer["clusters"] if same_name(c["base_college"], want["base_college"])
        )
        assert (got["region"], got["industry"], got["kind"], got["year"]) == (
            want["region"],
            want["industry"],
            want["kind"],
            want["year"],
        )


def test_smolensk_proposes_what_the_issue_names():
    extraction = extract(seed("004_c8ccfdd2582e0d5c"))
    (cluster,) = extraction.clusters
    assert cluster.base_college.name == "Смоленская академия профессионального образования"
    assert "СмолАПО" in cluster.base_college.aliases
    figures = {(f.kind, f.value, str(f.qualifier)) for f in extraction.figures}
    assert {("employers", 16, "exact"), ("students", 560, "at_least")} <= figures
    money = {(m.amount, str(m.qualifier), m.source, m.is_total) for m in extraction.money}
    assert money == {
        (Decimal(153_000_000), "approximately", "unknown", True),
        (Decimal(100_000_000), "exact", "federal", False),
        (Decimal(16_000_000), "exact", "regional", False),
    }
    total = next(m for m in extraction.money if m.is_total)
    assert total.quote == "почти 153 млн руб."


def test_altai_joint_money_is_one_line_for_both_clusters_not_split():
    extraction = extract(seed("001_8001ba0a9021a267"))
    joint = [m for m in extraction.money if m.is_joint]
    assert [(m.amount, m.source) for m in joint] == [
        (Decimal(200_000_000), "federal"),
        (Decimal(10_000_000), "regional"),
        (Decimal(22_000_000), "extrabudgetary"),
    ]
    assert all(len(m.clusters) == 2 for m in joint)


def test_irkutsk_grant_for_each_base_college_is_one_line_per_cluster():
    extraction = extract(seed("000_7f35a00beffbff5d"))
    assert [(m.amount, m.is_each, len(m.clusters)) for m in extraction.money] == [
        (Decimal(100_000_000), True, 1),
        (Decimal(100_000_000), True, 1),
    ]


# --- texts of the same genre, not from the seeds --------------------------------------------

KAZAN = """Новый кластер авиастроения открылся в Татарстане

В Республике Татарстан на базе Казанского авиационно-технического колледжа имени П.В. Дементьева открылся образовательно-производственный центр (кластер). Партнерами кластера выступили ПАО «Туполев» и АО «Казанский вертолетный завод».

Сетевыми организациями стали Казанский техникум информационных технологий и связи и Зеленодольский механический колледж.

На оснащение мастерских направлено свыше 180 млн рублей: 100 млн рублей – федеральный грант, около 50 млн рублей выделил бюджет республики, еще 30 млн рублей вложили предприятия-партнеры.

В кластере создано 12 мастерских, обучение проходят порядка 1 200 студентов."""


def test_a_kazan_text_gives_its_cluster_partners_money_and_figures():
    extraction = extract(KAZAN)
    (cluster,) = extraction.clusters
    assert cluster.base_college.name.startswith("Казанский авиационно-технический колледж")
    assert cluster.region == "Республика Татарстан (Татарстан)"
    assert cluster.kind == "production_center"
    assert [o.name for o in cluster.network_colleges] == [
        "Казанский техникум информационных технологий и связи",
        "Зеленодольский механический колледж",
    ]
    assert {o.name for o in cluster.employers} == {
        "ПАО «Туполев»",
        "АО «Казанский вертолетный завод»",
    }
    money = [(m.amount, str(m.qualifier), m.source, m.is_total) for m in extraction.money]
    assert money == [
        (Decimal(180_000_000), "at_least", "unknown", True),
        (Decimal(100_000_000), "exact", "federal", False),
        (Decimal(50_000_000), "approximately", "regional", False),
        (Decimal(30_000_000), "exact", "employer", False),
    ]
    figures = {(f.kind, f.value, str(f.qualifier)) for f in extraction.figures if f.cluster}
    assert figures == {("workshops", 12, "exact"), ("students", 1200, "approximately")}


NOVOSIBIRSK = """Правительство Новосибирской области подписало соглашение о создании кластера

Новосибирский колледж транспортных технологий имени Н.А. Лунина стал базовой площадкой нового кластера по подготовке кадров для железнодорожного транспорта. Грант из федерального бюджета составит 100 миллионов рублей, областной бюджет добавит 25 млн рублей, а ОАО «РЖД» — 40 млн рублей.

По словам министра образования Новосибирской области, в кластер вошли 3 колледжа и 8 предприятий."""


def test_a_novosibirsk_text_reads_sources_from_the_words_around_each_sum():
    extraction = extract(NOVOSIBIRSK)
    (cluster,) = extraction.clusters
    assert cluster.region == "Новосибирская область"
    assert cluster.industry == "railway-transport"
    assert cluster.year is None  # the text names no year: none is guessed
    assert [(m.amount, m.source) for m in extraction.money] == [
        (Decimal(100_000_000), "federal"),
        (Decimal(25_000_000), "regional"),
        (Decimal(40_000_000), "employer"),
    ]
    figures = {(f.kind, f.value) for f in extraction.figures if f.cluster}
    assert figures == {("colleges", 3), ("employers", 8)}


KURSK = """В Курской области создан образовательный кластер СПО на базе Курского педагогического колледжа для отрасли «Педагогика». Колледж получит до 50 млн рублей. Работодателями выступят школы региона."""


def test_an_upper_bound_with_no_source_stays_at_most_and_unknown():
    extraction = extract(KURSK)
    (cluster,) = extraction.clusters
    assert (cluster.region, cluster.kind, cluster.industry) == (
        "Курская область",
        "education_cluster",
        "pedagogy",
    )
    ((amount, qualifier, source),) = [
        (m.amount, str(m.qualifier), m.source) for m in extraction.money
    ]
    assert (amount, qualifier, source) == (Decimal(50_000_000), "at_most", "unknown")


def test_a_text_with_no_cluster_proposes_no_cluster_and_no_scope():
    extraction = extract(
        "Губернатор Тульской области сообщил, что на ремонт дорог направят 2 млрд рублей."
    )
    assert extraction.clusters == []
    (money,) = extraction.as_api()["money"]
    assert (money["amount"], money["source"], money["scope"]) == (2_000_000_000, "unknown", None)
    assert extraction.region == "Тульская область"


def test_api_shape_has_exactly_the_issue_keys():
    answer = extract(seed("004_c8ccfdd2582e0d5c")).as_api()
    assert set(answer) == {"clusters", "money", "figures"}
    assert set(answer["clusters"][0]) == {
        "region",
        "industry",
        "kind",
        "base_college",
        "network_colleges",
        "employers",
        "year",
    }
    assert set(answer["money"][0]) == {"amount", "qualifier", "source", "scope", "quote"}
    assert set(answer["figures"][0]) == {"kind", "value", "qualifier", "scope", "quote"}


def test_spans_stay_exact_in_a_text_with_windows_line_endings():
    text = seed("004_c8ccfdd2582e0d5c").replace("\n", "\r\n")
    extraction = extract(text)
    assert {m.quote for m in extraction.money} >= {"почти 153 млн руб.", "16 млн руб."}
    for item in [*extraction.money, *extraction.figures]:
        assert text[item.start : item.end] == item.quote


@pytest.mark.parametrize(
    ("text", "bases"),
    [
        (
            "В 2025 году кластеры откроются на базе Вологодского колледжа технологии и дизайна "
            "и Сокольского педагогического колледжа.",
            ["Вологодский колледж технологии и дизайна", "Сокольский педагогический колледж"],
        ),
        (
            "Центр создадут на базе Челябинского механического техникума имени академика "
            "С.П. Королёва.",
            ["Челябинский механический техникум имени академика С.П. Королёва"],
        ),
        (
            "Кластер по сельскому хозяйству появится на базе Колледжа агробизнеса и сервиса.",
            ["Колледж агробизнеса и сервиса"],
        ),
        (
            "Базовой организацией кластера станет Ярославский политехнический колледж № 24, "
            "а сетевыми — Рыбинский полиграфический колледж.",
            ["Ярославский политехнический колледж № 24"],
        ),
        (
            "Ульяновский авиационный колледж получит грант в 100 млн рублей по итогам "
            "конкурсного отбора.",
            ["Ульяновский авиационный колледж"],
        ),
    ],
)
def test_base_colleges_in_other_wordings(text, bases):
    names = [c.base_college.name for c in extract(text).clusters]
    assert names == bases


def test_network_colleges_after_a_dash_join_the_only_cluster():
    text = (
        "Базовой организацией кластера станет Ярославский политехнический колледж, "
        "а сетевыми — Рыбинский полиграфический колледж и Угличский индустриально-педагогический колледж."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.network_colleges] == [
        "Рыбинский полиграфический колледж",
        "Угличский индустриально-педагогический колледж",
    ]


# --- the patterns issue 21 names, in sentences written for these tests ----------------------


def test_network_colleges_listed_after_the_base_join_its_cluster_not_clusters_of_their_own():
    text = (
        "Образовательно-производственный кластер откроется на базе Тверского колледжа "
        "транспорта и сервиса. Также в кластер войдут Ржевский технологический колледж и "
        "Кимрский индустриальный техникум. К нему присоединились Бежецкий промышленно-"
        "экономический колледж. На создание кластера из федерального бюджета выделено "
        "100 млн рублей."
    )
    (cluster,) = extract(text).clusters
    assert cluster.base_college.name == "Тверской колледж транспорта и сервиса"
    assert [o.name for o in cluster.network_colleges] == [
        "Ржевский технологический колледж",
        "Кимрский индустриальный техникум",
        "Бежецкий промышленно-экономический колледж",
    ]
    ((amount, source, scope),) = [(m.amount, m.source, m.clusters) for m in extract(text).money]
    assert (amount, source, scope) == (Decimal(100_000_000), "federal", [cluster.key])


@pytest.mark.parametrize(
    "wording",
    [
        "Партнёрами выступят АО «Тверской вагоностроительный завод», ООО «Сплав» и ПАО «Мотор».",
        "Индустриальные партнёры: АО «Тверской вагоностроительный завод», ООО «Сплав», ПАО «Мотор».",
        "Кластер создан при участии АО «Тверской вагоностроительный завод», ООО «Сплав» и ПАО «Мотор».",
    ],
)
def test_employers_are_read_after_any_partner_wording(wording):
    text = "Кластер машиностроения создадут на базе Тверского политехнического колледжа. " + wording
    (cluster,) = extract(text).clusters
    assert {o.name for o in cluster.employers} == {
        "АО «Тверской вагоностроительный завод»",
        "ООО «Сплав»",
        "ПАО «Мотор»",
    }


def test_employers_in_a_list_with_quotes_abbreviations_and_an_anchor():
    text = (
        "Кластер машиностроения создан на базе Ковровского механического техникума. "
        "Якорным работодателем стал ВНИИ «Сигнал», партнёрами выступят «КЭМЗ», ЗиД и "
        "«Точмаш»."
    )
    (cluster,) = extract(text).clusters
    names = {o.name for o in cluster.employers}
    assert {"ВНИИ «Сигнал»", "«КЭМЗ»", "ЗиД", "«Точмаш»"} <= names


def test_a_base_named_in_the_body_after_a_headline_in_another_case():
    text = (
        "Два курганских техникума получат гранты на образовательные кластеры\n\n"
        "Курганский технологический колледж получит 70 млн рублей на создание "
        "образовательного кластера. Шадринский политехнический колледж — 60,5 млн рублей."
    )
    names = [c.base_college.name for c in extract(text).clusters]
    assert names == ["Курганский технологический колледж", "Шадринский политехнический колледж"]


def test_a_budget_named_once_governs_the_sums_that_follow():
    text = (
        "Кластеры создадут на базе Пензенского колледжа пищевой промышленности и Кузнецкого "
        "многопрофильного колледжа. Федеральное финансирование составит: Пензенскому колледжу "
        "пищевой промышленности — 70 млн рублей, Кузнецкому многопрофильному колледжу — "
        "100 млн рублей."
    )
    extraction = extract(text)
    assert [(m.amount, m.source, len(m.clusters)) for m in extraction.money] == [
        (Decimal(70_000_000), "federal", 1),
        (Decimal(100_000_000), "federal", 1),
    ]
    assert extraction.money[0].clusters != extraction.money[1].clusters


def test_a_sum_repeated_in_headline_and_body_is_one_proposal_citing_both():
    text = (
        "Техникум получит грант 100 млн рублей\n\n"
        "Бийский промышленно-технологический колледж выиграл грант на 100 млн рублей по "
        "федеральному проекту «Профессионалитет»."
    )
    ((money,),) = [extract(text).money]
    assert money.amount == Decimal(100_000_000) and len(money.mentions) == 2


def test_each_of_two_partners_is_a_line_of_its_own():
    text = (
        "Кластеры откроются на базе Липецкого колледжа транспорта и дорожного хозяйства и "
        "Елецкого колледжа железнодорожного транспорта. Каждый из них получит по 35 млн "
        "рублей из областного бюджета."
    )
    extraction = extract(text)
    assert sorted((m.amount, m.source, tuple(m.clusters)) for m in extraction.money) == [
        (Decimal(35_000_000), "regional", ("c1",)),
        (Decimal(35_000_000), "regional", ("c2",)),
    ]


def test_several_budgets_together_are_one_total_never_a_line_of_one():
    text = (
        "Кластер создан на базе Шахтинского регионального колледжа топлива и энергетики. "
        "В проект вложено более 400 млн рублей из регионального бюджета и от бизнеса."
    )
    ((money,),) = [extract(text).money]
    assert (money.source, money.is_total, str(money.qualifier)) == ("unknown", True, "at_least")


def test_joint_money_for_three_clusters_is_joint_for_all_three():
    text = (
        "В области создадут три кластера: на базе Омского авиационного колледжа, Омского "
        "технологического колледжа и Омского медицинского колледжа. На создание трёх "
        "кластеров направят 300 млн рублей из федерального бюджета."
    )
    extraction = extract(text)
    ((money,),) = [extraction.money]
    assert len(money.clusters) == 3


@pytest.mark.parametrize(
    ("wording", "region"),
    [
        ("В Марий Эл на базе Марийского политехнического техникума", "Республика Марий Эл"),
        (
            "В Чебоксарах на базе Чебоксарского электромеханического колледжа",
            "Чувашская Республика - Чувашия",
        ),
        ("В Йошкар-Оле на базе Марийского политехнического техникума", "Республика Марий Эл"),
    ],
)
def test_region_by_its_everyday_name_or_its_centre(wording, region):
    (cluster,) = extract(wording + " открылся образовательный кластер.").clusters
    assert cluster.region == region


def test_an_industry_with_a_typo_is_still_read():
    text = "Кластер «Мащиностроение» создадут на базе Рязанского колледжа электроники."
    (cluster,) = extract(text).clusters
    assert cluster.industry == "mechanical-engineering"


def test_figures_of_a_cluster_and_of_the_region_are_told_apart():
    text = (
        "Кластер открылся на базе Тамбовского колледжа транспорта. В него вошли семь "
        "колледжей и 12 предприятий-партнёров, обучение начали 450 студентов. "
        "Всего в области действуют 9 кластеров, в которых учатся более 5 тысяч студентов."
    )
    extraction = extract(text)
    figures = {(f.kind, f.value, str(f.qualifier), f.scope) for f in extraction.figures}
    assert figures == {
        ("colleges", 7, "exact", "cluster"),
        ("employers", 12, "exact", "cluster"),
        ("students", 450, "exact", "cluster"),
        ("students", 5000, "at_least", "region"),
    }


def test_an_area_in_square_metres_is_a_figure_of_its_cluster():
    text = (
        "Кластер открылся на базе Тульского колледжа строительства. Площадь мастерских "
        "составила более 2 тыс. кв. м."
    )
    (figure,) = extract(text).figures
    assert (figure.kind, figure.value, str(figure.qualifier), figure.scope) == (
        "area",
        2000,
        "at_least",
        "cluster",
    )


def test_parts_of_a_total_written_without_their_unit_take_the_totals_unit():
    text = (
        "Кластер лёгкой промышленности создадут на базе Бийского технологического колледжа. "
        "Всего на его создание направят 130 миллионов рублей: 100 – из федерального бюджета, "
        "10 – из регионального, 20 выделит ООО «Швейная фабрика»."
    )
    money = [(m.amount, m.source, m.is_total) for m in extract(text).money]
    assert money == [
        (Decimal(130_000_000), "unknown", True),
        (Decimal(100_000_000), "federal", False),
        (Decimal(10_000_000), "regional", False),
        (Decimal(20_000_000), "employer", False),
    ]


def test_a_figure_repeated_in_headline_and_body_is_one_proposal():
    text = (
        "В крае более 8,5 тысяч студентов учатся по программе «Профессионалитет»\n\n"
        "Всего в рамках проекта в регионе уже обучаются более 8,5 тыс. студентов."
    )
    assert [(f.kind, f.value) for f in extract(text).figures] == [("students", 8500)]


# --- second pass (issue 21): patterns learned from the development set's tuning part ----------


@pytest.mark.parametrize(
    ("text", "bases"),
    [
        (
            "Кластер по машиностроению создан на базе Курганского технологического колледжа "
            "имени Героя Советского Союза Н.Я. Анфиногенова.",
            ["Курганский технологический колледж имени Героя Советского Союза Н.Я. Анфиногенова"],
        ),
        (
            "Кластер металлургии открылся на базе Нижнетагильского горно-металлургического "
            "колледжа имени Е.А. и М.Е. Черепановых.",
            ["Нижнетагильский горно-металлургический колледж имени Е.А. и М.Е. Черепановых"],
        ),
        (
            "В Ейском полипрофильном и Брюховецком аграрном колледжах откроются кластеры "
            "«Профессионалитета».",
            ["Ейский полипрофильный колледж", "Брюховецкий аграрный колледж"],
        ),
        (
            "Победителями конкурсного отбора стали Ангарский индустриальный техникум и "
            "Усольский индустриальный техникум: кластеры получат гранты.",
            ["Ангарский индустриальный техникум", "Усольский индустриальный техникум"],
        ),
        (
            "В 2025 году кластеры «Профессионалитета» откроются в крае. Грант получили "
            "Ставропольский региональный многопрофильный колледж и Невинномысский "
            "химико-технологический колледж.",
            [
                "Ставропольский региональный многопрофильный колледж",
                "Невинномысский химико-технологический колледж",
            ],
        ),
        (
            "Колледж «Царицыно» и Колледж связи № 54 стали базой новых кластеров в Москве.",
            ["колледж «Царицыно»", "Колледж связи № 54"],
        ),
        (
            "Образовательный кластер медицины создадут на базе кировского медколледжа.",
            ["кировский медколледж"],
        ),
    ],
)
def test_base_colleges_in_the_wordings_of_the_second_pass(text, bases):
    assert [c.base_college.name for c in extract(text).clusters] == bases


def test_companies_in_other_quotes_and_inside_a_quoted_speech_are_employers():
    text = (
        "Кластер создадут на базе Коломенского аграрного колледжа. «Среди подписантов — "
        "Луховицкий аграрно-промышленный техникум, АО „Озеры“, ООО „Агрокомплекс ‚Иванисово‘“ "
        "и другие организации», — сообщил он."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == [
        "АО «Озеры»",
        "ООО «Агрокомплекс «Иванисово»»",
    ]
    assert [o.name for o in cluster.network_colleges] == [
        "Луховицкий аграрно-промышленный техникум"
    ]


def test_companies_that_take_part_in_the_project_are_employers():
    text = (
        "На базе Камчатского политехнического техникума откроется кластер. В проекте примут "
        "участие компании ПАО «Океанрыбфлот» и АО «Акрос»."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == ["ПАО «Океанрыбфлот»", "АО «Акрос»"]


def test_the_region_named_after_its_verb_pays_and_a_clusters_own_name_is_no_company():
    text = (
        "В Майкопском государственном технологическом университете на средства гранта будет "
        "создан медицинский кластер «Профимед». На организацию «Профимеда» университет "
        "получил 60,5 млн рублей, ещё 10 млн рублей направит регион."
    )
    money = [(m.amount, m.source) for m in extract(text).money]
    assert money == [(Decimal(60_500_000), "federal"), (Decimal(10_000_000), "regional")]


def test_budget_places_are_the_intake_and_healthcare_organisations_are_employers():
    text = (
        "На базе Тотемского политехнического колледжа создан кластер. В кластере будет "
        "открыто 275 бюджетных мест, в него вошли 12 ведущих организаций здравоохранения."
    )
    figures = [(f.kind, f.value) for f in extract(text).figures]
    assert figures == [("intake", 275), ("employers", 12)]


def test_a_base_marked_in_brackets_is_the_base_and_the_names_after_it_are_network():
    text = (
        "Кластер объединит Курганский технологический колледж (базовая организация), "
        "Шадринский политехнический колледж и Катайский профессионально-педагогический техникум."
    )
    (cluster,) = extract(text).clusters
    assert cluster.base_college.name == "Курганский технологический колледж"
    assert [o.name for o in cluster.network_colleges] == [
        "Шадринский политехнический колледж",
        "Катайский профессионально-педагогический техникум",
    ]


def test_a_verb_after_a_name_is_not_read_as_its_genitive():
    text = (
        "Орловский автодорожный техникум и Орловский технологический техникум стали "
        "победителями отбора «Профессионалитета»."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Орловский автодорожный техникум",
        "Орловский технологический техникум",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "В области начнут работу три кластера: на базе Брянского строительного колледжа "
        "(100 млн рублей), Брянского аграрного техникума (70 млн рублей) и Брянского "
        "медицинского колледжа (60,5 млн рублей).",
        "Грант в размере 100 млн рублей получит Брянский строительный колледж, 70 млн рублей — "
        "Брянский аграрный техникум, 60,5 млн рублей — Брянский медицинский колледж.",
    ],
)
def test_each_base_named_with_its_own_sum_in_one_sentence_gets_that_sum(text):
    extraction = extract(text)
    bases = {c.key: c.base_college.name for c in extraction.clusters}
    assert [(m.amount, bases[m.clusters[0]]) for m in extraction.money] == [
        (Decimal(100_000_000), "Брянский строительный колледж"),
        (Decimal(70_000_000), "Брянский аграрный техникум"),
        (Decimal(60_500_000), "Брянский медицинский колледж"),
    ]
    assert all(len(m.clusters) == 1 for m in extraction.money)


def test_regional_co_financing_and_a_budget_whose_noun_is_left_out_are_regional():
    text = (
        "На базе Ижевского политехнического колледжа создадут кластер (федеральный грант — "
        "100 млн рублей, региональное софинансирование — 30 млн рублей). На оснащение "
        "направят ещё 50 млн рублей из федерального бюджета и 20 млн рублей из областного."
    )
    assert [(m.amount, m.source) for m in extract(text).money] == [
        (Decimal(100_000_000), "federal"),
        (Decimal(30_000_000), "regional"),
        (Decimal(50_000_000), "federal"),
        (Decimal(20_000_000), "regional"),
    ]


@pytest.mark.parametrize(
    ("wording", "employers"),
    [
        (
            "В его создании участвуют крупные агробизнесы региона: холдинг «Залесье», "
            "ГК «Атлантис», ХК «Агро Маршальское».",
            ["холдинг «Залесье»", "ГК «Атлантис»", "ХК «Агро Маршальское»"],
        ),
        (
            "Кластер создаётся при поддержке госкорпорации «Росатом» и АО «ГНЦ НИИАР».",
            ["«Росатом»", "АО «ГНЦ НИИАР»"],
        ),
        (
            "Его поддерживают ПАО «Яковлев» и Иркутский авиационный завод.",
            ["ПАО «Яковлев»", "Иркутский авиационный завод"],
        ),
        ("ЕВРАЗ ЗСМК и РУСАЛ выступят работодателями кластера.", ["ЕВРАЗ ЗСМК", "РУСАЛ"]),
    ],
)
def test_employers_in_the_wordings_of_the_second_pass(wording, employers):
    text = "Кластер создан на базе Новокузнецкого горнотранспортного колледжа. " + wording
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == employers


def test_a_sum_before_its_verb_and_base_goes_to_that_base():
    text = (
        "Курский электромеханический техникум получит 100 млн рублей из федерального бюджета "
        "на создание кластера. Ещё 60,5 млн рублей получит Курский базовый медицинский "
        "колледж.\n\nПо 70 млн рублей получат Курский агротехнический техникум и Курский "
        "монтажный техникум."
    )
    extraction = extract(text)
    bases = {c.key: c.base_college.name for c in extraction.clusters}
    assert [(m.amount, [bases[k] for k in m.clusters]) for m in extraction.money] == [
        (Decimal(100_000_000), ["Курский электромеханический техникум"]),
        (Decimal(60_500_000), ["Курский базовый медицинский колледж"]),
        (Decimal(70_000_000), ["Курский агротехнический техникум"]),
        (Decimal(70_000_000), ["Курский монтажный техникум"]),
    ]


@pytest.mark.parametrize(
    ("text", "bases"),
    [
        (
            "Кластер создан на базе государственного бюджетного профессионального "
            "образовательного учреждения «Брянский техникум энергомашиностроения и "
            "радиоэлектроники».",
            ["«Брянский техникум энергомашиностроения и радиоэлектроники»"],
        ),
        (
            "Кластеры откроются на базе колледжей «Энергия» и «Сфера» в Нижнем Новгороде.",
            ["колледж «Энергия»", "колледж «Сфера»"],
        ),
    ],
)
def test_a_spelled_out_legal_form_and_a_plural_head_before_quoted_names(text, bases):
    assert [c.base_college.name for c in extract(text).clusters] == bases


@pytest.mark.parametrize(
    ("wording", "source"),
    [
        ("Из бюджета города Москвы на оснащение выделено 120 млн рублей.", "regional"),
        ("Софинансирование со стороны региона составит 120 млн рублей.", "regional"),
        (
            "Колледж получил 120 млн рублей на создание кластера. Деньги поступили из "
            "федерального бюджета.",
            "federal",
        ),
    ],
)
def test_a_budget_named_around_the_sum_in_the_wordings_of_the_second_pass(wording, source):
    text = "Кластер создан на базе Московского колледжа связи и информатики. " + wording
    ((amount, found),) = [(m.amount, m.source) for m in extract(text).money]
    assert (amount, found) == (Decimal(120_000_000), source)


def test_co_financing_is_not_the_budget_named_before_it():
    text = (
        "Кластер создан на базе Тульского политехнического колледжа. Средства федерального "
        "гранта — 100 млн рублей, средства софинансирования — 10 млн рублей."
    )
    assert [(m.amount, m.source) for m in extract(text).money] == [
        (Decimal(100_000_000), "federal"),
        (Decimal(10_000_000), "unknown"),
    ]


def test_bases_listed_before_one_sum_share_it_as_joint_money():
    text = (
        "В области появятся новые кластеры «Профессионалитета». Губернатор отметил, что "
        "Оренбургский колледж экономики и информатики, Орский нефтяной техникум и "
        "Оренбургский областной медицинский колледж получили суммарно 285,1 млн рублей."
    )
    extraction = extract(text)
    assert [c.base_college.name for c in extraction.clusters] == [
        "Оренбургский колледж экономики и информатики",
        "Орский нефтяной техникум",
        "Оренбургский областной медицинский колледж",
    ]
    ((amount, scope),) = [(m.amount, m.clusters) for m in extraction.money]
    assert (amount, scope) == (Decimal("285100000"), ["c1", "c2", "c3"])


def test_a_federal_citys_adjective_names_the_city_and_new_students_are_the_intake():
    text = (
        "Железнодорожный кластер открылся на площадке Санкт-Петербургского техникума "
        "железнодорожного транспорта. Лаборатории подготовлены для первых 160 студентов, "
        "поступивших на первый курс."
    )
    extraction = extract(text)
    (cluster,) = extraction.clusters
    assert cluster.region == "Санкт-Петербург"
    assert [(f.kind, f.value) for f in extraction.figures] == [("intake", 160)]


def test_employers_listed_one_a_line_under_a_partner_cue_and_compound_heads():
    text = (
        "Кластер создан на базе Пермского химико-технологического техникума. "
        "Партнерами выступают:\n- ООО «ЛУКОЙЛ-Пермь»;\n- АО «Сорбент»;\n"
        "- Ижевский мотозавод «Аксион-холдинг».\n\nОбучение начнётся 1 сентября."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == [
        "ООО «ЛУКОЙЛ-Пермь»",
        "АО «Сорбент»",
        "Ижевский мотозавод «Аксион-холдинг»",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "В конкурсе «Профессионалитета» Орловский автодорожный техникум и Мценский техникум "
        "победили. Они получат гранты.",
        "Новые кластеры «Профессионалитета». Победителями отбора стали:\n"
        "Орловский автодорожный техникум;\nМценский техникум.",
        "Кластеры «Профессионалитета» создадут на базе двух колледжей — Орловского "
        "автодорожного техникума и Мценского техникума.",
        "Кластеры «Профессионалитета»: Орловский автодорожный техникум стал одним из "
        "победителей отбора. Мценский техникум стал одним из победителей тоже.",
    ],
)
def test_winners_in_the_wordings_of_the_second_pass_are_bases(text):
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Орловский автодорожный техникум",
        "Мценский техникум",
    ]


def test_one_colleges_sum_stays_its_own_though_the_sentence_speaks_of_clusters():
    text = (
        "Кластер создан на базе Курганского технологического колледжа. В рамках программы "
        "создания кластеров колледж получил 100 млн рублей из федерального бюджета."
    )
    extraction = extract(text)
    ((amount, scope),) = [(m.amount, m.clusters) for m in extraction.money]
    assert (amount, scope) == (Decimal(100_000_000), [extraction.clusters[0].key])


@pytest.mark.parametrize(
    ("text", "bases"),
    [
        (
            "Кластер откроется на базе Чебоксарского техникума ТрансСтройТех.",
            ["Чебоксарский техникум ТрансСтройТех"],
        ),
        (
            "Кластер откроется на базе Колледжа Архитектуры, дизайна и реинжиниринга № 26.",
            ["Колледж Архитектуры, дизайна и реинжиниринга № 26"],
        ),
        (
            "Кластер откроется на базе Многопрофильного колледжа ФГБОУ ВО «Магнитогорский "
            "государственный технический университет им. Г.И. Носова».",
            [
                "Многопрофильный колледж ФГБОУ ВО «Магнитогорский государственный технический "
                "университет им. Г.И. Носова»"
            ],
        ),
    ],
)
def test_names_with_a_brand_a_capitalised_dependent_or_their_parent_university(text, bases):
    assert [c.base_college.name for c in extract(text).clusters] == bases


def test_an_employers_abbreviation_in_brackets_is_its_alias_not_another_employer():
    text = (
        "Кластер создан на базе Липецкого металлургического колледжа. Работодателем "
        "выступает Новолипецкий металлургический комбинат (НЛМК)."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == ["Новолипецкий металлургический комбинат"]


def test_the_only_college_no_network_cue_names_is_the_base_of_a_cluster_text():
    text = (
        "Кластер «Профессионалитета» по сельскому хозяйству открылся в области. "
        "Обучение будет вести Тотемский политехнический колледж, к кластеру "
        "присоединился Вологодский аграрно-экономический колледж."
    )
    (cluster,) = extract(text).clusters
    assert cluster.base_college.name == "Тотемский политехнический колледж"
    assert [o.name for o in cluster.network_colleges] == [
        "Вологодский аграрно-экономический колледж"
    ]


@pytest.mark.parametrize(
    ("text", "bases"),
    [
        (
            "Кластер откроется на базе Первого Московского образовательного комплекса.",
            ["Первый Московский образовательный комплекс"],
        ),
        (
            "Кластер откроется на базе Педагогического колледжа № 1 им. Н.А. Некрасова.",
            ["Педагогический колледж № 1 им. Н.А. Некрасова"],
        ),
        (
            "Кластер откроется на базе Кадетского колледжа-интерната.",
            ["Кадетский колледж-интернат"],
        ),
    ],
)
def test_an_educational_complex_a_number_before_imeni_and_a_hyphenated_head(text, bases):
    assert [c.base_college.name for c in extract(text).clusters] == bases


@pytest.mark.parametrize(
    ("text", "bases"),
    [
        (
            "Кластер откроется на базе Тульского государственного машиностроительного колледжа "
            "имени Никиты Демидова.",
            ["Тульский государственный машиностроительный колледж имени Никиты Демидова"],
        ),
        (
            "Кластер откроется на базе Тамбовского колледжа торговли, общественного питания и "
            "сервиса.",
            ["Тамбовский колледж торговли, общественного питания и сервиса"],
        ),
        (
            "Кластер откроется на базе Сокольского лесопромышленного политехнического "
            "техникума ТАСС сообщает.",
            ["Сокольский лесопромышленный политехнический техникум"],
        ),
    ],
)
def test_a_full_name_after_imeni_a_listed_adjective_dependent_and_no_agency_as_parent(text, bases):
    assert [c.base_college.name for c in extract(text).clusters] == bases


@pytest.mark.parametrize(
    "text",
    [
        "Базами для будущих кластеров станут Верхнеднепровский технологический техникум и "
        "Козловский многопрофильный аграрный колледж.",
        "Участниками кластера станут колледжи области, в том числе грантополучатели проекта - "
        "Верхнеднепровский технологический техникум и Козловский многопрофильный аграрный "
        "колледж.",
    ],
)
def test_bases_named_as_the_bases_of_future_clusters_or_as_grant_recipients(text):
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Верхнеднепровский технологический техникум",
        "Козловский многопрофильный аграрный колледж",
    ]


def test_a_college_used_as_the_clusters_base():
    text = (
        "Образовательно-производственный кластер будет использовать в качестве базы "
        "Колледж электроники и приборостроения."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Колледж электроники и приборостроения"
    ]


def test_a_base_named_in_a_relative_clause_and_a_camel_case_company_kept_as_written():
    text = (
        "Соглашение о создании кластера подписано. Согласно документу в кластер, ядром "
        "которого будет Красноярский институт железнодорожного транспорта, войдут КрасЖД и "
        "Боготольский техникум транспорта."
    )
    (cluster,) = extract(text).clusters
    assert cluster.base_college.name == "Красноярский институт железнодорожного транспорта"
    assert [o.name for o in cluster.network_colleges] == ["Боготольский техникум транспорта"]
    assert [o.name for o in cluster.employers] == ["КрасЖД"]


def test_a_figure_reads_the_qualifier_words_of_a_sum():
    """The figures' qualifier words are moneywords' (one list): «ориентировочно», «от»."""
    text = (
        "Кластер открылся на базе Тамбовского колледжа транспорта. В него вошли "
        "ориентировочно 12 предприятий-партнёров, обучение начали от 450 студентов."
    )
    figures = {(f.kind, f.value, str(f.qualifier)) for f in extract(text).figures}
    assert figures == {("employers", 12, "approximately"), ("students", 450, "at_least")}


def test_one_cluster_on_the_base_of_several_colleges_is_one_base_and_its_network():
    text = (
        "В Костромской области создан образовательно-производственный кластер «Лесопром» на "
        "базе Костромского лесотехнического колледжа, Мантуровского техникума и Буйского "
        "политехнического колледжа."
    )
    (cluster,) = extract(text).clusters
    assert cluster.base_college.name == "Костромской лесотехнический колледж"
    assert [o.name for o in cluster.network_colleges] == [
        "Мантуровский техникум",
        "Буйский политехнический колледж",
    ]


def test_clusters_on_the_base_of_several_colleges_are_one_cluster_each():
    text = (
        "В Костромской области созданы кластеры на базе Костромского лесотехнического колледжа "
        "и Мантуровского техникума."
    )
    bases = [c.base_college.name for c in extract(text).clusters]
    assert bases == ["Костромской лесотехнический колледж", "Мантуровский техникум"]


def test_a_second_base_after_and_in_is_a_base_too():
    text = (
        "В регионе появятся два кластера: на базе Костромского лесотехнического колледжа и в "
        "Мантуровском техникуме."
    )
    bases = [c.base_college.name for c in extract(text).clusters]
    assert bases == ["Костромской лесотехнический колледж", "Мантуровский техникум"]


def test_money_from_the_government_of_russia_is_federal():
    text = (
        "Кластер создан на базе Костромского лесотехнического колледжа. На его оснащение "
        "колледж получил 90 млн рублей от правительства России и 40 млн рублей от предприятий."
    )
    money = [(m.amount, m.source) for m in extract(text).money]
    assert money == [(Decimal(90_000_000), "federal"), (Decimal(40_000_000), "employer")]


def test_a_company_that_pays_the_college_is_its_employer_and_pays_only_its_own_sum():
    text = (
        "Кластер откроется на базе Курского аграрного колледжа по федеральному проекту. "
        "Компания «Агроснаб» выделит 20 млн рублей, а регион — 10 млн рублей."
    )
    extraction = extract(text)
    (cluster,) = extraction.clusters
    assert [same_name(o.name, "«Агроснаб»") for o in cluster.employers] == [True]
    money = [(m.amount, m.source) for m in extraction.money]
    assert money == [(Decimal(20_000_000), "employer"), (Decimal(10_000_000), "regional")]


def test_companies_the_cluster_works_with_are_its_employers():
    text = (
        "В Чувашии создадут кластер «Машиностроение» на базе Чебоксарского "
        "электромеханического колледжа во взаимодействии с ООО «Элара»."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == ["ООО «Элара»"]


def test_a_grant_sum_takes_the_year_the_grant_is_paid_in():
    text = (
        "Министерство подвело итоги конкурса на предоставление в 2025 году грантов на создание "
        "кластеров. Победителем стал Курский аграрный колледж: он получит 80 млн рублей из "
        "федерального бюджета. В июле 2024 года Льговский техникум одержал победу в конкурсе "
        "на предоставление в 2025 году грантов и получит 90 млн рублей."
    )
    years = [(m.amount, m.fiscal_year) for m in extract(text).money]
    assert years == [(Decimal(80_000_000), 2025), (Decimal(90_000_000), 2025)]


def test_a_sum_of_a_text_with_two_grant_years_takes_none_it_does_not_state():
    text = (
        "Курский аграрный колледж победил в конкурсе на предоставление в 2024 году грантов, а "
        "Льговский техникум — в конкурсе на предоставление в 2025 году грантов. Кластер на базе "
        "колледжа получит 80 млн рублей из федерального бюджета."
    )
    assert [m.fiscal_year for m in extract(text).money] == [None]


@pytest.mark.parametrize(
    ("text", "base"),
    [
        (
            "Кластер «АгроТех» в сельскохозяйственной отрасли создан на базе КГАУ имени "
            "В. В. Докучаева.",
            "КГАУ имени В. В. Докучаева",
        ),
        ("Педагогический кластер открылся на базе ОГПК.", "ОГПК"),
        (
            "В области откроются кластеры:\n«Энергетика» в КГТУ;\n«Строительство» в Курском "
            "строительном колледже.",
            "КГТУ",
        ),
    ],
)
def test_a_base_named_only_by_its_abbreviation_is_found(text, base):
    assert [c.base_college.name for c in extract(text).clusters][0] == base


@pytest.mark.parametrize(
    "text",
    [
        "Кластер создан на базе ГК «Росатом».",
        "Кластер на базе ПАО.",
        "Кластер в ОПК создадут в регионе.",
    ],
)
def test_a_legal_form_after_the_base_cue_is_no_abbreviated_college(text):
    assert extract(text).clusters == []


def test_a_town_or_a_cluster_in_the_genitive_ends_a_college_name():
    text = (
        "Кластер «Призвание» начал работать в социально-педагогическом колледже города "
        "Кстово Нижегородской области."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "социально-педагогический колледж"
    ]


def test_companies_taking_part_right_after_the_base_are_its_employers_with_a_shared_head():
    text = (
        "Основной площадкой кластера станет Азовский колледж машиностроения. В разработке "
        "программ примут участие донские предприятия: «Донмаш», Азовский литейный и "
        "Батайский механический заводы."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == [
        "«Донмаш»",
        "Азовский литейный завод",
        "Батайский механический завод",
    ]


def test_a_name_in_the_nominative_keeps_the_adjective_that_agrees_with_its_head():
    text = "Кластер откроется на базе колледжа. Базовой организацией станет Донской техникум."
    assert [c.base_college.name for c in extract(text).clusters] == ["Донской техникум"]


def test_a_headline_total_of_lines_of_one_budget_is_that_budgets_total():
    text = (
        "Два курских техникума получат свыше 150 млн рублей на создание кластеров\n\n"
        "Минпросвещения подвело итоги конкурса на предоставление грантов. От Курской области "
        "обе заявки признаны победителями. В итоге Курский аграрный техникум получит 80,5 млн "
        "рублей на создание кластера по направлению «Сельское хозяйство». Льговский техникум "
        "— 70 млн рублей на кластер по направлению «Машиностроение»."
    )
    money = {(m.amount, m.qualifier, m.source, m.is_total) for m in extract(text).money}
    assert (Decimal(150_000_000), "at_least", "federal", True) in money


def test_winners_named_in_the_sentence_after_the_win_are_bases():
    text = (
        "Победителями конкурса на создание кластеров стали два колледжа области. Ими стали "
        "Кемеровский горный техникум в направлении «Горное дело» и Беловский "
        "политехнический колледж."
    )
    bases = [c.base_college.name for c in extract(text).clusters]
    assert bases == ["Кемеровский горный техникум", "Беловский политехнический колледж"]


def test_members_named_after_the_cluster_joins_them_stay_its_network():
    text = (
        "Кластер создан на базе Кемеровского горного техникума. В его состав вошли три "
        "колледжа. Среди них Беловский политехнический колледж."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.network_colleges] == ["Беловский политехнический колледж"]


def test_a_listed_word_the_dictionary_knows_as_a_company_is_an_employer():
    text = (
        "Соглашение о создании кластера подписано губернатором, а также Рязанским колледжем "
        "электроники, Михайловцемент, Серебрянским цементным заводом. Центр будет создан на "
        "базе Рязанского колледжа электроники."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == ["Михайловцемент", "Серебрянский цементный завод"]


def test_a_capitalised_head_with_an_adjective_and_a_noun_in_the_genitive_is_a_name():
    text = "Кластер «Мода» создан на базе Колледжа Уральской моды."
    assert [c.base_college.name for c in extract(text).clusters] == ["Колледж Уральской моды"]


def test_companies_named_with_s_uchastiem_are_the_clusters_employers():
    text = (
        "В Курской области откроются два кластера: в Курске — на базе Курского "
        "электромеханического техникума с участием АО «Электроаппарат»; в Льгове — на базе "
        "Льговского политехнического техникума с участием ООО «Агросила»."
    )
    employers = {c.base_college.name: [o.name for o in c.employers] for c in extract(text).clusters}
    assert employers == {
        "Курский электромеханический техникум": ["АО «Электроаппарат»"],
        "Льговский политехнический техникум": ["ООО «Агросила»"],
    }


def test_a_person_named_by_a_title_after_s_uchastiem_is_no_employer():
    text = (
        "Совещание с участием Первого заместителя министра просвещения прошло на площадке "
        "кластера, созданного на базе Орского индустриального колледжа."
    )
    (cluster,) = extract(text).clusters
    assert cluster.employers == []


def test_the_base_enterprise_of_a_cluster_is_its_employer():
    text = (
        "Базой кластера станет Тайгинский техникум железнодорожного транспорта. Базовым "
        "предприятием выступает Западно-Сибирская железная дорога."
    )
    (cluster,) = extract(text).clusters
    assert [same_name(o.name, "Западно-Сибирская железная дорога") for o in cluster.employers] == [
        True
    ]


def test_a_company_paying_a_college_whose_cluster_is_named_in_a_relative_clause():
    text = (
        "Базой для кластера «Металлург» станет Выксунский металлургический колледж. Также "
        "горная компания «Северсталь-Руда» направила 15 млн рублей на ремонт мастерских "
        "Оленегорского горнопромышленного колледжа, где запускается кластер «Горняк»."
    )
    clusters = {c.base_college.name: c for c in extract(text).clusters}
    assert set(clusters) == {
        "Выксунский металлургический колледж",
        "Оленегорский горнопромышленный колледж",
    }
    assert [o.name for o in clusters["Оленегорский горнопромышленный колледж"].employers] == [
        "компания «Северсталь-Руда»"
    ]
    assert clusters["Выксунский металлургический колледж"].employers == []


def test_the_college_that_forms_a_cluster_is_its_base():
    text = (
        "В области появятся два кластера. Лесной кластер сформируют Вологодский лесотехнический "
        "техникум и четыре индустриальных партнера. Аграрный кластер сформируют Грязовецкий "
        "аграрный техникум и два хозяйства."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Вологодский лесотехнический техникум",
        "Грязовецкий аграрный техникум",
    ]


def test_a_quoted_cluster_name_then_the_college_it_works_in_names_a_base():
    text = (
        "В области работают три кластера: «Агро Тамбов» в Мичуринском аграрном колледже, "
        "«Медицина Тамбов» в Тамбовском медицинском колледже и «Транспорт» при "
        "Тамбовском техникуме железнодорожного транспорта."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Мичуринский аграрный колледж",
        "Тамбовский медицинский колледж",
        "Тамбовский техникум железнодорожного транспорта",
    ]


def test_straight_quotes_nest_like_typographic_ones():
    text = (
        "Кластер создан на базе Кунгурского сельскохозяйственного колледжа в партнерстве с "
        'ООО "Агрохолдинг "Кунгур"".'
    )
    (cluster,) = extract(text).clusters
    assert [same_name(o.name, "ООО «Агрохолдинг «Кунгур»»") for o in cluster.employers] == [True]


def test_colleges_named_as_participants_of_the_project_are_bases():
    text = (
        "В Курганской области откроются новые кластеры «Профессионалитета». Участниками "
        "программы стали Шадринский политехнический колледж и Курганский технологический колледж."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Шадринский политехнический колледж",
        "Курганский технологический колледж",
    ]


def test_colleges_taking_part_in_the_clusters_complex_are_its_network():
    text = (
        "Кластер создан на базе Мичуринского аграрного колледжа. В создании учебно-"
        "производственного комплекса также примут участие Тамбовский строительный техникум."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.network_colleges] == ["Тамбовский строительный техникум"]


def test_the_only_college_of_a_sentence_that_makes_a_cluster_is_its_base():
    text = (
        "В крае появятся два кластера. Строительный кластер будет сформирован в партнерстве "
        "с ООО «Стройтрест» и Ачинским строительным техникумом. Аграрный кластер сформируют "
        "Минусинский сельскохозяйственный колледж и три хозяйства."
    )
    clusters = {c.base_college.name: c for c in extract(text).clusters}
    assert list(clusters) == [
        "Ачинский строительный техникум",
        "Минусинский сельскохозяйственный колледж",
    ]
    assert [o.name for o in clusters["Ачинский строительный техникум"].employers] == [
        "ООО «Стройтрест»"
    ]


def test_members_listed_after_the_base_in_its_sentence_are_its_network():
    text = (
        "Кластер «Строительство» создан в Костромской области. Его базовая организация — "
        "Костромской строительный техникум, а кроме него в состав входят Галичский "
        "аграрный техникум и Шарьинский технологический техникум."
    )
    (cluster,) = extract(text).clusters
    assert cluster.base_college.name == "Костромской строительный техникум"
    assert [o.name for o in cluster.network_colleges] == [
        "Галичский аграрный техникум",
        "Шарьинский технологический техникум",
    ]


def test_a_name_with_two_coordinated_genitives_keeps_both():
    text = "Кластер откроется на базе Тверского колледжа сервиса и технологии."
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Тверской колледж сервиса и технологии"
    ]


def test_a_compound_place_adjective_the_dictionary_guesses_as_a_noun_starts_a_name():
    text = (
        "Петропавловск-Камчатский политехнический техникум и Йошкар-Олинский технологический "
        "колледж стали победителями конкурса «Профессионалитета» и получат по 100 млн рублей."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Петропавловск-Камчатский политехнический техникум",
        "Йошкар-Олинский технологический колледж",
    ]


def test_colleges_that_won_the_grants_are_bases():
    text = (
        "Гранты из федерального бюджета по проекту «Профессионалитет» выиграли Кандалакшский "
        "индустриальный колледж и Апатитский политехнический колледж."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Кандалакшский индустриальный колледж",
        "Апатитский политехнический колледж",
    ]


def test_colleges_where_clusters_are_made_named_with_a_town_in_brackets_are_bases():
    text = (
        "Губернатор посетил Арзамасский приборостроительный колледж (Арзамас) и Выксунский "
        "металлургический колледж (Выкса), где уже созданы образовательно-производственные "
        "кластеры, а также Лысковский агротехнический техникум (Лысково), где профильный "
        "кластер планируется создать в следующем году."
    )
    assert [c.base_college.name for c in extract(text).clusters] == [
        "Арзамасский приборостроительный колледж",
        "Выксунский металлургический колледж",
        "Лысковский агротехнический техникум",
    ]


def test_companies_listed_after_a_companies_lead_or_this_are_employers():
    led = (
        "Кластер создан на базе Крымского агротехнологического колледжа. Предприятия "
        "агропромышленного комплекса – «Массандра», «Солнечная долина»."
    )
    this = (
        "Кластер создан на базе Брянского машиностроительного колледжа. В проекте участвуют "
        "ведущие предприятия области. Это «Брянсксельмаш», «Термотрон» и другие."
    )
    for text, names in [
        (led, ["«Массандра»", "«Солнечная долина»"]),
        (this, ["«Брянсксельмаш»", "«Термотрон»"]),
    ]:
        (cluster,) = extract(text).clusters
        assert [o.name for o in cluster.employers] == names


def test_companies_named_after_the_verb_of_their_payment_are_employers():
    text = (
        "Грант получит Томский техникум информационных технологий. Кроме того, 12 млн рублей "
        "направят «Элекард» и «Сибирская электротехническая компания»."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers][:1] == ["«Элекард»"]


def test_a_company_the_college_trains_for_or_that_invests_is_an_employer():
    text = (
        "Кластер создан на базе Тольяттинского машиностроительного колледжа, который готовит "
        "кадры в интересах ПАО «АвтоВАЗ». Порядка 20 млн рублей составляют инвестиции "
        "АО «Тольяттиазот»."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == ["ПАО «АвтоВАЗ»", "АО «Тольяттиазот»"]


def test_a_company_that_acts_as_the_base_enterprise_and_a_shipping_company_are_employers():
    text = (
        "Кластер «Речник» открылся на базе Якутского колледжа связи и энергетики. "
        "Ленское речное пароходство выступило базовым заказчиком кадров."
    )
    (cluster,) = extract(text).clusters
    assert [same_name(o.name, "Ленское речное пароходство") for o in cluster.employers] == [True]


def test_a_news_outlet_or_a_speaker_in_capitals_pays_nothing():
    text = (
        "Как сообщили ТАСС Курск в пресс-службе, кластер на базе Курского монтажного техникума "
        "обойдётся в 90 млн рублей.\nИВАНОВА, ДИРЕКТОР ТЕХНИКУМА: «Ещё 30 млн рублей мы "
        "потратим на ремонт»."
    )
    assert [(m.amount, m.source) for m in extract(text).money] == [
        (Decimal(90_000_000), "unknown"),
        (Decimal(30_000_000), "unknown"),
    ]


def test_a_region_that_pays_with_a_word_before_its_verb_is_the_regional_budget():
    text = (
        "Кластер откроют на базе Пензенского техникума. «Область нам выделяет 20 млн рублей "
        "на ремонт», — сказал директор."
    )
    assert [(m.amount, m.source) for m in extract(text).money] == [
        (Decimal(20_000_000), "regional")
    ]


def test_a_sum_for_what_several_clusters_need_and_one_added_to_it_are_joint():
    text = (
        "Два техникума Курганской области получили поддержку на создание кластеров. "
        "Первый кластер создадут на базе Шадринского политехнического колледжа. "
        "На эти цели выделено 200 млн рублей из федерального бюджета. Регион также "
        "направит 30 млн рублей."
    )
    extraction = extract(text)
    assert len(extraction.clusters) == 1
    assert [(m.amount, m.clusters) for m in extraction.money] == [
        (Decimal(200_000_000), []),
        (Decimal(30_000_000), []),
    ]


def test_an_outlet_named_before_its_reporting_verb_and_investment_name_no_payer():
    text = (
        "Ранее KurskNews.ru сообщал, что кластер на базе Курского монтажного техникума получит "
        "40 млн рублей. Инвестиции в проект составят 90 млн рублей."
    )
    assert [(m.amount, m.source) for m in extract(text).money] == [
        (Decimal(40_000_000), "unknown"),
        (Decimal(90_000_000), "unknown"),
    ]


def test_a_total_takes_no_budget_named_before_it():
    text = (
        "Кластер создан на базе Тверского колледжа транспорта. Колледж получил федеральную "
        "субсидию совместно с ОАО «РЖД». Всего выделено 120 млн рублей."
    )
    assert [(m.amount, m.source) for m in extract(text).money] == [
        (Decimal(120_000_000), "unknown")
    ]


def test_a_payer_named_with_ot_right_after_its_sum_is_the_employer():
    text = (
        "Кластер на базе Донецкого строительного колледжа получил 90 млн рублей гранта из "
        "федерального бюджета и 2 млн рублей – от Донстроя, а также 5 млн рублей от Кубани."
    )
    assert [(m.amount, m.source) for m in extract(text).money][:2] == [
        (Decimal(90_000_000), "federal"),
        (Decimal(2_000_000), "employer"),
    ]
    assert [m.source for m in extract(text).money][2] != "employer"


def test_a_town_named_in_a_sentence_gives_its_companies_to_the_base_called_after_it():
    text = (
        "Гранты по проекту «Профессионалитет» выиграли Кировский горный техникум и Ковдорский "
        "политехнический колледж. В Кировске будет создан центр «Хибины» при участии "
        "АО «Апатит». В Ковдоре создадут кластер при участии АО «Ковдорский ГОК»."
    )
    employers = {c.base_college.name: [o.name for o in c.employers] for c in extract(text).clusters}
    assert employers == {
        "Кировский горный техникум": ["АО «Апатит»"],
        "Ковдорский политехнический колледж": ["АО «Ковдорский ГОК»"],
    }


def test_a_company_the_college_trains_on_the_base_of_is_an_employer():
    text = (
        "Специалистов для машиностроения будет готовить Орский индустриальный колледж на базе "
        "АО «Южуралмашзавод» по проекту «Профессионалитет»."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == ["АО «Южуралмашзавод»"]


def test_payers_after_the_verb_in_a_paragraph_of_their_own_are_employers():
    text = (
        "Кластер «Электроника» создадут на базе Томского техникума информационных технологий.\n"
        "Кроме того, 13 млн рублей направят «Элекард» и «Контур»."
    )
    (cluster,) = extract(text).clusters
    assert [o.name for o in cluster.employers] == ["«Элекард»", "«Контур»"]
