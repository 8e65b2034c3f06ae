"""Offender behaviour strand: offenders, the programme catalogue, referrals with a
controlled lifecycle, sessions and the 12-month follow-up.

Which referrals and offenders a user may see is decided in `querysets.py` only."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from simple_history.models import HistoricalRecords

from tracker.core import validation
from tracker.core.models import Area, ManagedList, Organisation, OutcomeType, User
from tracker.core.versioning import VersionedModel

from .querysets import OffenderQuerySet, ReferralQuerySet


class Offender(VersionedModel):
    """A person referred to a programme: only what the work needs."""

    case_reference = models.CharField(
        max_length=30, unique=True, help_text="For example the probation case reference number."
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects: ClassVar[OffenderQuerySet] = OffenderQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name", "date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.case_reference})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def access_label(self) -> str:
        return self.case_reference


class Programme(ManagedList):
    """An intervention in the catalogue; administrators keep it in the admin site."""

    class Setting(models.TextChoices):
        COMMUNITY = "community", "Community"
        CUSTODY = "custody", "Custody"

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    setting = models.CharField(max_length=20, choices=Setting.choices)
    planned_sessions = models.PositiveSmallIntegerField(default=1, validators=[validation.PLANNED_SESSIONS])
    desired_outcomes = models.ManyToManyField(
        OutcomeType,
        related_name="programmes",
        help_text="Completing a referral rates each of these: achieved, partly achieved or not achieved.",
    )
    history = HistoricalRecords()

    class Meta(ManagedList.Meta):
        pass


class ReasonCode(ManagedList):
    """Why a referral was declined, withdrawn or not completed."""

    class Group(models.TextChoices):
        PERSON = "person", "The person"
        PROVIDER = "provider", "The provider"
        LEGAL = "legal", "Sentence or legal"
        OTHER = "other", "Other"

    group = models.CharField(max_length=20, choices=Group.choices)
    history = HistoricalRecords()

    class Meta(ManagedList.Meta):
        ordering = ["group", "order", "name"]


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


class Referral(VersionedModel):
    class VictimRole(models.TextChoices):
        POLICE_OFFICER = "police_officer", "Police officer"
        STUDENT_OFFICER = "student_officer", "Student officer"
        POLICE_STAFF = "police_staff", "Police staff"
        PCSO = "pcso", "PCSO"
        SPECIAL = "special_constable", "Special constable"

    class Priority(models.TextChoices):
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="referrals")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="referrals")
    offence_date = models.DateField("date of the index offence", validators=[validation.OFFENCE_DATE])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name="area of the offence")
    victim_role = models.CharField("victim's role", max_length=30, choices=VictimRole.choices)
    injury = models.BooleanField("the victim was injured", default=False)
    charged_under_act = models.BooleanField(
        "charged under the Assaults on Emergency Workers (Offences) Act 2018", default=False
    )
    referring_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="referring person")
    handling_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="handled_referrals")
    assigned_liaison = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When each move happened, for reporting (days to accept, days to start).
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects: ClassVar[ReferralQuerySet] = ReferralQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["handling_organisation", "status"]),
            # The default order: a page of the newest reads 50 rows, not every referral.
            models.Index(fields=["created_at", "id"], name="referral_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference}"

    @property
    def reference(self) -> str:
        return f"R{self.pk:05d}"

    @property
    def access_label(self) -> str:
        return f"{self.reference} ({self.offender.case_reference})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralTransition(models.Model):
    """One status move: the event log of a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Session(VersionedModel):
    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        LATE = "late", "Late"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class Absence(models.TextChoices):
        ACCEPTABLE = "acceptable", "Acceptable"
        UNACCEPTABLE = "unacceptable", "Unacceptable"
        LOGISTICS = "logistics", "A logistics problem"

    class Behaviour(models.IntegerChoices):
        POOR = 1, "1 – poor"
        BELOW = 2, "2 – below expectations"
        FAIR = 3, "3 – as expected"
        GOOD = 4, "4 – good"
        EXCELLENT = 5, "5 – excellent"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="sessions")
    scheduled_on = models.DateField("scheduled date", validators=[validation.SESSION_DATE])
    happened = models.BooleanField("the session took place", default=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    absence = models.CharField("reason for absence", max_length=20, choices=Absence.choices, blank=True)
    behaviour = models.PositiveSmallIntegerField("behaviour rating", choices=Behaviour.choices, null=True, blank=True)
    concern = models.BooleanField("there is a concern", default=False)
    concern_note = models.TextField(blank=True)
    concern_acknowledged_at = models.DateTimeField(null=True, blank=True)
    concern_acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_on", "id"]
        indexes = [
            models.Index(fields=["scheduled_on", "id"], name="session_scheduled_idx"),
            # Unacknowledged concerns are counted in the navigation on every page.
            models.Index(
                fields=["referral"],
                condition=models.Q(concern=True, concern_acknowledged_at=None),
                name="session_open_concern_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Session on {self.scheduled_on:%d %b %Y}"

    @property
    def counts_as_attended(self) -> bool:
        return self.happened and self.attendance in {self.Attendance.ATTENDED, self.Attendance.LATE}


class FollowUp(VersionedModel):
    """Twelve months after a referral ends: has the person been charged with another
    assault on an emergency worker? The campaign's reoffending measure."""

    class Result(models.TextChoices):
        YES = "yes", "Yes, charged with a further assault"
        NO = "no", "No"
        UNKNOWN = "unknown", "Not known"

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="follow_up")
    due = models.DateField(db_index=True)
    result = models.CharField(max_length=10, choices=Result.choices, blank=True)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"Follow-up due {self.due:%d %b %Y}"
