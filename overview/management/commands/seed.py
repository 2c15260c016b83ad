from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

FIXTURES = ["01_regions.json", "02_industries.json", "03_seed.json", "04_reported_counts.json"]


class Command(BaseCommand):
    help = (
        "Применяет миграции и загружает реальные справочники и данные источников (fixtures/). "
        "Повторный запуск ничего не меняет."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="Не применять миграции.")
        parser.add_argument(
            "--no-press", action="store_true", help="Не загружать пресс-выборку (быстрые тесты)."
        )

    def handle(self, *args, no_migrate: bool = False, no_press: bool = False, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        fixture_dir = Path(settings.BASE_DIR) / "fixtures"
        for name in FIXTURES:
            call_command("loaddata", str(fixture_dir / name), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Загружено: {', '.join(FIXTURES)}"))
        # The press sample (../shared/data) goes in through the import path, like any file.
        from imports.press import press_sample_load

        report = "" if no_press else press_sample_load()
        if report:
            self.stdout.write(self.style.SUCCESS(f"Пресс-выборка: {report}"))
        # Fixtures load raw, without the signals that schedule recomputes: recompute all.
        from funding.services import funding_totals_recompute_all

        report = funding_totals_recompute_all()
        self.stdout.write(self.style.SUCCESS(f"Итоги финансирования пересчитаны: {report}"))
        # Fixtures load without history as well: give each new object its first record, so
        # that the first edit in the admin shows what it replaced.
        from history.services import history_record_initial

        written = history_record_initial()
        self.stdout.write(self.style.SUCCESS(f"Начальных записей истории: {written}"))
