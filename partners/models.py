"""The partnership strand: community groups, licensed venues and their partnerships,
and engagements (meetings, visits, events) with what was handed out and what follows."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from partners.querysets import (
    CommunityGroupQuerySet,
    EngagementQuerySet,
    FollowUpQuerySet,
    PartnershipQuerySet,
    VenueQuerySet,
)
from tracker.core import validation
from tracker.core.imports.cells import POSTCODE
from tracker.core.lifecycle import TransitionRecord
from tracker.core.models import Area, ManagedList, User
from tracker.core.versioning import VersionedModel

# The import cells' pattern: outward code, a space (optional) and inward code.
UK_POSTCODE = RegexValidator(POSTCODE, "Enter a real UK postcode, like WR1 2AB")


# Managed lists: administrators keep them in the admin site.
class EngagementKind(ManagedList):
    history = HistoricalRecords()

    class Meta(ManagedList.Meta):
        pass


class CampaignMaterial(ManagedList):
    history = HistoricalRecords()

    class Meta(ManagedList.Meta):
        pass


class CommitmentType(ManagedList):
    needs_training_date = models.BooleanField(
        default=False, help_text="Ask for the date staff were trained (for example a welfare scheme)."
    )
    history = HistoricalRecords()

    class Meta(ManagedList.Meta):
        pass


class EndReason(ManagedList):
    """Why a partnership lapsed or was withdrawn."""

    history = HistoricalRecords()

    class Meta(ManagedList.Meta):
        verbose_name = "lapse or withdrawal reason"


class CommunityGroup(VersionedModel):
    class Kind(models.TextChoices):
        FAITH = "faith", "Faith"
        RESIDENTS = "residents", "Residents"
        YOUTH = "youth", "Youth"
        BUSINESS = "business", "Business"
        SPORTS = "sports", "Sports"
        SCHOOL = "school", "School"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="community_groups")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = CommunityGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupContact(models.Model):
    """A person to contact at a group: personal data, for officers and administrators."""

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 ()-]{6,}$", "Enter a phone number, like 01905 123456")],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Venue(VersionedModel):
    class Kind(models.TextChoices):
        PUB = "pub", "Pub"
        BAR = "bar", "Bar"
        NIGHTCLUB = "nightclub", "Nightclub"
        TAKEAWAY = "late_night_takeaway", "Late-night takeaway"
        HOTEL_BAR = "hotel_bar", "Hotel bar"
        OTHER = "other", "Other"

    licence_number = models.CharField("premises licence number", max_length=50, unique=True)
    name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=8, validators=[UK_POSTCODE])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="venues")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    latest_licensed_hour = models.TimeField(
        null=True, blank=True, help_text="The latest time the licence allows, for example 02:00."
    )
    operator = models.CharField(max_length=200, blank=True, help_text="The company or person running the venue.")
    history = HistoricalRecords()

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["name", "licence_number"]

    def __str__(self) -> str:
        """The name with the town and postcode: several venues share a name."""
        place = " ".join(part for part in (self.town, self.postcode) if part)
        return f"{self.name}, {place}" if place else self.name

    @property
    def town(self) -> str:
        """The address's last line (addresses are written street first, town last)."""
        lines = [line.strip() for line in self.address.replace(",", "\n").splitlines() if line.strip()]
        return lines[-1] if len(lines) > 1 else ""

    @property
    def picker_label(self) -> str:
        """How a venue is offered when picking one: with its licence number too."""
        return f"{self} (licence {self.licence_number})"


class PartnershipStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ENGAGED = "engaged", "Engaged"
    SIGNED_UP = "signed_up", "Signed up"
    ACTIVE = "active", "Active"
    LAPSED = "lapsed", "Lapsed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Which statuses are open, live (signed up or active) and closed: defined here once,
# for the lifecycle, the read paths, the figures and the benchmarks.
OPEN_STATUSES = frozenset(
    {PartnershipStatus.PROSPECT, PartnershipStatus.ENGAGED, PartnershipStatus.SIGNED_UP, PartnershipStatus.ACTIVE}
)
LIVE_STATUSES = frozenset({PartnershipStatus.SIGNED_UP, PartnershipStatus.ACTIVE})
CLOSED_STATUSES = frozenset(PartnershipStatus) - OPEN_STATUSES


class Partnership(VersionedModel):
    Status = PartnershipStatus
    CLOSED: ClassVar[frozenset[str]] = CLOSED_STATUSES

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="partnerships")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROSPECT)
    started_on = models.DateField("start date")
    signed_up_on = models.DateField("signed up on", null=True, blank=True)
    next_review_on = models.DateField("next review date", null=True, blank=True, validators=[validation.REVIEW_DATE])
    ended_on = models.DateField("ended on", null=True, blank=True)
    end_reason = models.ForeignKey(EndReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lead_officer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="led_partnerships")
    history = HistoricalRecords()

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue"],
                condition=~Q(status__in=sorted(CLOSED_STATUSES)),
                name="partners_one_open_partnership_per_venue",
                violation_error_message="This venue already has an open partnership.",
            )
        ]

    def __str__(self) -> str:
        return f"Partnership with {self.venue}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED


class PartnershipTransition(TransitionRecord):
    """One move along the lifecycle (partners/lifecycle.py), or the start: written,
    never edited; reports count sign-ups and lapses. Who, when and the note come
    from the core TransitionRecord."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Partnership.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Partnership.Status.choices)
    on = models.DateField(help_text="The date the move took effect.")
    reason = models.ForeignKey(EndReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["to_status", "on"])]


class PartnershipCommitment(models.Model):
    """A commitment the venue confirmed, with the date and the evidence seen."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="commitments")
    commitment_type = models.ForeignKey(CommitmentType, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField("date confirmed")
    evidence = models.TextField("evidence note", blank=True)
    staff_training_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment_type__order", "commitment_type__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "commitment_type"], name="partners_commitment_once")
        ]

    def __str__(self) -> str:
        return str(self.commitment_type)


class Engagement(VersionedModel):
    starts_at = models.DateTimeField("date and time", validators=[validation.ENGAGEMENT_DATE])
    kind = models.ForeignKey(EngagementKind, on_delete=models.PROTECT, related_name="engagements")
    lead_officer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="led_engagements")
    groups = models.ManyToManyField(
        CommunityGroup, blank=True, related_name="engagements", verbose_name="community groups"
    )
    venues = models.ManyToManyField(Venue, blank=True, related_name="engagements")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="engagements")
    attendance = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people took part.", validators=[validation.ATTENDANCE]
    )
    summary = models.TextField(blank=True)
    # Which groups and venues were linked is kept with each history row; the timeline
    # reads those snapshots in one query per link type (tracker.core.history), never
    # one per entry.
    history = HistoricalRecords(m2m_fields=[groups, venues])

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        # The default order: a page of the latest reads 25 rows, not every engagement.
        indexes = [models.Index(fields=["starts_at", "id"], name="engagement_starts_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.starts_at:%d %b %Y}"


class EngagementMaterial(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(CampaignMaterial, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[validation.QUANTITY])
    history = HistoricalRecords()

    class Meta:
        ordering = ["material__order", "material__name"]
        constraints = [models.UniqueConstraint(fields=["engagement", "material"], name="partners_material_once")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.material}"


class FollowUpAction(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="partner_follow_ups")
    due_on = models.DateField("due date", validators=[validation.FOLLOW_UP_DUE])
    done_on = models.DateField("done date", null=True, blank=True, validators=[validation.FOLLOW_UP_DONE])
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["done_on", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.description
