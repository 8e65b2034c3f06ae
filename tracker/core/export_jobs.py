"""Exports written by a background task: a list export of more rows than
EXPORT_BACKGROUND_ROWS becomes an `ExportJob`, which the task `write_export` turns
into a stored file, offered for download to whoever asked and deleted a day later.

The task rebuilds the list's rows for the user as they stand when it runs, through
the list page's own view (its `visible_to(user)` scoping, filters and export joins),
from the page's path and filter query string: nothing the user could not see on the
page at that moment can reach the file."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone

from tracker.core.downloads import safe_filename
from tracker.core.exports import SpreadsheetExport, download_name
from tracker.core.models import ExportJob, User
from tracker.core.permissions import user_has_any

if TYPE_CHECKING:
    from tracker.core.lists import FilteredListView

logger = logging.getLogger(__name__)

# Files are kept this long after they are asked for.
EXPORT_FILES_KEPT = timedelta(days=1)

BROKE = "Something went wrong writing the file. Try again; if it happens again, tell the service desk."
STOPPED = "The worker writing the file stopped. Export the list again."
NO_LONGER = "You can no longer export this list."


class ExportRefused(Exception):
    """The list cannot be rebuilt for the user (gone, or no longer theirs to see)."""


def request_export(view: FilteredListView, *, fmt: str, rows: int) -> ExportJob:
    """Ask for the list `view` shows, as filtered, to be written by a background task.
    The job and its task are one transaction (the queue is a database table)."""
    from tracker.core.tasks import write_export

    query = view.request.GET.copy()
    for key in ("export", "page"):
        query.pop(key, None)
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=view.request.user,
            list_path=view.request.path[:300],
            list_title=view.sheet_name()[:100],
            query=query.urlencode(),
            format=fmt,
            rows=rows,
            file_name=safe_filename(download_name(view.export_name, fmt)),
        )
        write_export.enqueue(job.pk)
    return job


def list_view_for(job: ExportJob) -> FilteredListView:
    """The list page's view, set up as if the user who asked requested the export now."""
    from tracker.core.lists import FilteredListView

    try:
        match = resolve(job.list_path)
    except Resolver404 as error:
        raise ExportRefused(NO_LONGER) from error
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, FilteredListView)):
        raise ExportRefused(NO_LONGER)
    user = job.requested_by
    # The role middleware's check, made again: the user's roles may have changed.
    if not user.is_active or not user_has_any(user, view_class.allowed_roles):
        raise ExportRefused(NO_LONGER)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.list_path
    query = QueryDict(job.query, mutable=True)
    query["export"] = job.format
    query._mutable = False
    request.GET = query  # type: ignore[assignment]  # an immutable QueryDict, as Django's own
    request.user = user
    view = view_class()
    view.setup(request, *match.args, **match.kwargs)
    return view


def run_export(job_id: int) -> ExportJob | None:
    """Write the file `job_id` asked for, once: the job is claimed (queued → writing),
    the rows rebuilt for its user, written by the streaming writers to a temporary
    file and stored. Marked ready only if it is still this attempt's."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.WRITING, started_at=timezone.now(), progress_at=timezone.now()
    )
    if not claimed:
        return None  # done, failed or taken by another worker
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        view = list_view_for(job)
        rows = view.filtered_rows()
        people = view.export_people(rows)

        def progress(written: int) -> None:
            ExportJob.objects.filter(pk=job_id).update(written=written, progress_at=timezone.now())

        export = SpreadsheetExport(
            view.get_resource(), view.export_queryset(rows), fmt=job.format, title=view.sheet_name(), progress=progress
        )
        with tempfile.TemporaryFile() as out:
            export.write(out)
            out.seek(0)
            _store(job, File(out, name=job.file_name), rows=export.rows, people=people)
    except ExportRefused as refused:
        _fail(job_id, str(refused))
    except Exception:
        _fail(job_id, BROKE)
        raise
    job.refresh_from_db()
    return job


def _store(job: ExportJob, content: File[bytes], *, rows: int, people: Collection[int] | None) -> None:
    name = job.file.field.generate_filename(job, job.file_name or f"export.{job.format}")
    stored = job.file.storage.save(name, content)
    with transaction.atomic():
        still_ours = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.WRITING).update(
            status=ExportJob.Status.READY,
            file=stored,
            rows=rows,
            written=rows,
            people=sorted(people) if people is not None else None,
            finished_at=timezone.now(),
        )
    if not still_ours:
        # Given up as stalled meanwhile: the file belongs to no job.
        job.file.storage.delete(stored)


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.WRITING).update(
        status=ExportJob.Status.FAILED, message=message[:300], finished_at=timezone.now()
    )


def give_up_stalled_exports(now: datetime | None = None) -> int:
    """Jobs writing with no progress for TASK_STALLED_SECONDS lost their worker."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.TASK_STALLED_SECONDS)
    stalled = ExportJob.objects.filter(status=ExportJob.Status.WRITING, progress_at__lt=cutoff).update(
        status=ExportJob.Status.FAILED, message=STOPPED, finished_at=timezone.now()
    )
    if stalled:
        logger.warning("Gave up %s export(s) whose worker stopped.", stalled)
    return stalled


def job_for(user: User, pk: int) -> ExportJob:
    """The job, if `user` asked for it: anyone else's is a 404, as an unknown one is."""
    job = get_object_or_404(ExportJob, pk=pk, requested_by=user)
    if job.status == ExportJob.Status.WRITING and give_up_stalled_exports():
        job.refresh_from_db()
    return job


def delete_old_exports(slot: datetime) -> str:
    """Delete export files (and their jobs) asked for more than a day before `slot`."""
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=slot - EXPORT_FILES_KEPT).iterator():
        if job.file.name:
            job.file.storage.delete(job.file.name)
        job.delete()
        deleted += 1
    line = f"Deleted {deleted} export(s) older than a day."
    logger.info(line)
    return line
