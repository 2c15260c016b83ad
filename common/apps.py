from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Общее"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from common import data_versions
        from common.sqlite import unicode_like

        connection_created.connect(unicode_like, dispatch_uid="common_sqlite_unicode_like")
        # Every table gets its version triggers after each migrate (common/data_versions.py).
        post_migrate.connect(
            data_versions.install, sender=self, dispatch_uid="common_data_versions_install"
        )
