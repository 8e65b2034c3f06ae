"""The import workflow used by the web pages and the command line alike:
check a file (a preview), then import it once.

On the web each step is a task (tracker.core.imports.tasks), so a long file holds no
web worker: `upload_import` keeps the file and queues its check, `claim_import` claims
a checked job and queues its write, and the tasks call `run_check` and `run_write`.
`preview_import` and `confirm_import` do the same steps at once, in the caller.

A job's task reports its progress, with a heartbeat, through the "progress" cache
(progress.py). A job whose task has shown no sign of life for TASK_STALLED_SECONDS is
marked failed (`recover_stalled`): by the schedule, and whenever its page is read.
The write is one transaction whose last step re-reads the job, locked, and commits
only if the job is still importing by the same attempt; so a write the stall check
gave up on leaves nothing behind, whenever its worker wakes up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import DatabaseError
from django.db.models import F
from django.tasks import TaskResultStatus, task_backends
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from tracker.core.access_log import consultation_scope, consulted
from tracker.core.errors import DomainError
from tracker.core.imports import progress as job_progress
from tracker.core.imports import registry
from tracker.core.imports.limits import Limits
from tracker.core.imports.reading import FileRefused, RowError, open_table
from tracker.core.imports.registry import ImportKind
from tracker.core.imports.running import ImportOutcome, Progress, run_rows
from tracker.core.models import ImportJob, User

logger = logging.getLogger(__name__)

STOPPED_CHECKING = (
    "The check stopped before it finished: the tracker lost contact with the work. "
    "Nothing was written. You can start it again."
)
STOPPED_IMPORTING = (
    "The import stopped before it finished: the tracker lost contact with the work. "
    "Nothing was written. You can start it again."
)
BROKE = (
    "The import stopped before it finished because of a problem in the tracker, not in your file. "
    "Nothing was written. You can start it again; if it stops again, tell your administrator."
)


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
    before_commit: Callable[[ImportOutcome], None] | None = None,
) -> ImportOutcome:
    """Read and check (or with dry_run=False, import) a file outside the web workflow.
    `file` is an open binary file (read as a stream, left open) or the bytes of one.
    `before_commit` is the write's last step inside its transaction (see run_rows)."""
    try:
        table = open_table(
            file, filename, required=kind.required_columns, optional=kind.optional_columns + kind.export_only_columns
        )
    except FileRefused as refused:
        return ImportOutcome(errors=refused.errors)
    try:
        table.progress = progress
        return run_rows(kind.importer, table, by=by, dry_run=dry_run, before_commit=before_commit)
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


class Superseded(Exception):
    """The job is no longer this task's to finish (marked failed, or claimed again)."""


def _stored(file: IO[bytes] | bytes) -> File[bytes]:
    return ContentFile(file) if isinstance(file, bytes) else file if isinstance(file, File) else File(file)


def _enqueue(job: ImportJob) -> None:
    """Queue the task for the job's current step, and note which task it is."""
    from tracker.core.imports import tasks  # the tasks call this module's steps

    step = tasks.write_import if job.status == ImportJob.Status.IMPORTING else tasks.check_import
    try:
        result = step.enqueue(job.pk, job.attempt)
    except Exception:
        logger.exception("Could not queue a task for import job %s", job.pk)
        _fail(job, BROKE)
        raise
    ImportJob.objects.filter(pk=job.pk, attempt=job.attempt, task_id="").update(task_id=str(result.id))


def _fail(job: ImportJob, message: str) -> bool:
    """Mark the job failed if it is still at the step and attempt `job` says.
    Whatever it was writing is rolled back, or will be (see `run_write`)."""
    failed = ImportJob.objects.filter(pk=job.pk, status=job.status, attempt=job.attempt).update(
        status=ImportJob.Status.FAILED, failure=message
    )
    if failed:
        job_progress.forget(job.pk)
    return bool(failed)


def upload_import(kind: ImportKind, file: IO[bytes] | bytes, filename: str, *, by: User) -> ImportJob:
    """Keep an uploaded file (through the storage API) and queue its check. The
    file is read as a stream, never whole."""
    job = ImportJob(
        kind=kind.slug,
        file_name=filename[:255],
        uploaded_by=by,
        status=ImportJob.Status.QUEUED,
        queued_at=timezone.now(),
    )
    job.file.save(filename, _stored(file), save=False)
    job.save()
    _enqueue(job)
    job.refresh_from_db()
    return job


