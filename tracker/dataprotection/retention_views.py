"""The data protection officer's retention pages: the review queue, a person's data
protection page (what is held, decisions, restriction), and the forms for each step.
Each page showing a person's personal data writes the consultation log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from interventions.models import Offender, PersonDataEvent
from interventions.retention import RetentionError, lift_restriction, restrict_processing
from tracker.core.access_log import log_access
from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.models import AccessLog
from tracker.core.permissions import DATA_PROTECTION, roles_required

from . import retention
from .models import RetentionDecision
from .retention_forms import KeepForm, ReasonForm

QUEUE_PAGE_SIZE = 50


@roles_required(DATA_PROTECTION)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(retention.reviews_due(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    people = list(page.object_list)
    rows = [(person, retention.due_on(person)) for person in people]
    # Any person, due or not (to restrict processing, or an erasure request), by case
    # reference: the same reference may be in several organisations' books.
    reference = request.GET.get("reference", "").strip()[:30]
    found = list(Offender.objects.filter(case_reference__iexact=reference).order_by("id")[:20]) if reference else []
    log_access(request.user, people + found, action=AccessLog.Action.LIST, request=request)
    return render(
        request,
        "dataprotection/retention/queue.html",
        {
            "title": "Retention reviews due",
            "page": page,
            "rows": rows,
            "years": retention.review_years(),
            "reference": reference,
            "found": found,
        },
    )


def _person(pk: int) -> Offender:
    person: Offender = get_object_or_404(
        retention.with_review_dates(Offender.objects.select_related("holding_organisation", "kept_by")), pk=pk
    )
    return person


@roles_required(DATA_PROTECTION)
def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = _person(pk)
    log_access(request.user, [subject], action=AccessLog.Action.VIEW, request=request)
    return render(
        request,
        "dataprotection/retention/person.html",
        {
            "title": "Disposed person" if subject.disposed_at else subject.full_name,
            "person": subject,
            "due_on": retention.due_on(subject),
            "is_due": retention.reviews_due().filter(pk=subject.pk).exists(),
            "held": retention.holdings(subject),
            # A disposal is shown once, by its event; keep decisions have no other record.
            "decisions": RetentionDecision.objects.filter(
                person=subject, decision=RetentionDecision.Decision.KEEP
            ).select_related("by"),
            "events": PersonDataEvent.objects.filter(person=subject).select_related("by"),
        },
    )


def _step(
    request: AuthenticatedHttpRequest,
    subject: Offender,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    act: Any,
    done: str,
    warning: str = "",
    danger: bool = False,
) -> HttpResponse:
    """Validate → call the service → back to the person's page; a refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except RetentionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect("dataprotection:retention-person", pk=subject.pk)
    log_access(request.user, [subject], action=AccessLog.Action.FORM, request=request)
    return render(
        request,
        "dataprotection/retention/form.html",
        {
            "title": title,
            "caption": f"{subject.full_name} ({subject.case_reference})",
            "form": form,
            "submit": submit,
            "warning": warning,
            "danger": danger,
            "back_url": reverse("dataprotection:retention-person", args=[subject.pk]),
        },
    )


def _data(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@roles_required(DATA_PROTECTION)
def keep(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = _person(pk)
    return _step(
        request,
        subject,
        KeepForm(_data(request)),
        title="Keep this person's records",
        submit="Keep the records",
        act=lambda data: retention.decide_keep(
            subject, by=request.user, reason=data["reason"], next_review_on=data["next_review_on"]
        ),
        done="Decision recorded: the records are kept until their next review.",
    )


@roles_required(DATA_PROTECTION)
def dispose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = _person(pk)
    form = ReasonForm(
        _data(request),
        message="Enter the reason for disposing of this person's data",
        label="Why is the personal data being disposed of?",
        hint="For example the review found it is no longer needed, or the person asked for erasure.",
    )
    return _step(
        request,
        subject,
        form,
        title="Dispose of this person's personal data",
        submit="Dispose of the personal data",
        act=lambda data: retention.decide_dispose(subject, by=request.user, reason=data["reason"]),
        done="The person's personal data has been disposed of. Their records still count in every figure.",
        warning=(
            "This erases the person's names, date of birth, case reference and every note on their records, "
            "including their history. It cannot be undone."
        ),
        danger=True,
    )


@roles_required(DATA_PROTECTION)
def restrict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = _person(pk)
    lifting = subject.processing_restricted
    form = ReasonForm(
        _data(request),
        message="Enter the reason for lifting the restriction"
        if lifting
        else "Enter the reason for restricting processing",
        label="Why is the restriction being lifted?" if lifting else "Why is processing being restricted?",
        hint="For example the dispute about the accuracy of the records has been resolved."
        if lifting
        else "For example the person disputes the accuracy of their records.",
    )
    service = lift_restriction if lifting else restrict_processing
    return _step(
        request,
        subject,
        form,
        title="Lift the restriction" if lifting else "Restrict processing",
        submit="Lift the restriction" if lifting else "Restrict processing",
        act=lambda data: service(subject, by=request.user, reason=data["reason"]),
        done="The restriction has been lifted." if lifting else "Processing is restricted.",
        warning=""
        if lifting
        else "While restricted, the person and their referrals are hidden from everyone but the data "
        "protection officer and administrators. Figures still count them.",
    )
