"""Offender behaviour strand: offenders, the programme catalogue, referrals with a
controlled lifecycle, sessions and the 12-month follow-up.

Which referrals and offenders a user may see is decided in `querysets.py` only."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tracker.core import validation
from tracker.core.lifecycle import TransitionRecord
from tracker.core.models import Area, ManagedList, Organisation, OutcomeType, User
from tracker.core.versioning import VersionedModel

from .querysets import OffenderQuerySet, ReferralQuerySet
from .statuses import CLOSED_STATUSES as CLOSED_STATUSES
from .statuses import OPEN_STATUSES as OPEN_STATUSES  # the statuses belong with the models
from .statuses import Status as Status

# Letters, digits, spaces and - / . only: a case reference is an identifier, shown
# in pages, PDFs, file names and exports, so it never carries line breaks, quotes or
# control characters. \Z, not $: $ would let a trailing newline through.
validate_case_reference = RegexValidator(
    r"\A[A-Za-z0-9 ./-]+\Z",
    "Enter a case reference using only letters, numbers, spaces, hyphens (-), slashes (/) and full stops (.)",
    code="invalid_characters",
)
EARLIEST_BIRTH = date(1900, 1, 1)


def validate_date_of_birth(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("Date of birth must be today or in the past", code="future")
    if value < EARLIEST_BIRTH:
        raise ValidationError("Date of birth must be the same as or after 1 January 1900", code="too_early")


class Offender(VersionedModel):
    """A person referred to a programme: only what the work needs.

    People are recorded per organisation: `holding_organisation` is the organisation
    of whoever added the person, and a case reference is unique (in any letter case)
    within one *book* only, so another organisation's references cannot be learned by
    trying them. A book is a set of people all of whom are visible to everyone who may
    add to it (see `querysets.offender_book`): an organisation's book is shared by its
    liaisons; a partnership officer, who sees only the people they added or referred,
    keeps their own (`kept_by`)."""

    case_reference = models.CharField(
        max_length=30,
        help_text="For example the probation case reference number.",
        validators=[validate_case_reference],
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    holding_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kept_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Set when the person is in one officer's own book rather than their organisation's.",
    )
    # Set only by migration 0004 on a person whose case reference, in another letter
    # case, was already in the same book when references became unique per book: both
    # records were kept, neither merged nor renamed. Such a record is left out of the
    # uniqueness constraints (the services still refuse any new clash, which is always
    # with a record the user can see); changing its case reference clears the flag.
    shares_reference = models.BooleanField(default=False, editable=False)
    # Data protection (interventions/retention.py): processing restricted while a
    # dispute is resolved hides the person from everyone but the data protection
    # officer and administrators (querysets.py); a disposed person is a pseudonymous
    # stub whose referrals still count in every figure.
    processing_restricted = models.BooleanField(default=False, editable=False)
    disposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = OffenderQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name", "date_of_birth"])]
        constraints = [
            models.UniqueConstraint(
                Upper("case_reference"),
                "holding_organisation",
                condition=models.Q(kept_by__isnull=True, shares_reference=False),
                name="offender_reference_unique_per_organisation",
            ),
            models.UniqueConstraint(
                Upper("case_reference"),
                "kept_by",
                condition=models.Q(kept_by__isnull=False, shares_reference=False),
                name="offender_reference_unique_per_keeper",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.case_reference})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def access_label(self) -> str:
        # No personal data in the log itself: disposal must leave none behind. The
        # log names people by id (ConsultedPerson); its pages look the names up.
        return f"Person {self.pk}"

    @property
    def consulted_person_ids(self) -> tuple[int, ...]:
        return (self.pk,)


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

    def __str__(self) -> str:
        """The name with the setting, unless the name already says it (the
        catalogue's names often do: "Anger management (community)")."""
        setting = self.get_setting_display().lower()
        return self.name if setting in self.name.lower() else f"{self.name} ({setting})"


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

    objects = ReferralQuerySet.as_manager()

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
        return self.reference

    @property
    def consulted_person_ids(self) -> tuple[int, ...]:
        return (self.offender_id,)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralTransition(TransitionRecord):
    """One status move (interventions/lifecycle.py): the event log of a referral.
    Who, when and the note come from the core TransitionRecord."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # On completion: the sessions attended then, and whether the liaison confirmed
    # completing with fewer than the programme plans.
    sessions_attended = models.PositiveSmallIntegerField(null=True, blank=True)
    fewer_sessions_confirmed = models.BooleanField(
        "completed with fewer sessions than planned, confirmed", default=False
    )

    class Meta:
        ordering = ["at", "id"]


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


class PersonDataEvent(models.Model):
    """A data protection step taken on a person's records (disposal, restriction set or
    lifted): who, when and why. Holds no personal data, so disposal leaves it whole;
    written once by interventions/retention.py, never edited."""

    class Kind(models.TextChoices):
        DISPOSED = "disposed", "Personal data disposed of"
        RESTRICTED = "restricted", "Processing restricted"
        RESTRICTION_LIFTED = "restriction_lifted", "Restriction lifted"

    person = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="data_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reason = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (person {self.person_id})"