def run_check(job_id: int) -> None:
    """The check task's work: check the job's file, writing no record.

    Not atomic on purpose: checking a long file must hold no transaction (on SQLite,
    no write lock) while other people save their work. Only the job row is updated."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(status=ImportJob.Status.CHECKING):
        return  # failed meanwhile (it waited too long), or checked already
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    kind = registry.get(job.kind)
    if kind is None:
        _fail(job, "This kind of file can no longer be imported.")
        return
    recorder = job_progress.Recorder(job.pk, attempt=job.attempt)
    with consultation_scope() as check, job.file.open("rb") as handle:
        outcome = check_file(kind, handle, job.file_name, by=job.uploaded_by, dry_run=True, progress=recorder)
    # The people the check consulted are kept on the job, so that each view of the
    # check page names them (and logged for the request, when the check runs in one).
    consulted(people=check.people, action=check.action, way=check.way)
    _store(job, outcome)
    job.people_checked = sorted(check.people)
    job.status = ImportJob.Status.PREVIEWED if outcome.ok else ImportJob.Status.REFUSED
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING).update(
        status=job.status,
        rows=job.rows,
        new=job.new,
        updated=job.updated,
        unchanged=job.unchanged,
        problems=job.problems,
        errors=job.errors,
        people_checked=job.people_checked,
    )
    job_progress.forget(job.pk)


def claim_import(job: ImportJob, kind: ImportKind, *, by: User) -> ImportJob:
    """Claim a checked job for writing, once, and queue the write; or start a failed
    job again from the step it stopped at. A second claim is refused."""
    fresh = {"attempt": F("attempt") + 1, "task_id": "", "queued_at": timezone.now(), "failure": ""}
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.IMPORTING, **fresh
    )
    if not claimed:
        # A failed write starts again as a new attempt; a failed check is queued again.
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED, attempt__gt=0).update(
            status=ImportJob.Status.IMPORTING, **fresh
        ) or ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED, attempt=0).update(
            status=ImportJob.Status.QUEUED, task_id="", queued_at=timezone.now(), failure=""
        )
    if not claimed:
        raise ImportError_("This file has already been imported, or was refused. Upload it again to start over.")
    job.refresh_from_db()
    _enqueue(job)
    job.refresh_from_db()
    return job


def run_write(job_id: int, attempt: int) -> None:
    """The write task's work for one attempt: check the file again and write every
    row, in one transaction, whose last step commits only if the job is still
    importing by this attempt. A file whose rows have become invalid since the check
    is refused, and nothing is written."""
    job = (
        ImportJob.objects.select_related("uploaded_by")
        .filter(pk=job_id, status=ImportJob.Status.IMPORTING, attempt=attempt)
        .first()
    )
    if job is None:
        return  # failed meanwhile, or superseded by a later attempt
    kind = registry.get(job.kind)
    if kind is None:
        _fail(job, "This kind of file can no longer be imported.")
        return

    def finish(outcome: ImportOutcome) -> None:
        current = ImportJob.objects.select_for_update().filter(pk=job_id).values_list("status", "attempt").first()
        if current != (ImportJob.Status.IMPORTING, attempt):
            raise Superseded
        _store(job, outcome)
        job.status = ImportJob.Status.IMPORTED
        job.imported_at = timezone.now()
        job.save(update_fields=["status", "imported_at", "rows", "new", "updated", "unchanged", "problems", "errors"])

    recorder = job_progress.Recorder(job.pk, attempt=attempt)
    try:
        with job.file.open("rb") as handle:
            outcome = check_file(
                kind, handle, job.file_name, by=job.uploaded_by, dry_run=False, progress=recorder, before_commit=finish
            )
    except Superseded:
        logger.warning("Import job %s attempt %s was given up before it committed; nothing kept.", job_id, attempt)
        return
    if not outcome.ok:
        _store(job, outcome)
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.IMPORTING, attempt=attempt).update(
            status=ImportJob.Status.REFUSED,
            rows=job.rows,
            new=0,
            updated=0,
            unchanged=0,
            problems=job.problems,
            errors=job.errors,
        )
    job_progress.forget(job.pk)


def fail_job(job_id: int, attempt: int, message: str = BROKE) -> None:
    """A task that raised: its job fails with `message` (no traceback for users)."""
    job = ImportJob.objects.filter(pk=job_id, attempt=attempt, status__in=ImportJob.ACTIVE).first()
    if job is not None:
        _fail(job, message)


def preview_import(kind: ImportKind, file: IO[bytes] | bytes, filename: str, *, by: User) -> ImportJob:
    """Keep and check a file at once, in the caller (code and tests); the upload
    page queues the same check as a task instead."""
    job = ImportJob(kind=kind.slug, file_name=filename[:255], uploaded_by=by, status=ImportJob.Status.QUEUED)
    job.file.save(filename, _stored(file), save=False)
    job.save()
    run_check(job.pk)
    job.refresh_from_db()
    return job


def confirm_import(job: ImportJob, kind: ImportKind, *, by: User) -> ImportJob:
    """Import a previewed file, once, at once, in the caller. A second confirmation
    is refused; if the data changed since the preview so that a row is now invalid,
    nothing is written."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.IMPORTING, attempt=F("attempt") + 1, task_id="", queued_at=timezone.now()
    )
    if not claimed:
        raise ImportError_("This file has already been imported, or was refused. Upload it again to start over.")
    job.refresh_from_db()
    try:
        run_write(job.pk, job.attempt)
    except Exception:
        fail_job(job.pk, job.attempt)
        raise
    job.refresh_from_db()
    return job


