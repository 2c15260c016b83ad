"""The shared matcher (clusters/matching.py): one record per real organisation.

The pairs below are real: the press sample and the project's press items write these
organisations both ways (the last ones are the issue's own examples). Each pair must be one
organisation; the organisations that only look alike must not be.
"""

import pytest

from clusters.matching import (
    OrgIndex,
    PlaceholderKind,
    Verdict,
    clean_name,
    compare,
    parse_name,
    placeholder,
    read_list,
)

# (region, one spelling, another spelling) — each seen in a press item of that region.
SAME_ORGANISATION = [
    (
        "29",
        "Северодвинский техникум судостроения и машиностроения",
        "Северодвинский техникум судостроения и машиностроения (ТСиМ)",
    ),
    ("29", "«Звездочка»", "ЦС «Звездочка»"),
    (
        "38",
        "Байкальский техникум отраслевых технологий и сервиса",
        "Байкальский техникум отраслевых технологий и сервиса (БТОТиС)",
    ),
    ("39", "агропромышленный холдинг «Залесье»", "холдинг «Залесье»"),
    (
        "43",
        "Вятский автомобильно-промышленный колледж",
        "Вятский автомобильно-промышленный колледж (Кирово-Чепецк)",
    ),
    ("23", "«Абрау Дюрсо»", "«Абрау-Дюрсо»"),
    ("23", "«Кубань вино»", "«Кубань-Вино»"),
    ("24", "Таймырский колледж", "Таймырский колледж (Дудинка)"),
    ("50", "Губернский колледж", "Губернский колледж (Протвино)"),
    ("51", "Мурманский индустриальный колледж", "Мурманский индустриальный колледж (Росляково)"),
    ("52", "ГБПОУ «Дзержинский технический колледж»", "Дзержинский технический колледж"),
    ("52", "ГБПОУ «Нижегородский индустриальный колледж»", "Нижегородский индустриальный колледж"),
    (
        "52",
        "ГБПОУ «Павловский автомеханический техникум им. И.И. Лепсе»",
        "Павловский автомеханический техникум",
    ),
    (
        "52",
        "Павловский автомеханический техникум им. И.И. Лепсе",
        "Павловский автомеханический техникум имени И. И. Лепсе",
    ),
    (
        "52",
        "Нижегородский радиотехнический колледж",
        "Нижегородский радиотехнический колледж (Нижний Новгород)",
    ),
    (
        "52",
        "Перевозский строительный колледж",
        "Перевозский строительный колледж (Перевозский округ)",
    ),
    ("52", 'ОАО "РЖД"', "ОАО «РЖД»"),
    (
        "52",
        "НАМТ (Нижегородский автомеханический техникум)",
        "Нижегородский автомеханический техникум",
    ),
    ("56", "ГАПОУ «Гуманитарно-технический техникум»", "Гуманитарно-технический техникум"),
    ("56", "ГАПОУ «Орский машиностроительный колледж»", "Орский машиностроительный колледж"),
    (
        "56",
        "Орский нефтяной техникум имени Героя Советского Союза В.А. Сорокина",
        "Орский нефтяной техникум им. Героя Советского Союза В. А. Сорокина",
    ),
    (
        "59",
        "Пермский химико-технологический техникум",
        "Пермский химико-технологический техникум (ПХТТ)",
    ),
    ("91", "Романовский колледж", "Романовский колледж (Симферополь)"),
    (
        "61",
        "Ростовский-на-Дону автотранспортный колледж",
        "Ростовский-на-Дону автотранспортный колледж (батайский корпус)",
    ),
    ("62", "АО «Михайловцемент»", "Михайловцемент"),
    ("62", "ООО «Серебрянский цементный завод»", "Серебрянский цементный завод"),
    ("62", "ПАО «Тяжпрессмаш»", "Тяжпрессмаш"),
    (
        "69",
        "Тверской политехнический колледж",
        "политехнический колледж (Тверской политехнический колледж)",
    ),
    (
        "70",
        "Томский экономико-промышленный колледж",
        "Томский экономико-промышленный колледж (ТЭПК)",
    ),
    (
        "27",
        "Губернаторский авиастроительный колледж г. Комсомольска-на-Амуре",
        "губернаторский авиастроительный колледж (Комсомольск-на-Амуре)",
    ),
    ("76", "АО «Р-Фарм»", "акционерное общество «Р-Фарм»"),
    (
        "61",
        "Государственное бюджетное профессиональное образовательное учреждение Ростовской области «Ростовский колледж технологий машиностроения»",
        "Ростовский колледж технологий машиностроения",
    ),
    ("54", "лицей им. Г. А. Ванага", "лицей имени Г. А. Ванага"),
    (
        "54",
        "Новосибирский авиастроительный лицей имени Г. А. Ванага",
        "Новосибирский авиастроительный лицей им. Г.А. Ванага",
    ),
    ("39", "холдинг «Залесье»", "агропромышленный холдинг «Залесье»"),
    ("63", "АВТОВАЗ", "АО «АвтоВАЗ»"),
    ("27", "РЖД", "ОАО «РЖД»"),
    ("27", "Российские железные дороги", "ОАО «РЖД»"),
    ("39", "холдинг «Залесье»", "холдинг «Залесьe»"),  # a Latin «e» typed in a Cyrillic word
]

