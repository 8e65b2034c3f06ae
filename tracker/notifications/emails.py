"""An outbox row as an email: a subject naming the reference and the kind of event,
and a short plain-text body from templates/notifications/email/<kind>.txt with the
link to sign in. Nothing else reaches the email: the row holds no names or notes."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from .models import RULES, OutboxEmail


def render_email(row: OutboxEmail) -> tuple[str, str]:
    rules = RULES[row.kind]
    # A summary (an import's referrals) has a count for its reference and lists the numbers.
    summary = bool(rules.summary_subject and row.detail)
    subject = f"{row.reference}: {rules.summary_subject if summary else rules.subject}"
    body = render_to_string(
        f"notifications/email/{row.kind}.txt",
        {
            "reference": row.reference,
            "link": settings.SITE_URL + row.path,
            "detail": row.detail,
            "preferences_link": settings.SITE_URL + reverse("password_change") + "#notifications",
            "label": row.get_kind_display(),
        },
    )
    return subject, body.strip() + "\n"
