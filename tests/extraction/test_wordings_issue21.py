"""Wordings of press items the extractor read wrongly, as classes of the language (issue 21):
each test is a sentence made up for it, in the genre but naming no real college or company, and
fails without its rule."""

from decimal import Decimal

from extraction.extractor import extract
from extraction.scoring import same_name


def _cluster(extraction, base: str):
    found = [c for c in extraction.clusters if same_name(c.base_college.name, base)]
    assert found, [c.base_college.name for c in extraction.clusters]
    return found[0]


def _names(orgs) -> list[str]:
    return [o.name for o in orgs]


def test_a_compound_plant_noun_heads_an_employers_name():
    # «лесозавод», «химкомбинат», «судозавод»: the second part of the compound is the head
    extraction = extract(
        "Кластер создали на базе Лесогорского индустриального техникума при участии "
        "Лесогорского лесозавода. Партнёрами кластера также стали Кедровский химкомбинат и "
        "Северный судозавод."
    )
    cluster = _cluster(extraction, "Лесогорский индустриальный техникум")
    assert _names(cluster.employers) == [
        "Лесогорский лесозавод",
        "Кедровский химкомбинат",
        "Северный судозавод",
    ]


def test_companies_in_the_instrumental_before_a_link_verb_are_employers():
    extraction = extract(
        "Кластер по машиностроению создан на базе Вольского машиностроительного колледжа. "
        "Предприятиями, которые будут участвовать в обучении, стали АО «Нефтемаш», компания "
        "«Литейщик» и Вольский цементный завод."
    )
    cluster = _cluster(extraction, "Вольский машиностроительный колледж")
    assert _names(cluster.employers) == [
        "АО «Нефтемаш»",
        "компания «Литейщик»",
        "Вольский цементный завод",
    ]
    # a genitive dependent and an auxiliary between the noun and the verb
    extraction = extract(
        "Кластер создан на базе Кимовского технического колледжа. Ключевыми заказчиками "
        "кадров будут выступать ООО «Стекломаш» и Кимовский завод «Гидромаш»."
    )
    cluster = _cluster(extraction, "Кимовский технический колледж")
    assert _names(cluster.employers) == ["ООО «Стекломаш»", "Кимовский завод «Гидромаш»"]


def test_an_instrumental_company_noun_without_a_link_verb_names_no_employers():
    extraction = extract(
        "Кластер создан на базе Кимовского технического колледжа. Предприятиями области за год "
        "выпущено 300 станков «Гидромаш»."
    )
    assert _cluster(extraction, "Кимовский технический колледж").employers == []


def test_a_college_taking_part_in_making_a_cluster_is_its_network_college():
    extraction = extract(
        "Кластер создали на базе Кедровского авиационного лицея при участии Кедровского "
        "авиазавода им. И. И. Петрова, а также Северного технического колледжа."
    )
    cluster = _cluster(extraction, "Кедровский авиационный лицей")
    assert _names(cluster.network_colleges) == ["Северный технический колледж"]
    assert _names(cluster.employers) == ["Кедровский авиазавод им. И. И. Петрова"]


def test_plural_adjectives_before_a_shared_head_belong_to_every_name():
    extraction = extract(
        "Кластеры по проекту «Профессионалитет» откроются на базе Ейского и Брюховецкого "
        "аграрных колледжей, а также Канского, Минусинского и Ачинского педагогических колледжей."
    )
    assert [c.base_college.name for c in extraction.clusters] == [
        "Ейский аграрный колледж",
        "Брюховецкий аграрный колледж",
        "Канский педагогический колледж",
        "Минусинский педагогический колледж",
        "Ачинский педагогический колледж",
    ]
    # singular adjectives are each name's own
    extraction = extract(
        "Кластеры откроются в Ейском полипрофильном и Брюховецком аграрном колледжах."
    )
    assert [c.base_college.name for c in extraction.clusters] == [
        "Ейский полипрофильный колледж",
        "Брюховецкий аграрный колледж",
    ]


