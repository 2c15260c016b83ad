from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Создаёт локального суперпользователя admin/admin, если его нет (только для make run)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="admin")
        parser.add_argument("--port", default="8000", help="Порт, на котором запущен сайт.")

    def handle(self, *args, username: str, password: str, port: str, **options):
        User = get_user_model()
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(f"Создан суперпользователь {username} / {password}")
        self.stdout.write(
            f"Админка: http://127.0.0.1:{port}/admin/  логин {username}, пароль {password} "
            "(локальная учётная запись по умолчанию)"
        )
