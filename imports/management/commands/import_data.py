from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.choices import ImportKind, RowStatus
from imports.reading import FileError
from imports.services import import_part_read, import_run


class Command(BaseCommand):
    help = (
        "Загружает таблицы CSV/XLSX по шаблонам (тот же путь, что и в админке): сначала "
        "проверка каждой строки, с --commit — запись всех строк или ни одной. "
        "Файл задаётся как ВИД=путь или путь, имя которого — вид: "
        + ", ".join(ImportKind.values)
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="ВИД=путь или путь/ВИД.csv")
        parser.add_argument("--commit", action="store_true", help="Записать (иначе проверка).")
        parser.add_argument("--user", help="Имя пользователя, от чьего имени запись.")
        parser.add_argument("--quiet-rows", action="store_true", help="Не печатать строки.")

    def handle(self, *args, files, commit=False, user=None, quiet_rows=False, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"Нет пользователя {user}.") from exc
        parts = []
        for spec in files:
            kind, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
            kind = kind or Path(path).stem
            if kind not in ImportKind.values:
                raise CommandError(f"{spec}: неизвестный вид «{kind}».")
            try:
                parts.append(
                    import_part_read(kind=kind, filename=path, content=Path(path).read_bytes())
                )
            except (OSError, FileError) as exc:
                raise CommandError(str(exc)) from exc
        result = import_run(parts=parts, actor=actor, commit=commit)
        for row in result.rows:
            if row["status"] == RowStatus.ERROR:
                for message in row["errors"]:
                    self.stderr.write(f"{row['file']}: {message}")
            elif not quiet_rows and row["status"] != RowStatus.UNCHANGED:
                diff = "; ".join(f"{k}: {old} → {new}" for k, (old, new) in row["diff"].items())
                self.stdout.write(f"{row['file']}:{row['row']} {row['status']} {row['key']} {diff}")
        summary = ", ".join(
            f"{RowStatus(s).label}: {result.counts[s]}"
            for s in RowStatus.values
            if result.counts[s]
        )
        if result.has_errors:
            raise CommandError(f"Ничего не записано. {summary}")
        verb = "Записано" if result.committed else "Проверено (ничего не записано)"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {summary or 'нет строк'}"))