# Organisations of one subject that only look alike: never one record.
DIFFERENT_ORGANISATIONS = [
    ("42", "Беловский политехнический техникум", "Березовский политехнический техникум"),
    ("33", "«КМЗ»", "«КЭМЗ»"),
    ("56", "Орский индустриальный колледж", "Медногорский индустриальный колледж"),
    ("51", "Ковдорский политехнический колледж", "Мончегорский политехнический колледж"),
    (
        "74",
        "Каслинский промышленно-гуманитарный техникум (филиал в Карабаше)",
        "Каслинский промышленно-гуманитарный техникум",
    ),
    ("27", "ДВЖД", "РЖД"),
    ("21", "АО «Транснефть – Прикамье»", "АО «Транснефть – Верхняя Волга»"),
]


def test_the_table_is_at_least_thirty_real_pairs():
    assert len(SAME_ORGANISATION) >= 30


@pytest.mark.parametrize(("region", "one", "another"), SAME_ORGANISATION)
def test_variant_spellings_are_one_organisation(region, one, another):
    assert compare(parse_name(one), parse_name(another)).verdict is Verdict.SURE
    assert compare(parse_name(another), parse_name(one)).verdict is Verdict.SURE


@pytest.mark.parametrize(("region", "one", "another"), DIFFERENT_ORGANISATIONS)
def test_look_alikes_are_not_one_organisation(region, one, another):
    assert compare(parse_name(one), parse_name(another)).verdict is not Verdict.SURE


@pytest.mark.parametrize(("region", "one", "another"), SAME_ORGANISATION)
def test_the_index_finds_the_record_a_variant_means(region, one, another):
    colleges = OrgIndex(region_bound=True)
    colleges.add(pk=1, names=[one], region_id=int(region))
    assert colleges.find(another, int(region)).sure.pk == 1


def test_a_college_of_another_subject_is_another_college():
    colleges = OrgIndex(region_bound=True)
    colleges.add(pk=1, names=["Технологический колледж"], region_id=39)
    assert colleges.find("Технологический колледж", 55).sure is None


def test_an_employer_of_another_subject_is_another_employer_unless_known_nationwide():
    employers = OrgIndex(region_bound=False)
    employers.add(pk=1, names=["ООО «Союз»"], region_id=28)
    employers.add(pk=2, names=["ОАО «РЖД»"], region_id=27)
    assert employers.find("ООО «Союз»", 16).sure is None
    assert employers.find("Российские железные дороги", 54).sure.pk == 2


def test_the_same_inn_is_the_same_organisation_whatever_the_name():
    employers = OrgIndex(region_bound=False)
    employers.add(pk=7, names=["ПАО «Татнефть»"], region_id=16, inn="1644003838")
    assert employers.find("Татнефть им. В. Д. Шашина", 63, inn="1644003838").sure.pk == 7


def test_a_possible_match_is_proposed_not_taken():
    colleges = OrgIndex(region_bound=True)
    colleges.add(pk=3, names=["Волгоградский технический колледж"], region_id=34)
    found = colleges.find("Волгоградский технологический колледж", 34)
    assert found.sure is None
    assert [candidate.pk for candidate, _ in found.near] == [3]


@pytest.mark.parametrize(
    ("cell", "kind", "count"),
    [
        ("12 учреждений СПО (not named)", PlaceholderKind.GROUP, 12),
        ("четыре колледжа (not named)", PlaceholderKind.GROUP, 4),
        ("местные предприятия (not named)", PlaceholderKind.GROUP, None),
        ("ведущие нефтегазовые компании региона (not named)", PlaceholderKind.GROUP, None),
        ("22 организации АПК (not named)", PlaceholderKind.GROUP, 22),
        ("колледж в Буйнакске (name not given)", PlaceholderKind.GROUP, None),
        ("Краснослобо[дский …] (cut)", PlaceholderKind.TRUNCATED, 1),
        (
            "ООО «Машиностроительно-индустриальная группа «…» (name cut)",
            PlaceholderKind.TRUNCATED,
            1,
        ),
    ],
)
def test_placeholders_are_not_organisations(cell, kind, count):
    found = placeholder(cell)
    assert (found.kind, found.count) == (kind, count)


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("Амурское пароходство (…)", "Амурское пароходство"),
        ('ООО "Агрофирма "Труд" (+5 more, cut in stored text)', 'ООО "Агрофирма "Труд"'),
        ("АО «Уральская сталь» (…)", "АО «Уральская сталь»"),
        ("Ростсельмаш", "Ростсельмаш"),
    ],
)
def test_a_real_name_loses_the_sources_marker(cell, name):
    assert placeholder(cell) is None
    assert clean_name(cell) == name


def test_a_list_that_names_some_members_counts_the_rest():
    listed = read_list(['ООО "Агрофирма "Труд" (+5 more, cut in stored text)'])
    assert listed.names == ['ООО "Агрофирма "Труд"']
    assert (listed.total, listed.is_lower_bound) == (6, True)  # «партнёров: не менее 6»
    listed = read_list(
        ["Архангельский техникум водных магистралей", "четыре учреждения профтеха (not named)"]
    )
    assert (listed.names, listed.total, listed.is_lower_bound) == (
        ["Архангельский техникум водных магистралей"],
        5,
        False,
    )
    assert read_list(["местные предприятия (not named)"]).total == 0
