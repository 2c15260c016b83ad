from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Загрузка и выгрузка данных"
    default_auto_field = "django.db.models.BigAutoField"
