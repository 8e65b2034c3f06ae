"""The archive of issued board reports. (The figures' inputs, assault incidents and
workforce sizes, are data of their own: tracker.assaults.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tracker.core.models import Area
from tracker.reports.periods import Kind, Period


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


class ReportIssue(models.Model):
    """A request to issue a board report, done by a background task: the page that
    asked answers at once and follows this row until the report is issued or the
    attempt failed. Seen only by whoever asked."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        ISSUING = "issuing", "Issuing"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Not issued"

    period_start = models.DateField()
    period_end = models.DateField()
    # A quarter named as a financial year's (Q2 2018/19) keeps that name.
    period_kind = models.CharField(max_length=20)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why it failed, in words for the person who asked (never a traceback).
    message = models.CharField(max_length=300, blank=True)
    report = models.OneToOneField(
        IssuedReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Issue of {self.period_start} to {self.period_end} ({self.get_status_display()})"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, kind=Kind(self.period_kind))

    @property
    def done(self) -> bool:
        return self.status in {self.Status.ISSUED, self.Status.FAILED}
