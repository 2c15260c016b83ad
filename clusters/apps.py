from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = "Кластеры, колледжи и работодатели"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from clusters.search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="clusters_search_sqlite")
