"""The QuerySet every registry model starts from: the gate's two methods, with defaults.

Reference data (districts, regions, industries, programmes, sources) is visible to everyone
and editable by whoever holds the model's `change` permission; models whose rows belong to a
cluster or region override both methods with the rule of clusters/gate.py.
"""

from __future__ import annotations

from typing import Self

from django.db import models

from common.access import holds


class RegistryQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """Rows `user` may see (reference data: all of them)."""
        return self.all()

    def editable_by(self, user) -> Self:
        """Rows `user` may change (reference data: all, with the model's change permission)."""
        meta = self.model._meta
        perm = f"{meta.app_label}.change_{meta.model_name}"
        if holds(user, perm):
            return self.all()
        return self.none()
