"""The import workflow used by the web pages and the command line alike:
check a file (a preview), then import it once."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import IO

from django.core.files.base import ContentFile, File
from django.utils import timezone

from tracker.core.access_log import consultation_scope, consulted
from tracker.core.errors import DomainError
from tracker.core.imports.limits import Limits
from tracker.core.imports.reading import FileRefused, RowError, open_table
from tracker.core.imports.registry import ImportKind
from tracker.core.imports.running import ImportOutcome, Progress, run_rows
from tracker.core.models import ImportJob, User


class ImportError_(DomainError):
    """An import that cannot go ahead (already imported, or refused)."""


def check_file(
    kind: ImportKind,
    file: IO[bytes] | bytes,
    filename: str,
    *,
    by: User | None,
    dry_run: bool = True,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Read and check (or with dry_run=False, import) a file outside the web workflow.
    `file` is an open binary file (read as a stream, left open) or the bytes of one."""
    try:
        table = open_table(
            file, filename, required=kind.required_columns, optional=kind.optional_columns + kind.export_only_columns
        )
    except FileRefused as refused:
        return ImportOutcome(errors=refused.errors)
    try:
        table.progress = progress
        return run_rows(kind.importer, table, by=by, dry_run=dry_run)
    except FileRefused as refused:
        return ImportOutcome(errors=refused.errors)
    finally:
        table.close()


def _store(job: ImportJob, outcome: ImportOutcome) -> None:
    """The counts, and the first problems (IMPORT_PROBLEMS_SHOWN): a file of
    100,000 bad rows must not make a 100,000-row job or preview page."""
    job.rows, job.new, job.updated, job.unchanged = outcome.rows, outcome.new, outcome.updated, outcome.unchanged
    job.problems = len(outcome.errors)
    job.errors = [asdict(e) for e in outcome.errors[: Limits.from_settings().problems_shown]]


def preview_import(kind: ImportKind, file: IO[bytes] | bytes, filename: str, *, by: User) -> ImportJob:
    """Check an uploaded file without writing any record; keep it (through the
    storage API) for confirmation. `file` is read as a stream, never whole.

    Not atomic on purpose: checking a long file must hold no transaction (on SQLite,
    no write lock) while other people save their work. The job row is one insert."""
    with consultation_scope() as check:
        outcome = check_file(kind, file, filename, by=by, dry_run=True)
    # The people the check consulted: logged for this request, and kept on the job
    # so that each view of the check page names them too.
    consulted(people=check.people, action=check.action, way=check.way)
    job = ImportJob(
        kind=kind.slug,
        file_name=filename[:255],
        uploaded_by=by,
        status=ImportJob.Status.PREVIEWED if outcome.ok else ImportJob.Status.REFUSED,
    )
    _store(job, outcome)
    job.people_checked = sorted(check.people)
    stored = ContentFile(file) if isinstance(file, bytes) else file if isinstance(file, File) else File(file)
    job.file.save(filename, stored, save=False)
    job.save()
    return job


def confirm_import(job: ImportJob, kind: ImportKind, *, by: User) -> ImportJob:
    """Import a previewed file, once. A second confirmation is refused; if the data
    changed since the preview so that a row is now invalid, nothing is written."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.IMPORTING
    )
    if not claimed:
        raise ImportError_("This file has already been imported, or was refused. Upload it again to start over.")
    try:
        # The file is checked again outside any transaction; the kind's runner makes
        # its write one transaction. The claim above keeps the job from being
        # confirmed twice meanwhile.
        with job.file.open("rb") as handle:
            outcome = check_file(kind, handle, job.file_name, by=by, dry_run=False)
        _store(job, outcome)
        if outcome.ok:
            job.status = ImportJob.Status.IMPORTED
            job.imported_at = timezone.now()
        else:
            job.status = ImportJob.Status.REFUSED
        job.save()
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PREVIEWED)
        raise
    return job


def job_errors(job: ImportJob) -> list[RowError]:
    return [RowError(**e) for e in job.errors]


def delete_refused_files(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete the stored files of refused uploads at least `older_than` old: they
    may hold personal data and will never be imported. The jobs stay (what was
    refused, by whom, when, and why). Returns how many files were deleted; running
    it again deletes nothing more."""
    cutoff = (now or timezone.now()) - older_than
    jobs = ImportJob.objects.filter(status=ImportJob.Status.REFUSED, uploaded_at__lt=cutoff).exclude(file="")
    deleted = 0
    for job in jobs.iterator():
        # The storage API: a local folder or a shared bucket alike. A file already
        # gone is no error, so a run interrupted half-way can simply run again.
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted
