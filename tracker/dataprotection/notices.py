"""The data protection officer's daily email (tracker.notifications): subject access
deadlines within a week or passed, and retention reviews due, as counts and request
numbers only; sent on days when something is due."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tracker.core import schedule
from tracker.core.models import User
from tracker.notifications.models import Kind
from tracker.notifications.services import notify_each

from . import retention
from .models import SubjectAccessRequest
from .subject_access import DUE_SOON

SHOWN = 10


def daily_lines(today: datetime) -> list[str]:
    day = timezone.localdate(today)
    requests = list(
        SubjectAccessRequest.objects.filter(
            status=SubjectAccessRequest.Status.OPEN, deadline__lte=day + DUE_SOON
        ).order_by("deadline", "id")
    )
    reviews = retention.reviews_due(day).count()
    lines: list[str] = []
    if requests:
        overdue = sum(1 for r in requests if r.deadline < day)
        lines.append(f"Subject access requests due within {DUE_SOON.days} days or overdue: {len(requests)}")
        if overdue:
            lines.append(f"Of these, overdue: {overdue}")
        for r in requests[:SHOWN]:
            link = settings.SITE_URL + reverse("dataprotection:sar", args=[r.pk])
            lines.append(f"- {r.reference}, due {r.deadline:%d %b %Y}: {link}")
        if len(requests) > SHOWN:
            lines.append(f"- and {len(requests) - SHOWN} more")
    if reviews:
        if lines:
            lines.append("")
        lines.append(f"Retention reviews due: {reviews}")
    return lines


def send_daily(slot: datetime) -> str:
    """One email to each data protection officer, once a day, if anything is due."""
    lines = daily_lines(slot)
    if not lines:
        return "Nothing due: no email."
    day = timezone.localdate(slot)
    officers = User.objects.filter(is_active=True, is_data_protection_officer=True).values_list("pk", flat=True)
    path = reverse("dataprotection:index")
    emails = {pk: (f"{day:%d %b %Y}", path, f"dpo:{pk}:{day.isoformat()}", "\n".join(lines)) for pk in officers}
    return f"Queued {notify_each(Kind.DPO_DAILY, emails)} email(s) to data protection officers."


def register() -> None:
    schedule.register(
        schedule.Duty(
            name="data-protection-reminders",
            every=timedelta(days=1),
            offset=timedelta(hours=7),
            run=send_daily,
            description="Email each data protection officer the subject access deadlines and retention reviews due.",
        )
    )
