"""Forms of the partnership strand. They validate input; the services make the change."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from partners.models import (
    CampaignMaterial,
    CommitmentType,
    CommunityGroup,
    Engagement,
    EngagementKind,
    FollowUpAction,
    GroupContact,
    Partnership,
    Venue,
)
from partners.search import group_label, search_groups, search_venues, venue_label
from partners.services import due_before_engagement
from tracker.core import validation
from tracker.core.forms import (
    GovUKDateField,
    GovUKForm,
    GovUKModelForm,
    RecordVersionMixin,
    VersionedModelForm,
    model_choice_field,
)
from tracker.core.models import User
from tracker.core.pickers import PickerChoiceField, PickerMultipleChoiceField
from tracker.core.search import PARTNERSHIP_OFFICER, officer_label, search_users

OFFICER_HINT = "Type part of their name and choose them from the list."


def officers(current_id: int | None = None) -> QuerySet[User]:
    """People who can lead partnership work or own a follow-up (and whoever does already)."""
    who = PARTNERSHIP_OFFICER | Q(pk=current_id) if current_id else PARTNERSHIP_OFFICER
    return User.objects.filter(who).select_related("organisation")


def officer_field(label: str = "Lead officer") -> PickerChoiceField:
    """Picks an officer by typing: there may be thousands nationally."""
    return PickerChoiceField(
        User.objects.none(),
        label=label,
        help_text=OFFICER_HINT,
        search=search_users,
        search_url_name="search-officers",
        noun="officer",
        describe=officer_label,
    )


def active_or_current(queryset: QuerySet[Any], current_id: int | None) -> QuerySet[Any]:
    """A managed list's active entries, plus the one the record already uses."""
    return queryset.filter(Q(active=True) | Q(pk=current_id))


class GroupForm(VersionedModelForm):
    class Meta:
        model = CommunityGroup
        fields = ["name", "kind", "area", "active"]
        help_texts = {"active": "Untick when the group no longer meets or stops working with us."}


class ContactForm(RecordVersionMixin, GovUKModelForm):
    """A contact added to a group: a change to the group, so it carries the group's version."""

    class Meta:
        model = GroupContact
        fields = ["name", "role", "email", "phone"]
        labels = {"role": "Role in the group"}


class VenueForm(VersionedModelForm):
    class Meta:
        model = Venue
        fields = ["licence_number", "name", "address", "postcode", "area", "kind", "latest_licensed_hour", "operator"]
        widgets = {
            "latest_licensed_hour": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "address": forms.Textarea(attrs={"rows": 3}),
            "postcode": forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
        }

    def clean_postcode(self) -> str:
        return str(self.cleaned_data["postcode"]).upper().strip()


class PartnershipStartForm(GovUKForm):
    lead_officer = officer_field()
    started_on = GovUKDateField(label="Start date")

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "lead_officer").queryset = officers()
        self.fields["lead_officer"].initial = user.pk
        self.fields["started_on"].initial = timezone.localdate()


class PartnershipEditForm(VersionedModelForm):
    lead_officer = officer_field()

    class Meta:
        model = Partnership
        fields = ["lead_officer", "next_review_on"]
        help_texts = {"next_review_on": "After a review, set the date of the next one."}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "lead_officer").queryset = officers(self.instance.lead_officer_id)


def not_in_the_future(day: date) -> None:
    if day > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future")


def move_fields(verb: str) -> dict[str, forms.Field]:
    """The partnership's own fields on the core move page: the day the move took
    effect, and the next review when signing up. The page adds reason and note."""
    fields: dict[str, forms.Field] = {
        "on": GovUKDateField(label="Date", initial=timezone.localdate, validators=[not_in_the_future])
    }
    if verb == "sign_up":
        fields["next_review_on"] = GovUKDateField(
            label="Next review date",
            required=False,
            validators=[validation.REVIEW_DATE],
            help_text="Leave blank for 12 months after signing up.",
        )
    return fields