def test_a_currency_less_thousand_is_money_where_it_is_paid():
    extraction = extract(
        "Кластер создан на базе Кимовского технического колледжа. На оснащение колледж получит "
        "100 млн рублей из федерального бюджета, ещё 700 тысяч выделит работодатель, а "
        "500 тыс. — из областного бюджета. В кластере будут учиться 6 тысяч студентов."
    )
    money = {(m.amount, m.source) for m in extraction.money}
    assert money == {
        (Decimal("100000000"), "federal"),
        (Decimal("700000"), "employer"),
        (Decimal("500000"), "regional"),
    }


def test_clusters_announced_together_under_one_industry_share_it():
    extraction = extract(
        "Три новых образовательных кластера для подготовки специалистов для машиностроительной "
        "отрасли будут созданы в Кедровской области. Они откроются на базе Кедровского "
        "механического колледжа с участием АО «Сплав»; в Озёрске — на базе Озёрского "
        "политехнического колледжа с участием АО «Ресурс»."
    )
    assert [c.industry for c in extraction.clusters] == ["mechanical-engineering"] * 2
    extraction = extract(
        "В 2024 году на базе Кедровского авиационного техникума и Озёрского промышленного "
        "техникума откроют образовательно-производственные кластеры по машиностроению, а на "
        "базе Лесного аграрного колледжа – сельскохозяйственный кластер."
    )
    assert [c.industry for c in extraction.clusters] == [
        "mechanical-engineering",
        "mechanical-engineering",
        "agriculture",
    ]


def test_an_adjective_standing_for_a_named_college_carries_its_industry():
    # «…, а Заречный — «Металлургия»», «Озёрский будет развивать …»: the head left out
    for second in (
        "Озёрский технологический техникум будет развивать направление «Атомная "
        "промышленность», а Заречный — «Металлургия».",
        "Озёрский будет развивать атомную промышленность, а Заречный индустриальный — металлургию.",
    ):
        extraction = extract(
            "Кластеры создали на базе Озёрского технологического техникума и Заречного "
            "индустриального техникума. " + second
        )
        assert [(c.base_college.name, c.industry) for c in extraction.clusters] == [
            ("Озёрский технологический техникум", "nuclear-industry"),
            ("Заречный индустриальный техникум", "metallurgy"),
        ]


def test_an_adjective_after_a_named_college_and_a_dash_is_another_college_of_its_kind():
    extraction = extract(
        "Новые кластеры откроются на базе Озёрского технологического техникума, а также "
        "Заречного — по металлургии."
    )
    assert [c.base_college.name for c in extraction.clusters] == [
        "Озёрский технологический техникум",
        "Заречный техникум",
    ]
    assert extraction.clusters[1].industry == "metallurgy"


def test_bases_listed_after_one_cue_with_their_employers_in_brackets():
    extraction = extract(
        'Три новых кластера по направлению "Машиностроение" запустят на базе Лесного колледжа '
        '(опорный работодатель - концерн "Бастион"), Озёрского техникума (ключевые предприятия - '
        'ОзАЗ и завод "Трал"), Речного техникума им. Героя Советского Союза И.И. Петрова (главный '
        'работодатель - компания "Вектор-НВ").'
    )
    assert [
        (c.base_college.name, c.industry, _names(c.employers)) for c in extraction.clusters
    ] == [
        ("Лесной колледж", "mechanical-engineering", ["концерн «Бастион»"]),
        ("Озёрский техникум", "mechanical-engineering", ["ОзАЗ", "завод «Трал»"]),
        (
            "Речной техникум им. Героя Советского Союза И.И. Петрова",
            "mechanical-engineering",
            ["компания «Вектор-НВ»"],
        ),
    ]


def test_the_companies_a_cluster_trains_for_are_its_employers():
    extraction = extract(
        "Кластер на базе Лесного колледжа будет готовить кадры для предприятий «Лесмаш», "
        "«Сосна-Агро» и Лесного машиностроительного завода."
    )
    assert _names(extraction.clusters[0].employers) == [
        "«Лесмаш»",
        "«Сосна-Агро»",
        "Лесной машиностроительный завод",
    ]
    extraction = extract(
        "Кластер на базе Лесного колледжа будет готовить кадры для предприятий региона."
    )
    assert extraction.clusters[0].employers == []


