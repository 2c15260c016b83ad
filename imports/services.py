"""Spreadsheet imports: a dry run that previews every row, then an all-or-nothing commit.

Both run the very same code: every row is written through the write services inside one
transaction (each row in its own savepoint, so one bad row does not hide the next one's
error). A dry run then rolls everything back; a commit keeps it only if no row failed.
So the preview shows exactly what the commit will do, refusals by the gate included.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from imports.choices import ImportKind, ImportStatus, RowStatus
from imports.kinds import KIND_ORDER, KINDS, Context, RowError
from imports.models import ImportJob
from imports.reading import FileError, read_rows

logger = logging.getLogger(__name__)

# Files up to this size (~500 rows) are checked and written in the request; larger ones
# (10 000 rows) by a Celery worker, the admin page showing the progress.
INLINE_MAX_BYTES = 100_000
PROGRESS_EVERY = 200


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a failed commit."""


@dataclass
class ImportPart:
    """One file of an import: its kind and its rows (row number, {column code: text})."""

    kind: str
    filename: str
    rows: list[tuple[int, dict]]


@dataclass
class ImportResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    committed: bool = False

    @property
    def has_errors(self) -> bool:
        return self.counts[RowStatus.ERROR] > 0


def import_part_read(*, kind: str, filename: str, content: bytes) -> ImportPart:
    """Parse a CSV/XLSX file of a template kind; raises FileError (Russian) if unreadable.
    The template's example row, left in the file, is not a row to import."""
    spec = KINDS[kind]
    rows = read_rows(filename, content, spec.columns)
    example = {code: value for code, value in spec.example.items() if value}
    rows = [
        (number, row)
        for number, row in rows
        if not example or {k: v for k, v in row.items() if v} != example
    ]
    return ImportPart(kind, filename, rows)


def _duplicates(part: ImportPart, ctx: Context) -> dict[int, str]:
    """Rows whose key an earlier row of the same file has: row number → the error. Two rows
    on one record would otherwise silently overwrite each other."""
    kind = KINDS[part.kind]
    first: dict[tuple, int] = {}
    errors = {}
    for number, row in part.rows:
        try:
            key = kind.file_key(row, ctx)
        except (RowError, ValidationError):
            continue  # the row's own error is reported when it is processed
        if key is None:
            continue
        if key in first:
            errors[number] = (
                f"Строка {number} повторяет строку {first[key]}: та же запись "
                "(тот же ключ) в одном файле. Объедините строки или удалите лишнюю."
            )
        else:
            first[key] = number
    return errors


def _messages(error: Exception, kind, row: dict) -> list[str]:
    if isinstance(error, RowError):
        return [f"столбец «{kind.label(error.column)}»: {error.message}"]
    if isinstance(error, PermissionDenied):
        return [f"отказано: {error}" if str(error) else "отказано: нет прав на эту запись."]
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            out = []
            for name, errors in error.message_dict.items():
                column = next((c.label for c in kind.columns if c.code == name), name)
                out += [f"столбец «{column}»: {message}" for message in errors]
            return out
        return list(error.messages)
    raise error


