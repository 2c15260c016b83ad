from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Сотрудники и роли"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.roles import roles_sync_after_migrate

        # Groups follow the code: every migrate (re)creates them with exactly their permissions.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="accounts_roles_sync")