def _task_of(job: ImportJob) -> tuple[TaskResultStatus, datetime | None] | None:
    """The status of the job's current task, and its latest time; None when the
    backend keeps no results (or it has been pruned)."""
    if not job.task_id:
        return None
    try:
        result = task_backends["default"].get_result(job.task_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return None
    times = [t for t in (result.finished_at, result.started_at, result.enqueued_at) if t is not None]
    return result.status, max(times, default=None)


def last_sign_of_life(job: ImportJob) -> datetime | None:
    """When the job's task last showed it was working on the job: its heartbeat,
    else when its task started or was queued. None while its task waits in the queue
    for a worker: waiting is not stalling."""
    reading = job_progress.read(job.pk)
    beat = datetime.fromtimestamp(reading.at, tz=UTC) if reading and reading.attempt == job.attempt else None
    task = _task_of(job)
    if task is not None:
        status, at = task
        if status == TaskResultStatus.READY:
            return None
        if status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            # The task ended, yet left the job unfinished: nothing more will come.
            return datetime.min.replace(tzinfo=UTC)
        return max((t for t in (beat, at, job.queued_at) if t is not None), default=job.uploaded_at)
    # No task to ask (none queued yet, or a backend that keeps no results).
    return max((t for t in (beat, job.queued_at) if t is not None), default=job.uploaded_at)


def recover_stalled(jobs: Iterable[ImportJob] | None = None, *, now: datetime | None = None) -> list[ImportJob]:
    """Mark failed each active job (of `jobs`, or all) whose task has shown no sign
    of life for TASK_STALLED_SECONDS. Returns those marked failed."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASK_STALLED_SECONDS)
    if jobs is None:
        jobs = ImportJob.objects.filter(status__in=ImportJob.ACTIVE)
    failed = []
    for job in jobs:
        if job.status not in ImportJob.ACTIVE:
            continue
        seen = last_sign_of_life(job)
        if seen is None or seen >= cutoff:
            continue
        message = STOPPED_IMPORTING if job.status == ImportJob.Status.IMPORTING else STOPPED_CHECKING
        try:
            marked = _fail(job, message)
        except DatabaseError:
            # On SQLite a write in progress holds the lock: then it is alive after all.
            logger.warning("Import job %s looked stalled but the database is busy; left alone.", job.pk)
            continue
        if marked:
            logger.warning("Import job %s stalled (last sign of life %s): marked failed.", job.pk, seen)
            job.status, job.failure = ImportJob.Status.FAILED, message
            failed.append(job)
    return failed


def recover_stalled_imports(slot: datetime) -> str:
    """The schedule's duty (see register())."""
    failed = recover_stalled()
    return f"Marked {len(failed)} stalled import(s) failed."


def register() -> None:
    from tracker.core import schedule

    schedule.register(
        schedule.Duty(
            name="recover-stalled-imports",
            every=timedelta(minutes=5),
            run=recover_stalled_imports,
            description=(
                "Mark failed the imports whose worker stopped (no sign of life for TASK_STALLED_SECONDS); "
                "nothing of theirs was written."
            ),
        )
    )


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