def import_run(
    *,
    parts: list[ImportPart],
    actor,
    commit: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check (commit=False) or write (commit=True) every row of `parts`, in KIND_ORDER.

    Writes only through the write services with `actor`; a commit keeps the rows only when
    none failed (then the services' totals recomputes run after the commit). Returns the
    per-row outcome: new / changed (with the field diff) / unchanged / error (Russian,
    naming the row and column).
    """
    result = ImportResult()
    ordered = sorted(parts, key=lambda p: KIND_ORDER.index(p.kind))
    done = 0
    try:
        with transaction.atomic():
            ctx = Context(actor)
            for part in ordered:
                kind = KINDS[part.kind]
                duplicates = _duplicates(part, ctx)
                for number, row in part.rows:
                    entry: dict[str, Any] = {"file": part.filename, "row": number}
                    if number in duplicates:
                        entry.update(status=RowStatus.ERROR, errors=[duplicates[number]])
                        result.counts[RowStatus.ERROR] += 1
                        result.rows.append(entry)
                        done += 1
                        continue
                    try:
                        with transaction.atomic():
                            outcome = kind.process(row, ctx)
                    except (RowError, PermissionDenied, ValidationError) as exc:
                        messages = _messages(exc, kind, row)
                        entry.update(
                            status=RowStatus.ERROR,
                            errors=[f"Строка {number}, {m}" for m in messages],
                        )
                    else:
                        entry.update(
                            status=outcome.status,
                            key=outcome.key,
                            diff=outcome.diff,
                            notes=outcome.notes,
                            new_organisations=outcome.new_organisations,
                        )
                        if outcome.new_organisations:
                            result.counts["new_organisations"] += len(outcome.new_organisations)
                        if outcome.conflicts:
                            result.counts["conflicts"] += outcome.conflicts
                    result.counts[entry["status"]] += 1
                    result.rows.append(entry)
                    done += 1
                    if progress and done % PROGRESS_EVERY == 0:
                        progress(done)
            if not commit or result.has_errors:
                raise _Rollback
            result.committed = True
    except _Rollback:
        pass
    if progress:
        progress(done)
    return result


# --- jobs (admin) ---------------------------------------------------------------------------


def import_job_create(*, kind: str, filename: str, content: bytes, actor) -> ImportJob:
    """Store an uploaded file as a job (nothing is checked or written yet)."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": "Неизвестный вид данных."})
    return ImportJob.objects.create(kind=kind, filename=filename, content=content, created_by=actor)


def _claim(job_id: int, *, from_status: list[str], to_status: str) -> bool:
    return (
        ImportJob.objects.filter(pk=job_id, status__in=from_status).update(
            status=to_status, processed_rows=0, updated_at=timezone.now()
        )
        == 1
    )


def import_job_run(*, job_id: int, commit: bool) -> ImportJob | None:
    """Run a job's dry run (commit=False) or its confirmed commit, recording progress and
    the per-row result on the job. Claims the job first, so two workers never run it twice."""
    if commit:
        claimed = _claim(
            job_id, from_status=[ImportStatus.PREVIEWED], to_status=ImportStatus.COMMITTING
        )
    else:
        claimed = _claim(
            job_id, from_status=[ImportStatus.UPLOADED], to_status=ImportStatus.RUNNING
        )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        part = import_part_read(kind=job.kind, filename=job.filename, content=bytes(job.content))
    except FileError as exc:
        job.status, job.error, job.finished_at = ImportStatus.FAILED, str(exc), timezone.now()
        job.save(update_fields=["status", "error", "finished_at", "updated_at"])
        return job
    ImportJob.objects.filter(pk=job_id).update(total_rows=len(part.rows))

    progress_db = "progress" if "progress" in settings.DATABASES else "default"

    def progress(done: int) -> None:
        ImportJob.objects.using(progress_db).filter(pk=job_id).update(processed_rows=done)

    result = import_run(parts=[part], actor=job.created_by, commit=commit, progress=progress)
    job.refresh_from_db()
    job.rows, job.counts, job.is_commit = result.rows, dict(result.counts), commit
    job.finished_at = timezone.now()
    if commit:
        job.status = ImportStatus.DONE if result.committed else ImportStatus.FAILED
        if not result.committed:
            job.error = "Найдены ошибки: ничего не записано."
    else:
        job.status = ImportStatus.PREVIEWED if not result.has_errors else ImportStatus.FAILED
        if result.has_errors:
            job.error = "Найдены ошибки: исправьте файл и загрузите его снова."
    job.save()
    logger.info("import job %s %s: %s", job_id, "commit" if commit else "dry run", job.counts)
    return job


def import_job_schedule(*, job: ImportJob, commit: bool) -> bool:
    """Run a small job now, a large one on a worker after the commit; True if queued."""
    from imports.tasks import import_job_run_task

    if len(bytes(job.content)) <= INLINE_MAX_BYTES:
        import_job_run(job_id=job.pk, commit=commit)
        return False
    transaction.on_commit(lambda: import_job_run_task.delay(job.pk, commit))
    return True
