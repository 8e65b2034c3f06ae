"""Email notifications: the kinds of email the service sends, each user's choice of
which to get, and the outbox (one row for each email to one person).

An email carries a record's reference, the kind of event and a link to sign in:
never a person's name, date of birth or any free text (docs/notifications.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tracker.core.models import User
from tracker.core.roles import Role


class Kind(models.TextChoices):
    REFERRAL_SUBMITTED = "referral_submitted", "A referral is sent to your organisation"
    REFERRAL_NOT_ACCEPTED = "referral_not_accepted", "A referral is still waiting after 10 working days"
    REFERRAL_ACCEPTED = "referral_accepted", "A referral you made is accepted"
    REFERRAL_DECLINED = "referral_declined", "A referral you made is declined"
    REFERRAL_WITHDRAWN = "referral_withdrawn", "A referral you made is withdrawn"
    REFERRAL_COMPLETED = "referral_completed", "A referral you made is completed"
    SESSION_CONCERN = "session_concern", "A concern is recorded at a session"
    WEEKLY_DIGEST = "weekly_digest", "Your week: follow-ups, reviews and engagements"
    DPO_DAILY = "dpo_daily", "Subject access deadlines and retention reviews due"


@dataclass(frozen=True)
class KindRules:
    # Who is offered the choice: a user holding any of these roles.
    roles: frozenset[Role]
    # The email's subject after the reference ("R00012: accepted").
    subject: str
    hint: str = ""
    # Only an administrator may turn it off (safeguarding alerts).
    admin_only_off: bool = False
    # The subject of a summary of several records (an import's), if it can be one.
    summary_subject: str = ""


_REFERRERS = frozenset({Role.OFFICER, Role.LIAISON, Role.ADMIN})

RULES: dict[str, KindRules] = {
    Kind.REFERRAL_SUBMITTED: KindRules(
        frozenset({Role.LIAISON}),
        "new referral for your organisation",
        summary_subject="new referrals for your organisation",
    ),
    Kind.REFERRAL_NOT_ACCEPTED: KindRules(
        frozenset({Role.LIAISON}), "referral waiting 10 working days", hint="Sent once for each referral."
    ),
    Kind.REFERRAL_ACCEPTED: KindRules(_REFERRERS, "referral accepted"),
    Kind.REFERRAL_DECLINED: KindRules(_REFERRERS, "referral declined"),
    Kind.REFERRAL_WITHDRAWN: KindRules(_REFERRERS, "referral withdrawn"),
    Kind.REFERRAL_COMPLETED: KindRules(_REFERRERS, "referral completed"),
    Kind.SESSION_CONCERN: KindRules(
        _REFERRERS,
        "concern recorded at a session",
        hint="Sent at once to the referrer and the assigned liaison. Only an administrator can turn these off.",
        admin_only_off=True,
    ),
    Kind.WEEKLY_DIGEST: KindRules(frozenset({Role.OFFICER}), "your week", hint="Sent on Monday mornings."),
    Kind.DPO_DAILY: KindRules(
        frozenset({Role.DPO}), "data protection work due", hint="Sent in the morning on days when something is due."
    ),
}


def kinds_for(user: User) -> list[str]:
    """The kinds a user's roles make relevant to them, in the order of `Kind`."""
    return [kind for kind in Kind.values if user.has_role(*RULES[kind].roles)]


class Preference(models.Model):
    """A user's choice for one kind. No row: the kind is on (the default)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'on' if self.enabled else 'off'}"


class OutboxEmail(models.Model):
    """One email to one person. Written in the transaction of the change it tells of,
    sent by a task once that transaction commits (tasks.send_emails)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # What the email names: a record's number ("R00012") or a count ("3 referrals").
    reference = models.CharField(max_length=100)
    # Where the link leads, after SITE_URL.
    path = models.CharField(max_length=300)
    # Counts and record numbers only (a digest's lines, a decline's reason group).
    detail = models.TextField(blank=True)
    # Set for emails that must go once only ("digest:<user>:<year>-W<week>"); unique
    # for each recipient, so a second run of a duty adds nothing.
    key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 - NULL: no key, never a clash
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="outbox_email_once_a_key"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()} ({self.get_status_display()})"
