"""Assault incidents and workforce sizes (the inputs of the assault figures), and the
archive of issued board reports."""

from __future__ import annotations

from django.conf import settings
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
    history = HistoricalRecords()

    class Meta:
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="reports_workforce_start_not_after_end"
            ),
            models.CheckConstraint(condition=Q(officers__gt=0, staff__gt=0), name="reports_workforce_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"


def issued_report_path(instance: IssuedReport, filename: str) -> str:
    return f"issued-reports/{instance.issued_at:%Y}/{filename}"


class IssuedReport(models.Model):
    """A board report exactly as it was issued. Written once; the stored bytes are
    what every later download serves, whatever the data has become since."""

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(db_index=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=issued_report_path, max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} issued {self.issued_at:%d %b %Y %H:%M}"

    @property
    def area_label(self) -> str:
        return self.area.name if self.area is not None else "All areas"
