from django.conf import settings
from django.db import models

from clusters.models import Source
from common.models import TimeStampedModel


class SourceText(TimeStampedModel):
    """The full text of a source staff pasted, and the facts the extractor proposed from it.

    `proposals` is the extractor's answer (extraction.extractor.Extraction.as_json()) with,
    per proposed item, the staff decision (pending / accepted / rejected), the record it became
    and the existing record it was matched to.
    """

    source = models.OneToOneField(
        Source, verbose_name="источник", on_delete=models.CASCADE, related_name="full_text"
    )
    text = models.TextField("полный текст")
    proposals = models.JSONField("предложения", default=dict, blank=True)
    extracted_at = models.DateTimeField("разобран", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="добавил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_texts",
    )

    class Meta:
        verbose_name = "источник из текста"
        verbose_name_plural = "источники из текста"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.source)
