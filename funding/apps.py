from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Финансирование"

    def ready(self) -> None:
        from clusters.services import cluster_followers
        from funding import signals  # noqa: F401  (connects the receivers)
        from funding.services import cluster_follow

        # Cluster writes (clusters.services) move lines and schedule totals through this.
        if cluster_follow not in cluster_followers:
            cluster_followers.append(cluster_follow)
