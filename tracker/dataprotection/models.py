"""Data protection records. Each duty keeps its models in its own block."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from interventions.models import Offender
from tracker.core.models import User

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
