from __future__ import annotations

from django.conf import settings
from django.db import models

from common.models import TimeStampedModel
from imports.choices import ImportKind, ImportStatus


class ImportJob(TimeStampedModel):
    """One uploaded spreadsheet: its dry-run preview, the staff confirmation and the result.

    The file is kept in the database so any worker on any machine can run the job.
    """

    kind = models.CharField("вид данных", max_length=20, choices=ImportKind.choices)
    filename = models.CharField("файл", max_length=255)
    content = models.BinaryField("содержимое файла")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    status = models.CharField(
        "состояние", max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    is_commit = models.BooleanField("запись (не проверка)", default=False)
    total_rows = models.PositiveIntegerField("строк в файле", default=0)
    processed_rows = models.PositiveIntegerField("обработано строк", default=0)
    counts = models.JSONField("итог по видам строк", default=dict, blank=True)
    rows = models.JSONField("построчный результат", default=list, blank=True)
    error = models.TextField("ошибка", blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка данных"
        verbose_name_plural = "загрузки данных"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.finished_at else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def error_count(self) -> int:
        return int(self.counts.get("error", 0))
