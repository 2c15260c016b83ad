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


# How exact a figure is (Qualifier) is vocabulary of every app: common/qualifiers.py.


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


class FactKind(models.TextChoices):
    """A fact of a cluster that sources state: a field of it, a member, or a figure."""

    NAME = "name", "название"
    KIND = "kind", "тип"
    INDUSTRY = "industry", "отрасль"
    SELECTION_YEAR = "selection_year", "год отбора"
    LAUNCH_YEAR = "launch_year", "год первого набора"
    STATUS = "status", "статус"
    MANAGEMENT_BOARD = "management_board", "управляющая компания"
    DESCRIPTION = "description", "описание"
    WEBSITE = "website", "сайт"
    COLLEGE = "college", "образовательная организация кластера"
    EMPLOYER = "employer", "работодатель кластера"
    FIGURE = "figure", "заявленный показатель"

    @classmethod
    def field_values(cls) -> list[str]:
        """The kinds that are fields of the cluster itself (named as the fields)."""
        return [k for k in cls.values if k not in (cls.COLLEGE, cls.EMPLOYER, cls.FIGURE)]


class ConflictState(models.TextChoices):
    OPEN = "open", "ждёт решения"
    KEPT = "kept", "оставлено значение реестра"
    REPLACED = "replaced", "принято значение источника"
    SEPARATE = "separate", "записано отдельной строкой"


class MatchState(models.TextChoices):
    OPEN = "open", "ждёт решения"
    MERGED = "merged", "объединены"
    DISTINCT = "distinct", "разные организации"


class MergeModel(models.TextChoices):
    """The kinds of record staff can merge when two are one real thing."""

    COLLEGE = "college", "образовательные организации"
    EMPLOYER = "employer", "работодатели"
    CLUSTER = "cluster", "кластеры"


class ChangeKind(models.TextChoices):
    """What a change waiting for review does (clusters/review.py applies each kind)."""

    CLUSTER = "cluster", "поля кластера"
    PARTS = "parts", "участники, партнёры или показатели"
    ENTITY = "entity", "образовательная организация или работодатель"
    LINE_CREATE = "line_create", "новая строка финансирования"
    LINE_UPDATE = "line_update", "изменение строки финансирования"
    LINE_DELETE = "line_delete", "удаление строки финансирования"
    IMPORT_ROW = "import_row", "строка загрузки"


class ChangeState(models.TextChoices):
    PENDING = "pending", "ждёт проверки"
    APPROVED = "approved", "одобрено"
    RETURNED = "returned", "возвращено"
