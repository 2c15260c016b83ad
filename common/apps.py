from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Общее"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from common.sqlite import unicode_like

        connection_created.connect(unicode_like, dispatch_uid="common_sqlite_unicode_like")
