from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The pages that read the registry as a whole: home, completeness, feeds, sitemaps,
    the open-data page. It sits above the domain apps (regions ← clusters ← funding) and
    owns no model."""

    name = "overview"
    verbose_name = "Обзор реестра"
