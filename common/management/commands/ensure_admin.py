from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Создаёт локального суперпользователя admin/admin, если его нет (только для make run)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin")

    def handle(self, *args, username: str, password: str, **options):
        User = get_user_model()
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(f"Создан суперпользователь {username} / {password}")
        self.stdout.write(
            f"Админка: http://127.0.0.1:8000/admin/  логин {username}, пароль {password} "
            "(локальная учётная запись по умолчанию)"
        )
