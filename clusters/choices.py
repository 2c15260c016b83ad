from django.db import models


class ClusterKind(models.TextChoices):
    PRODUCTION_CENTER = "production_center", "образовательно-производственный центр (кластер)"
    EDUCATION_CLUSTER = "education_cluster", "образовательный кластер СПО"


class ClusterStatus(models.TextChoices):
    SELECTED = "selected", "отобран"
    OPERATING = "operating", "работает"
    CLOSED = "closed", "закрыт"


class ReviewState(models.TextChoices):
    """Where a cluster is on its way to the public: only `published` is visible to everyone."""

    DRAFT = "draft", "черновик"
    IN_REVIEW = "in_review", "на проверке"
    RETURNED = "returned", "возвращён на доработку"
    PUBLISHED = "published", "опубликован"


class CollegeRole(models.TextChoices):
    BASE = "base", "базовая"
    NETWORK = "network", "сетевая"


class EmployerRole(models.TextChoices):
    ANCHOR = "anchor", "якорный работодатель"
    PARTNER = "partner", "партнёр"


class ProgrammeLevel(models.TextChoices):
    PROFESSION = "profession", "профессия"
    SPECIALTY = "specialty", "специальность"


class Qualifier(models.TextChoices):
    """How exact a figure is, as its source words it («почти» → approximately)."""

    EXACT = "exact", "точно"
    APPROXIMATELY = "approximately", "приблизительно"
    AT_LEAST = "at_least", "не менее"
    AT_MOST = "at_most", "не более"  # an upper bound: «до 100 млн»


# How qualifiers mark numbers and combine in totals: common/qualifiers.py.


class FigureKind(models.TextChoices):
    """What a source reports a cluster has; a count, never the list of named members."""

    WORKSHOPS = "workshops", "мастерские (учебно-производственные зоны)"
    STUDENTS = "students", "студенты"
    INTAKE = "intake", "набор (приём) студентов"
    GRADUATES = "graduates", "выпускники"
    PROGRAMMES = "programmes", "образовательные программы"
    EMPLOYERS = "employers", "предприятия-работодатели"
    MEMBER_COLLEGES = "member_colleges", "образовательные организации"
    NETWORK_COLLEGES = "network_colleges", "сетевые образовательные организации"
    AREA_SQM = "area_sqm", "площадь, м²"
    FUNDING_TOTAL_RUB = "funding_total_rub", "общий объём финансирования, ₽"
