"""The pages of a background export: where it stands (followed by the page's script,
or refreshed without one), its status as JSON, and the download once written. Each
is seen only by whoever asked; anyone else gets the 404 an unknown export gets."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.core.downloads import attachment
from tracker.core.export_jobs import EXPORT_FILES_KEPT, ExportRefused, job_for, list_view_for
from tracker.core.exports import FORMATS
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import ExportJob
from tracker.core.permissions import any_role


def _list_url(job: ExportJob) -> str:
    return job.list_path + (f"?{job.query}" if job.query else "")


@require_GET
@any_role
def export_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = job_for(request.user, pk)
    context = {
        "job": job,
        "list_url": _list_url(job),
        "kept_until": job.created_at + EXPORT_FILES_KEPT,
    }
    return render(request, "core/export_job.html", context)


@require_GET
@any_role
def export_job_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The job's status for the page's script, which reloads the page when done."""
    job = job_for(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "done": job.done,
            "written": job.written,
            "rows": job.rows,
        }
    )


@require_GET
@any_role
def export_job_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The written file. Downloading it is the consultation of the people it names,
    logged as the list logs an export made at once; the user must still be allowed
    the list."""
    job = job_for(request.user, pk)
    if job.status != ExportJob.Status.READY or not job.file:
        raise Http404
    try:
        view = list_view_for(job)
    except ExportRefused as refused:
        raise Http404 from refused
    if job.people is not None:
        view.log_export(request, job.people)
    response = FileResponse(job.file.open("rb"), content_type=FORMATS[job.format]().get_content_type())
    attachment(response, job.file_name)
    return response
