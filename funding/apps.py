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
        # Merged clusters' money follows them (clusters.merging).
        from clusters.merging import cluster_merge_followers, cluster_revert_followers
        from funding.services.facts import cluster_merge_follow, cluster_revert_follow

        if cluster_merge_follow not in cluster_merge_followers:
            cluster_merge_followers.append(cluster_merge_follow)
        if cluster_revert_follow not in cluster_revert_followers:
            cluster_revert_followers.append(cluster_revert_follow)
