from __future__ import annotations

from django.conf import settings
from django.db import models

from common.models import TimeStampedModel
from regions.models import Region


class StaffProfile(TimeStampedModel):
    """What the registry knows of a staff member beyond Django's user: the regions they keep.

    A regional editor edits only the clusters, colleges, employers, figures and funding lines
    of these regions (see clusters/gate.py); federal staff need none.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name="субъекты РФ",
        related_name="staff_profiles",
        blank=True,
        help_text="Субъекты, данные которых сотрудник может редактировать (для региональных редакторов).",
    )

    class Meta:
        verbose_name = "профиль сотрудника"
        verbose_name_plural = "профили сотрудников"

    def __str__(self) -> str:
        return str(self.user)
