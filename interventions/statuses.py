"""A referral's statuses and which of them are open: defined here once, for the
models, the read paths (which the models import, so this module imports neither),
the lifecycle, the filters, the reports and the benchmarks."""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    NOT_COMPLETED = "not_completed", "Not completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.STARTED})
CLOSED_STATUSES = frozenset(Status) - OPEN_STATUSES