def test_an_industry_word_that_opens_a_list_line_before_a_dash_labels_its_base():
    # «строительство» alone may be an activity; opening a list line before a dash it is the
    # line's industry
    extraction = extract(
        "Новые кластеры будут специализироваться в ключевых отраслях экономики региона:\n"
        "- Химическая промышленность – на базе Озёрского многопрофильного техникума;\n"
        "- Строительство – в Лесном техникуме строительной индустрии и городского хозяйства;\n"
        "- Сельское хозяйство – в Речном многопрофильном техникуме."
    )
    assert [c.industry for c in extraction.clusters] == [
        "chemical-industry",
        "construction",
        "agriculture",
    ]


def _figures(text: str) -> list[tuple[str, int]]:
    return [(f.kind, int(f.value)) for f in extract(text).figures]


def test_students_finishing_their_studies_are_graduates_and_first_year_students_the_intake():
    assert _figures(
        "Более 600 студентов Кедровской области в текущем году закончат обучение по проекту "
        "«Профессионалитет»."
    ) == [("graduates", 600)]
    assert _figures(
        "В текущем году Кедровский колледж пополнили 200 студентов-первокурсников."
    ) == [("intake", 200)]
    assert _figures("В Кедровском колледже учатся 600 студентов.") == [("students", 600)]


def _scopes(text: str) -> list[tuple[str, int, str | None]]:
    answer = extract(text).as_api()
    return [(f["kind"], int(f["value"]), f["scope"]) for f in answer["figures"]]


def test_counts_of_the_project_or_of_all_colleges_are_the_regions():
    text = (
        "Кластер создан на базе Кедровского техникума. В нём 12 мастерских. Только в этом году "
        "на программы «Профессионалитета» поступили почти 4 тысячи первокурсников, а общий "
        "контингент студентов превысит 7,5 тысяч человек. Ежегодно колледжи заканчивают свыше "
        "7 тысяч выпускников."
    )
    assert _scopes(text) == [
        ("workshops", 12, "Кедровский техникум"),
        ("intake", 4000, "region"),
        ("students", 7500, "region"),
        ("graduates", 7000, "region"),
    ]


def test_a_plural_head_and_a_colon_then_the_adjectives_of_each_college():
    extraction = extract(
        "Образовательно-производственные кластеры создают на базе трех лесогорских колледжей: "
        "металлургического, технологического и химико-технологического."
    )
    assert [c.base_college.name for c in extraction.clusters] == [
        "Лесогорский металлургический колледж",
        "Лесогорский технологический колледж",
        "Лесогорский химико-технологический колледж",
    ]


def test_a_college_of_a_university_is_one_name():
    extraction = extract(
        "На базе Лесогорского морского колледжа Лесогорского государственного технического "
        "университета, Озёрского судостроительного техникума созданы образовательно-"
        "производственные центры."
    )
    assert [c.base_college.name for c in extraction.clusters] == [
        "Лесогорский морской колледж Лесогорского государственного технического университета",
        "Озёрский судостроительный техникум",
    ]


def test_a_budget_adjective_after_a_dash_names_its_sums_budget():
    extraction = extract(
        "Общий объём финансирования кластера на базе Лесного колледжа составит 150 млн рублей, "
        "из них 100 млн — федеральные средства, 30 млн — региональные, 20 млн — средства "
        "работодателей."
    )
    assert [(int(m.amount), m.source) for m in extraction.money][1:] == [
        (100_000_000, "federal"),
        (30_000_000, "regional"),
        (20_000_000, "employer"),
    ]


def test_a_college_named_as_a_partner_of_the_making_is_a_network_college():
    for partner in ("совместно с", "в партнёрстве с"):
        extraction = extract(
            f"Кластер будет создан на базе Лесного колледжа {partner} Озёрским техникумом и "
            "заводом «Трал»."
        )
        cluster = _cluster(extraction, "Лесной колледж")
        assert _names(cluster.network_colleges) == ["Озёрский техникум"]
        assert _names(cluster.employers) == ["завод «Трал»"]
