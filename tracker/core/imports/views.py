"""Import pages: choose a kind, upload, follow the check, see every error by row,
confirm, follow the write. The check and the write run as tasks; the job page shows
their progress (and its status endpoint answers the page's script)."""

from __future__ import annotations

from datetime import timedelta

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tracker.core.access_log import consulted
from tracker.core.downloads import attachment
from tracker.core.exports import FORMATS, sheet_title
from tracker.core.forms import GovUKForm
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.imports import progress, registry
from tracker.core.imports.reading import max_bytes
from tracker.core.imports.services import ImportError_, claim_import, job_errors, recover_stalled, upload_import
from tracker.core.models import AccessLog, ImportJob, User
from tracker.core.permissions import IMPORTS, roles_required
from tracker.core.sessions import leave_unsaved


class UploadForm(GovUKForm):
    file = forms.FileField(
        label="File",
        help_text="A CSV (.csv) or Excel workbook (.xlsx) with a header row.",
        error_messages={"required": "Choose a CSV or Excel file to import"},
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(f"The file is larger than the {max_bytes() // (1024 * 1024)} MB limit.")
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV (.csv) or Excel workbook (.xlsx).")
        return upload


def _kind_for(user: User, slug: str) -> registry.ImportKind:
    kind = registry.get(slug)
    if kind is None or not user.has_role(*kind.roles):
        raise Http404
    return kind


@roles_required(IMPORTS)
def import_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    kinds = registry.kinds_for(user)
    jobs = ImportJob.objects.filter(uploaded_by=user, kind__in=[k.slug for k in kinds]).select_related("uploaded_by")[
        :20
    ]
    return render(request, "core/imports/index.html", {"kinds": kinds, "jobs": jobs})


@roles_required(IMPORTS)
def import_template(request: AuthenticatedHttpRequest, slug: str, fmt: str) -> HttpResponse:
    """A kind's empty file: the header row of every column it reads, to fill in."""
    kind = _kind_for(request.user, slug)
    if fmt not in FORMATS:
        raise Http404
    file_format = FORMATS[fmt]()
    dataset = tablib.Dataset(headers=list(kind.columns), title=sheet_title(kind.slug))
    response = HttpResponse(file_format.export_data(dataset), content_type=file_format.get_content_type())
    attachment(response, f"{kind.slug}-template.{fmt}")
    return response


@roles_required(IMPORTS)
def import_example(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A kind's example file (under fixtures/), as the import reads it."""
    kind = _kind_for(request.user, slug)
    if not kind.example:
        raise Http404
    path = settings.BASE_DIR / kind.example
    response = HttpResponse(path.read_bytes(), content_type="text/csv; charset=utf-8")
    attachment(response, path.name)
    return response


@roles_required(IMPORTS)
def import_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    user: User = request.user
    kind = _kind_for(user, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # The upload is stored as a stream (a temporary file when large), never read
        # whole; its check runs as a task, and the job's page follows it.
        job = upload_import(kind, upload, upload.name, by=user)
        return redirect("import-preview", pk=job.pk)
    return render(request, "core/imports/upload.html", {"kind": kind, "form": form})


def _job_for(user: User, pk: int) -> tuple[ImportJob, registry.ImportKind]:
    """The user's own job (any other answers as one that does not exist), given up
    as failed first if its task has stalled."""
    job = get_object_or_404(ImportJob, pk=pk, uploaded_by=user)
    kind = _kind_for(user, job.kind)
    if job.status in ImportJob.ACTIVE:
        recover_stalled([job])
    return job, kind


def _progress(job: ImportJob) -> dict[str, object]:
    """What the job page says of a job, and its status endpoint answers."""
    active = job.status in ImportJob.ACTIVE
    answer: dict[str, object] = {
        "status": job.status,
        "status_label": job.get_status_display(),
        "active": active,
        "step": "",
        "done": 0,
        "total": 0,
        "percent": 0,
        "text": "",
    }
    if not active:
        return answer
    reading = progress.read(job.pk)
    if reading is not None and reading.attempt != job.attempt:
        reading = None
    if job.status == ImportJob.Status.QUEUED or reading is None:
        waiting = "Waiting to start checking" if job.status != ImportJob.Status.IMPORTING else "Waiting to start"
        text = f"{waiting}."
        since = job.queued_at or job.uploaded_at
        if since and timezone.now() - since > timedelta(seconds=settings.TASK_STALLED_SECONDS):
            # A task waits for a free worker; a long wait is not a failure, but say so.
            text += (
                " This is taking longer than usual: other imports may be ahead of this one. If it has not"
                " started within the hour, tell your administrator (the tracker's background worker may"
                " not be running)."
            )
        answer.update(step=waiting, text=text)
        return answer
    if job.status == ImportJob.Status.IMPORTING:
        steps = {"read": "Rows checked again", "written": "Rows written"}
    else:
        steps = {"read": "Rows checked", "counted": "Rows counted as new, updated or unchanged"}
    step = steps.get(reading.verb, "Starting")
    if reading.verb == "read" and reading.passes > 1:
        step = "Rows compared for repeats"
    text = f"{step}: {reading.done:,} of {reading.total:,}" if reading.total else f"{step}."
    answer.update(step=step, done=reading.done, total=reading.total, percent=reading.percent, text=text)
    return answer


@roles_required(IMPORTS)
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user
    job, kind = _job_for(user, pk)
    errors = job_errors(job)
    # The check's findings are about the people it compared rows with.
    consulted(people=job.people_checked, action=AccessLog.Action.IMPORT, way=AccessLog.Way.IMPORT)
    problems = max(job.problems, len(errors))
    context = {
        "job": job,
        "kind": kind,
        "errors": errors,
        "problems": problems,
        "not_shown": problems - len(errors),
        "progress": _progress(job),
    }
    return render(request, "core/imports/preview.html", context)


@never_cache
@roles_required(IMPORTS)
def import_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The job's status and progress, for the job page's script to follow. Asked
    every second, it writes nothing (not even the session's last use)."""
    leave_unsaved(request.session)
    job, _ = _job_for(request.user, pk)
    return JsonResponse(_progress(job))


@require_POST
@roles_required(IMPORTS)
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm a checked file, or start a failed job again ("Import again"): the
    write (or the check) is queued, and the job's page follows it."""
    user: User = request.user
    job, kind = _job_for(user, pk)
    try:
        job = claim_import(job, kind, by=user)
    except ImportError_ as error:
        messages.error(request, error.message)
        return redirect("import-preview", pk=job.pk)
    job.refresh_from_db()
    if job.status == ImportJob.Status.IMPORTED:
        messages.success(
            request, f"Imported {job.file_name}: {job.new:,} new, {job.updated:,} updated, {job.unchanged:,} unchanged."
        )
    elif job.status == ImportJob.Status.REFUSED:
        messages.error(request, "Nothing was imported: the data changed since the check. See the errors below.")
    return redirect("import-preview", pk=job.pk)
