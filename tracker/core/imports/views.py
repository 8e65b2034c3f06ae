"""Import pages: choose a kind, upload, preview every error by row, confirm."""

from __future__ import annotations

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tracker.core.access_log import consulted
from tracker.core.downloads import attachment
from tracker.core.exports import FORMATS, sheet_title
from tracker.core.forms import GovUKForm
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.imports import registry
from tracker.core.imports.reading import max_bytes
from tracker.core.imports.services import ImportError_, confirm_import, job_errors, preview_import
from tracker.core.models import AccessLog, ImportJob, User
from tracker.core.permissions import IMPORTS, roles_required


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
        # The upload is read as a stream (a temporary file when large), never whole.
        job = preview_import(kind, upload, upload.name, by=user)
        return redirect("import-preview", pk=job.pk)
    return render(request, "core/imports/upload.html", {"kind": kind, "form": form})


def _job_for(user: User, pk: int) -> tuple[ImportJob, registry.ImportKind]:
    job = get_object_or_404(ImportJob, pk=pk, uploaded_by=user)
    return job, _kind_for(user, job.kind)


@roles_required(IMPORTS)
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user
    job, kind = _job_for(user, pk)
    errors = job_errors(job)
    # The check's findings are about the people it compared rows with.
    consulted(people=job.people_checked, action=AccessLog.Action.IMPORT, way=AccessLog.Way.IMPORT)
    problems = max(job.problems, len(errors))
    context = {"job": job, "kind": kind, "errors": errors, "problems": problems, "not_shown": problems - len(errors)}
    return render(request, "core/imports/preview.html", context)


@require_POST
@roles_required(IMPORTS)
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user: User = request.user
    job, kind = _job_for(user, pk)
    try:
        job = confirm_import(job, kind, by=user)
    except ImportError_ as error:
        messages.error(request, error.message)
        return redirect("import-preview", pk=job.pk)
    if job.status == ImportJob.Status.IMPORTED:
        messages.success(
            request, f"Imported {job.file_name}: {job.new} new, {job.updated} updated, {job.unchanged} unchanged."
        )
    else:
        messages.error(request, "Nothing was imported: the data changed since the check. See the errors below.")
    return redirect("import-preview", pk=job.pk)
