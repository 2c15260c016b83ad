from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Загрузка и выгрузка данных"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A spreadsheet row on public data waits for review; approving it replays the row
        # through the same import, as the approver (clusters/review.py).
        from clusters.choices import ChangeKind
        from clusters.review import appliers

        appliers[ChangeKind.IMPORT_ROW] = _apply_import_row


def _apply_import_row(*, actor, change, reason) -> None:
    from django.core.exceptions import ValidationError

    from imports.kinds import KINDS, Context, RowError

    try:
        KINDS[change.data["kind"]].process(change.data["row"], Context(actor))
    except RowError as exc:
        raise ValidationError(f"Строку не записать: {exc.message}") from exc
