"""Subject access pages for the DPO and administrators: the list of requests,
recording one, the request page (preview and redactions), and producing the pack."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from interventions.models import Offender
from tracker.core.access_log import log_access
from tracker.core.downloads import attachment
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import AccessLog
from tracker.core.pdf import render_pdf
from tracker.core.permissions import DATA_PROTECTION, roles_required

from . import subject_access as sar
from . import subject_access_api as api
from .disclosure_pack import Pack, build_pack
from .models import SubjectAccessRequest
from .subject_access_forms import PersonSearchForm, RedactionForm, RequestForm

PER_PAGE = 50


@roles_required(DATA_PROTECTION)
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(sar.requests_for_list(), PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    log_access(request.user, rows, action=AccessLog.Action.LIST, request=request)
    return render(
        request,
        "dataprotection/subject_access/list.html",
        {"title": "Subject access requests", "page": page, "rows": rows},
    )


@roles_required(DATA_PROTECTION)
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Two steps on one page: find the person, then record the request for them."""
    person = None
    if person_id := request.GET.get("person") or request.POST.get("person"):
        try:
            person = Offender.objects.select_related("holding_organisation").get(pk=int(person_id))
        except (ValueError, Offender.DoesNotExist):
            raise Http404 from None
    if person is None:
        search = PersonSearchForm(request.GET if "q" in request.GET else None)
        results = sar.find_people(search.cleaned_data["q"]) if search.is_valid() else []
        if results:
            log_access(request.user, results, action=AccessLog.Action.SEARCH, request=request)
        return render(
            request,
            "dataprotection/subject_access/find_person.html",
            {
                "title": "Record a subject access request",
                "search": search,
                "searched": search.is_valid(),
                "results": results,
            },
        )
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = sar.record_request(
                person=person,
                received_on=form.cleaned_data["received_on"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except sar.SubjectAccessError as error:
            form.add_error("received_on", error.message)
        else:
            messages.success(
                request, f"{created.reference} recorded. The pack is due by {date_format(created.deadline, 'j F Y')}."
            )
            return redirect("dataprotection:sar", created.pk)
    log_access(request.user, [person], action=AccessLog.Action.FORM, request=request)
    return render(
        request,
        "dataprotection/subject_access/new.html",
        {"title": "Record a subject access request", "form": form, "person": person},
    )


def _get(pk: int) -> SubjectAccessRequest:
    found: SubjectAccessRequest = get_object_or_404(
        sar.requests_for_list().select_related("person__holding_organisation", "recorded_by", "produced_by"), pk=pk
    )
    return found


@roles_required(DATA_PROTECTION)
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The request, a preview of the pack as it would be produced now, and the
    flagged items with their redaction checkboxes."""
    subject_request = _get(pk)
    pack = build_pack(subject_request.person, redactions=sar.redactions_of(subject_request), request=subject_request)
    form = RedactionForm(request.POST if request.method == "POST" else None, items=pack.flagged)
    if request.method == "POST" and form.is_valid():
        try:
            sar.set_redactions(subject_request, by=request.user, marks=form.marks)
        except sar.SubjectAccessError as error:
            messages.error(request, error.message)
        else:
            count = len(form.marks)
            messages.success(request, f"Redactions saved: {count} {'item' if count == 1 else 'items'} withheld.")
        return redirect("dataprotection:sar", subject_request.pk)
    log_access(request.user, [subject_request], action=AccessLog.Action.VIEW, request=request)
    return render(
        request,
        "dataprotection/subject_access/detail.html",
        {
            "title": f"Subject access request {subject_request.reference}",
            "subject_request": subject_request,
            "pack": pack.data,
            "form": form,
            "closed": subject_request.status == SubjectAccessRequest.Status.CLOSED,
        },
    )


def _produce(request: AuthenticatedHttpRequest, pk: int, way: str) -> Pack | HttpResponse:
    subject_request = _get(pk)
    try:
        return sar.produce_pack(subject_request, by=request.user, way=way, http_request=request)
    except sar.SubjectAccessError as error:
        messages.error(request, error.message)
        return redirect("dataprotection:sar", subject_request.pk)


def _file_name(pack: Pack, extension: str) -> str:
    return f"disclosure-pack-{pack.data['request']['reference']}.{extension}"


@require_POST
@roles_required(DATA_PROTECTION)
def pack_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pack = _produce(request, pk, AccessLog.Way.PDF)
    if isinstance(pack, HttpResponse):
        return pack
    content = render_pdf(
        "dataprotection/subject_access/pack_pdf.html",
        {"title": f"Disclosure pack: {pack.data['person']['case_reference']}", "pack": pack.data},
    )
    response = HttpResponse(content, content_type="application/pdf")
    attachment(response, _file_name(pack, "pdf"))
    return response


@require_POST
@roles_required(DATA_PROTECTION)
def pack_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pack = _produce(request, pk, AccessLog.Way.API)
    if isinstance(pack, HttpResponse):
        return pack
    response = HttpResponse(api.pack_json(pack), content_type="application/json")
    attachment(response, _file_name(pack, "json"))
    return response


@require_POST
@roles_required(DATA_PROTECTION)
def request_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject_request = _get(pk)
    try:
        sar.close_request(subject_request, by=request.user)
    except sar.SubjectAccessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{subject_request.reference} closed.")
    return redirect(reverse("dataprotection:sar", args=[subject_request.pk]))
