"""Records of the data protection duties. Each duty keeps its models in its own block."""

from __future__ import annotations

from django.db import models

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
