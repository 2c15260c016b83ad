from django.db import models


class ImportKind(models.TextChoices):
    SOURCES = "sources", "источники"
    COLLEGES = "colleges", "образовательные организации"
    EMPLOYERS = "employers", "работодатели"
    CLUSTERS = "clusters", "кластеры с участниками"
    FUNDING = "funding", "строки финансирования"
    FIGURES = "figures", "заявленные показатели"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "загружен"
    RUNNING = "running", "проверяется"
    PREVIEWED = "previewed", "проверен, ждёт подтверждения"
    COMMITTING = "committing", "записывается"
    DONE = "done", "записан"
    FAILED = "failed", "не записан"


class RowStatus(models.TextChoices):
    NEW = "new", "новая"
    CHANGED = "changed", "изменена"
    UNCHANGED = "unchanged", "без изменений"
    CONFLICT = "conflict", "расхождение с реестром"
    PENDING = "pending", "ждёт проверки (опубликованные данные)"
    ERROR = "error", "ошибка"
