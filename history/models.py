from django.db import models


class Change(models.Model):
    """Not a table: the admin's entry for the feed of every change to registry data.

    The history rows themselves are django-simple-history's tables; the view permission of
    this model (`history.view_change`) is the right to read the feed of all of them.
    """

    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = "изменение"
        verbose_name_plural = "лента изменений"

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