class CommitmentsForm(RecordVersionMixin, forms.Form):
    """The checklist: for each commitment type, ticked or not, the date confirmed,
    the evidence and (for some) the staff training date."""

    def __init__(self, *args: Any, partnership: Partnership, types: list[CommitmentType], **kwargs: Any):
        super().__init__(*args, versioned=partnership, **kwargs)
        existing = {c.commitment_type_id: c for c in partnership.commitments.all()}
        self.types = types
        for kind in types:
            item = existing.get(kind.pk)
            prefix = f"c{kind.pk}"
            self.fields[f"{prefix}_ticked"] = forms.BooleanField(
                label=f"{kind.name}: confirmed", required=False, initial=item is not None
            )
            self.fields[f"{prefix}_on"] = GovUKDateField(
                label="Date confirmed", required=False, initial=item.confirmed_on if item else None
            )
            self.fields[f"{prefix}_evidence"] = forms.CharField(
                label="Evidence note", required=False, initial=item.evidence if item else ""
            )
            if kind.needs_training_date:
                self.fields[f"{prefix}_training"] = GovUKDateField(
                    label="Staff training date",
                    required=False,
                    initial=item.staff_training_date if item else None,
                )

        # The date, evidence and training date are asked under the ticked box.
        self.reveals = {
            name: (f"{name.split('_')[0]}_ticked", True)
            for name in self.fields
            if name.startswith("c") and not name.endswith("_ticked")
        }
        self.revealed_optional = frozenset(name for name in self.fields if name.endswith("_evidence"))

    def groups(self) -> list[tuple[CommitmentType, list[forms.BoundField]]]:
        """Each commitment type with its box; the box's field template shows the rest under it."""
        return [(kind, [self[f"c{kind.pk}_ticked"]]) for kind in self.types]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        for kind in self.types:
            prefix = f"c{kind.pk}"
            if not cleaned.get(f"{prefix}_ticked"):
                continue
            if not cleaned.get(f"{prefix}_on"):
                self.add_error(f"{prefix}_on", f"Enter the date {kind.name.lower()} was confirmed")
            elif cleaned[f"{prefix}_on"] > today:
                self.add_error(f"{prefix}_on", "The date confirmed cannot be in the future")
            if kind.needs_training_date and not cleaned.get(f"{prefix}_training"):
                self.add_error(f"{prefix}_training", f"Enter the staff training date for {kind.name}")
        return cleaned

    def confirmed(self) -> dict[CommitmentType, tuple[date, str, date | None]]:
        data = self.cleaned_data
        return {
            kind: (data[f"c{kind.pk}_on"], data[f"c{kind.pk}_evidence"], data.get(f"c{kind.pk}_training"))
            for kind in self.types
            if data.get(f"c{kind.pk}_ticked")
        }


class EngagementForm(VersionedModelForm):
    # Neither is required alone, but one of them is: so neither says "(optional)".
    one_of_required = frozenset({"groups", "venues"})
    lead_officer = officer_field()
    groups = PickerMultipleChoiceField(
        CommunityGroup.objects.none(),
        required=False,
        label="Community groups",
        help_text=(
            "Type part of a group's name and choose it from the list. Add as many as took part: "
            "at least one group or one venue."
        ),
        search=search_groups,
        search_url_name="search-groups",
        noun="community group",
        describe=group_label,
    )
    venues = PickerMultipleChoiceField(
        Venue.objects.none(),
        required=False,
        help_text="Type part of a venue's name, its town, postcode or licence number and choose it from the list.",
        search=search_venues,
        search_url_name="search-venues",
        noun="venue",
        describe=venue_label,
    )

    class Meta:
        model = Engagement
        fields = ["starts_at", "kind", "lead_officer", "area", "groups", "venues", "attendance", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        labels = {"kind": "Kind of engagement"}
        error_messages = {
            "attendance": validation.count_form_messages(validation.ATTENDANCE),
            "starts_at": {"required": "Enter the date and time of the engagement"},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        instance = self.instance
        model_choice_field(self, "kind").queryset = active_or_current(EngagementKind.objects.all(), instance.kind_id)
        model_choice_field(self, "lead_officer").queryset = officers(instance.lead_officer_id)
        model_choice_field(self, "groups").queryset = CommunityGroup.objects.visible_to(user).select_related(None)
        model_choice_field(self, "venues").queryset = Venue.objects.visible_to(user)
        if not instance.pk:
            self.fields["lead_officer"].initial = user.pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("groups") and not cleaned.get("venues") and not self.has_error("groups"):
            self.add_error("groups", "Choose at least one community group or venue")
        return cleaned


class MaterialsForm(RecordVersionMixin, forms.Form):
    """One quantity box per campaign material."""

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any):
        super().__init__(*args, versioned=engagement, **kwargs)
        current = {m.material_id: m.quantity for m in engagement.materials.all()}
        self.materials = list(
            active_or_current(CampaignMaterial.objects.all(), None) | CampaignMaterial.objects.filter(pk__in=current)
        )
        for material in self.materials:
            rule = validation.CountWithin(f"The quantity of {material.name}", maximum=validation.MAX_QUANTITY)
            self.fields[f"m{material.pk}"] = forms.IntegerField(
                label=material.name,
                min_value=rule.minimum,
                max_value=rule.maximum,
                required=False,
                initial=current.get(material.pk, 0),
                error_messages=validation.count_form_messages(rule),
            )

    def quantities(self) -> dict[CampaignMaterial, int]:
        return {m: self.cleaned_data.get(f"m{m.pk}") or 0 for m in self.materials}


class FollowUpForm(RecordVersionMixin, GovUKModelForm):
    """A follow-up added to an engagement: carries the engagement's version."""

    owner = officer_field("Who will do it")

    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due_on"]
        labels = {"owner": "Who will do it", "description": "What needs doing"}
        error_messages = {"owner": {"required": "Select who will do it"}}

    def __init__(self, *args: Any, user: User, versioned: Engagement, **kwargs: Any):
        super().__init__(*args, versioned=versioned, **kwargs)
        self.engagement = versioned
        model_choice_field(self, "owner").queryset = officers()
        self.fields["owner"].initial = user.pk

    def clean_due_on(self) -> date:
        due: date = self.cleaned_data["due_on"]
        problem = due_before_engagement(self.engagement, due)
        if problem:
            raise forms.ValidationError(problem)
        return due
