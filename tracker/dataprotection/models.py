"""Records of the data protection duties (issue #14). Each duty keeps its models in
its own clearly marked block."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from interventions.models import Offender
from tracker.core.models import User

# The consultation log: unusual volume ------------------------------------------


class UnusualVolumeFlag(models.Model):
    """A user who viewed more distinct people on one day than the threshold then in
    force (ACCESS_LOG_DAILY_PEOPLE_THRESHOLD). Written by `flag_unusual_volume(day)`,
    once per user and day however often it runs; read by the data protection officer."""

    day = models.DateField()
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    people = models.PositiveIntegerField(help_text="Distinct people the user viewed that day.")
    threshold = models.PositiveIntegerField(help_text="The threshold in force when the day was checked.")
    flagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-people", "id"]
        constraints = [models.UniqueConstraint(fields=["day", "user"], name="one_volume_flag_per_user_and_day")]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.people} people on {self.day:%d %b %Y}"


# Subject access ----------------------------------------------------------------
# A person's request for what is held about them (Data Protection Act 2018, s.45),
# the redactions the DPO marks before the disclosure pack is produced, and when it was.


class SubjectAccessRequest(models.Model):
    """One subject access request. `deadline` is stored (one calendar month after
    `received_on`, see `subject_access.deadline_for`); overdue is computed in SQL."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PRODUCED = "produced", "Pack produced"
        CLOSED = "closed", "Closed"

    person = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("date received")
    deadline = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    produced_at = models.DateTimeField(null=True, blank=True)
    produced_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = "subject access request"

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SAR{self.pk:05d}"

    @property
    def access_label(self) -> str:
        return self.reference

    @property
    def consulted_person_ids(self) -> tuple[int, ...]:
        return (self.person_id,)


class Redaction(models.Model):
    """One item of the pack withheld because it may hold a third party's personal
    data. `item` is the pack's key for it (e.g. `session:12:notes`). Unmarking deletes
    the row; its history keeps that it was marked, by whom and when."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="redactions")
    item = models.CharField(max_length=120)
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item"]
        constraints = [models.UniqueConstraint(fields=["request", "item"], name="one_redaction_per_item")]

    def __str__(self) -> str:
        return f"{self.item} withheld from {self.request}"


# End of subject access ------------------------------------------------------------
# Retention review (tracker/dataprotection/retention.py) --------------------------


class RetentionDecision(models.Model):
    """The data protection officer's decision on a person whose retention review was
    due: keep (with a reason and the date of the next review) or dispose. The newest
    decision on a person is the one in force. Holds no personal data itself."""

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep"
        DISPOSE = "dispose", "Dispose of"

    person = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="retention_decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "-at"], name="retention_decision_latest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="keep") | models.Q(next_review_on__isnull=False),
                name="retention_keep_has_next_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} (person {self.person_id})"


# End of the retention review block ------------------------------------------------
