from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Финансирование"

    def ready(self) -> None:
        from funding import signals  # noqa: F401  (connects the receivers)
