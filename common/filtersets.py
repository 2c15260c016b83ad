"""The base of every FilterSet whose form a public page renders."""

from __future__ import annotations

import django_filters as filters

from common.widgets import quick_selects


class PageFilterSet(filters.FilterSet):
    """Its form's selects write their HTML in Python (common/widgets.py): the same bytes as
    Django's templates, without a template include per option."""

    @property
    def form(self):
        built = hasattr(self, "_form")  # django-filter builds the form once and keeps it
        form = super().form
        return form if built else quick_selects(form)
