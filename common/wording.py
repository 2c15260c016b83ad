"""Russian admin wording that Django's translation cannot give: names in the accusative.

Django's Russian admin puts a model's name, always in the nominative, into phrases like
«Изменить %s» or «Добавить еще один %(verbose_name)s», which reads «Изменить образовательная
организация». The admin templates ask here for the accusative and for the right «ещё
один / одну / одно / одного» instead. Keyed by the nominative verbose name (a model's or an
inline's), so one table serves titles, buttons and inline links.
"""

from __future__ import annotations

# nominative → (accusative, «ещё один …» in the accusative)
ACCUSATIVE: dict[str, tuple[str, str]] = {
    "кластер": ("кластер", "ещё один кластер"),
    "образовательная организация": (
        "образовательную организацию",
        "ещё одну образовательную организацию",
    ),
    "работодатель": ("работодателя", "ещё одного работодателя"),
    "участие колледжа": ("участие колледжа", "ещё одно участие колледжа"),
    "партнёрство работодателя": ("партнёрство работодателя", "ещё одно партнёрство работодателя"),
    "заявленный показатель": ("заявленный показатель", "ещё один заявленный показатель"),
    "строка финансирования": ("строку финансирования", "ещё одну строку финансирования"),
    "источник": ("источник", "ещё один источник"),
    "отрасль": ("отрасль", "ещё одну отрасль"),
    "профессия / специальность СПО": (
        "профессию / специальность СПО",
        "ещё одну профессию / специальность СПО",
    ),
    "субъект РФ": ("субъект РФ", "ещё один субъект РФ"),
    "федеральный округ": ("федеральный округ", "ещё один федеральный округ"),
    "пользователь": ("пользователя", "ещё одного пользователя"),
    "группа": ("группу", "ещё одну группу"),
}

# Title verbs of Django's admin pages whose object is the model's name.
TITLE_VERBS = ("Добавить ", "Изменить ", "Выберите ", "Просмотреть ", "Удалить ")


def accusative(nominative: str) -> str:
    return ACCUSATIVE.get(str(nominative), (str(nominative), ""))[0]


def another(nominative: str) -> str:
    """«ещё одну строку финансирования»; an unknown name falls back to «ещё: <name>»."""
    found = ACCUSATIVE.get(str(nominative))
    return found[1] if found else f"ещё: {nominative}"


def admin_title(title: str, nominative: str) -> str:
    """«Изменить образовательная организация» → «Изменить образовательную организацию»."""
    title, nominative = str(title), str(nominative)
    if title.startswith(TITLE_VERBS) and nominative in title:
        return title.replace(nominative, accusative(nominative), 1)
    return title
