"""The archive of issued board reports. (The figures' inputs, assault incidents and
workforce sizes, are data of their own: tracker.assaults.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tracker.core.models import Area


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
