"""Assault incidents on on-duty personnel and the force's workforce sizes: the data
the assault figures are computed from. Imported from the force's systems (the
"incidents" and "workforce" import kinds); the reports read them."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from tracker.core import validation
from tracker.core.models import Area
from tracker.core.versioning import VersionedModel


class VictimRole(models.TextChoices):
    POLICE_OFFICER = "police_officer", "Police officer"
    STUDENT_OFFICER = "student_officer", "Student officer"
    POLICE_STAFF = "police_staff", "Police staff"
    PCSO = "pcso", "Police community support officer"
    SPECIAL_CONSTABLE = "special_constable", "Special constable"


class IncidentOutcome(models.TextChoices):
    CHARGED = "charged", "Charged"
    SUMMONS = "summons", "Summons"
    CAUTION = "caution", "Caution"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    OTHER = "other", "Other"


class AssaultIncident(VersionedModel):
    """One recorded assault on on-duty personnel, as imported from the force's
    crime system. Carries no personal data: only when, where, whom by role, and
    what came of it."""

    reference = models.CharField(max_length=50, unique=True)
    occurred_at = models.DateTimeField(db_index=True, validators=[validation.INCIDENT_DATE])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="assault_incidents")
    victim_role = models.CharField(max_length=30, choices=VictimRole.choices)
    injury = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30, choices=IncidentOutcome.choices)
    # The tables keep the names they had when these records lived in the reports app.
    history = HistoricalRecords(table_name="reports_historicalassaultincident")

    class Meta:
        db_table = "reports_assaultincident"
        ordering = ["-occurred_at", "reference"]
        indexes = [models.Index(fields=["area", "occurred_at"])]

    def __str__(self) -> str:
        return self.reference


class WorkforcePeriod(VersionedModel):
    """The force's headcount for a span of days; the denominator of "one assault
    for every N officers". Periods never overlap (checked by the services)."""

    period_start = models.DateField()
    period_end = models.DateField()
    officers = models.PositiveIntegerField(validators=[validation.OFFICERS])
    staff = models.PositiveIntegerField(validators=[validation.STAFF])
    history = HistoricalRecords(table_name="reports_historicalworkforceperiod")

    class Meta:
        db_table = "reports_workforceperiod"
        ordering = ["period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="reports_workforce_start_not_after_end"
            ),
            models.CheckConstraint(condition=Q(officers__gt=0, staff__gt=0), name="reports_workforce_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"
