"""Create (or update) a staff member with one registry role, e.g. a regional editor."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError

from accounts.services import STAFF_ROLES, staff_user_create


class Command(BaseCommand):
    help = (
        "Создаёт сотрудника с ролью реестра. Пример: "
        "manage.py create_staff_user ivanova --role regional-editor --regions 38,67"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(STAFF_ROLES))
        parser.add_argument(
            "--regions", default="", help="Коды субъектов через запятую (для regional-editor)."
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Без него пароль создаётся и печатается.")
        parser.add_argument("--token", action="store_true", help="Выдать API-токен.")

    def handle(self, *args, username, role, regions, email, password, token, **options):
        codes = [c.strip() for c in regions.split(",") if c.strip()]
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            user, key = staff_user_create(
                username=username,
                role=role,
                region_codes=codes,
                email=email,
                password=password,
                with_token=token or role == "analyst",
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Сотрудник {user.username}: роль «{STAFF_ROLES[role]}».")
        if codes:
            self.stdout.write(f"Субъекты: {', '.join(codes)}.")
        if generated:
            self.stdout.write(f"Пароль: {password}")
        if key:
            self.stdout.write(f"API-токен: {key}")
