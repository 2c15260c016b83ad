from collections import Counter

from django.core.management.base import BaseCommand

from funding.services import funding_totals_check, funding_totals_reconcile

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Сверяет все итоги финансирования со строками и пересчитывает их (то же, что "
        "периодическая сверка Celery beat). Печатает, какие итоги были неверны."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Только проверить, ничего не пересчитывать; код выхода 1, если есть расхождения.",
        )

    def handle(self, *args, check: bool = False, **options):
        if check:
            problems = funding_totals_check()
            self._print(problems)
            if problems:
                raise SystemExit(1)
            return
        report = funding_totals_reconcile()
        self._print(report.discrepancies)
        self.stdout.write(
            self.style.SUCCESS(
                f"Исправлено итогов: {report.corrected}. Пересчитано: {report.recompute}"
            )
        )

    def _print(self, problems) -> None:
        if not problems:
            self.stdout.write("Все итоги совпадают со строками финансирования.")
            return
        by_kind = Counter((p.kind, p.problem) for p in problems)
        summary = ", ".join(
            f"{kind} {problem}: {n}" for (kind, problem), n in sorted(by_kind.items())
        )
        self.stdout.write(self.style.WARNING(f"Расхождений: {len(problems)} ({summary})"))
        for problem in problems[:SHOWN]:
            self.stdout.write(f"  {problem}")
        if len(problems) > SHOWN:
            self.stdout.write(f"  … и ещё {len(problems) - SHOWN}")
