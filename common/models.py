from django.db import models


class TimeStampedModel(models.Model):
    """Adds the created/updated timestamps every registry table carries."""

    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        abstract = True
