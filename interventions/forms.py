"""Forms for the offender behaviour pages. Business rules live in the services;
these forms validate input and shape choices to what the user may pick."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from tracker.core.forms import (
    GovUKModelForm,
    RecordVersionMixin,
    VersionedModelForm,
    choice_field,
    model_choice_field,
)
from tracker.core.models import Organisation, Outcome, User
from tracker.core.pickers import PickerChoiceField

from .models import FollowUp, Offender, Programme, Referral, Session
from .permissions import may_be_assigned
from .querysets import assignable_liaisons, holds
from .search import person_label, search_offenders
from .services import REFERENCE_NOT_YOURS, duplicate_exists

YES_NO = [(True, "Yes"), (False, "No")]


def _yes_no(label: str, required: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v in {True, "True"},
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


class OffenderForm(GovUKModelForm):
    confirm_duplicate = forms.BooleanField(
        label="I have checked: this is a different person with the same name and date of birth",
        required=False,
    )

    class Meta:
        model = Offender
        fields = ["case_reference", "first_name", "last_name", "date_of_birth"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicate_warning = False
        # The checkbox appears only once a likely duplicate has been found.
        if not (self.data and self.data.get("confirm_shown")):
            self.fields["confirm_duplicate"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last, born = data.get("first_name"), data.get("last_name"), data.get("date_of_birth")
        if (
            first
            and last
            and born
            and duplicate_exists(by=self.user, first_name=first, last_name=last, date_of_birth=born)
        ):
            self.duplicate_warning = True
            if not data.get("confirm_duplicate"):
                self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
                self.add_error(
                    "confirm_duplicate",
                    "A record with this name and date of birth already exists. "
                    "Check it is not the same person, then tick the box to confirm.",
                )
        return data


class OffenderEditForm(VersionedModelForm):
    class Meta:
        model = Offender
        fields = ["case_reference", "first_name", "last_name", "date_of_birth"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not holds(user, self.instance):
            # Someone who sees the person through a referral may correct their name,
            # not renumber them (the service refuses it too).
            self.fields["case_reference"].disabled = True
            self.fields["case_reference"].help_text = REFERENCE_NOT_YOURS + "."


class ReferralForm(VersionedModelForm):
    offender = PickerChoiceField(
        Offender.objects.none(),
        label="Person referred",
        help_text="Type their case reference or part of their name and choose them from the list.",
        search=search_offenders,
        search_url_name="search-people",
        noun="person",
        describe=person_label,
    )
    injury = _yes_no("Was the victim injured?", "Select yes if the victim was injured")
    charged_under_act = _yes_no(
        "Was the person charged under the Assaults on Emergency Workers (Offences) Act 2018?",
        "Select yes if the person was charged under the Act",
    )

    class Meta:
        model = Referral
        fields = [
            "offender",
            "programme",
            "handling_organisation",
            "offence_date",
            "area",
            "victim_role",
            "injury",
            "charged_under_act",
            "priority",
            "notes",
        ]
        widgets = {"victim_role": forms.RadioSelect, "priority": forms.RadioSelect}
        labels = {"handling_organisation": "Organisation handling the referral", "offender": "Person"}
        error_messages = {"offender": {"required": "Select the person the referral is about"}}

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = model_choice_field(self, "offender")
        # The picker marks the person it shows as consulted (tracker.core.pickers).
        people.queryset = Offender.objects.visible_to(user)
        current = Q(pk=self.instance.programme_id) if self.instance.pk else Q()
        model_choice_field(self, "programme").queryset = Programme.objects.filter(Q(active=True) | current)
        model_choice_field(self, "handling_organisation").queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.PROBATION, Organisation.Kind.PRISON], active=True
        )
        choice_field(self, "victim_role").choices = Referral.VictimRole.choices
        choice_field(self, "priority").choices = Referral.Priority.choices
        if self.instance.pk:
            # Who the referral is about and who handles it are fixed once made.
            del self.fields["offender"]
            del self.fields["handling_organisation"]


class CompleteForm(RecordVersionMixin, forms.Form):
    """One rating and comment for each of the programme's desired outcomes."""

    note = forms.CharField(label="Summary note", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, outcome_types: list[Any], attended: int, planned: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.outcome_types = outcome_types
        self._add_ratings(outcome_types)
        if attended < planned:
            # Asked only when the person attended fewer sessions than planned; the
            # status change records the confirmation.
            self.fields["confirm_fewer_sessions"] = forms.BooleanField(
                label=f"I confirm the referral is complete although the person attended {attended} of the "
                f"{planned} planned sessions",
                error_messages={
                    "required": f"Confirm that the referral is complete with {attended} of {planned} sessions "
                    "attended, or record the missing sessions first"
                },
            )
        # The confirmation last, just above the button.
        self.order_fields(
            [name for name in self.fields if name not in {"note", "confirm_fewer_sessions"}]
            + ["note", "confirm_fewer_sessions"]
        )

    def _add_ratings(self, outcome_types: list[Any]) -> None:
        for outcome_type in outcome_types:
            self.fields[f"rating_{outcome_type.pk}"] = forms.ChoiceField(
                label=f"{outcome_type.name}: how far was it achieved?",
                choices=Outcome.Rating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate “{outcome_type.name}”"},
            )
            self.fields[f"comment_{outcome_type.pk}"] = forms.CharField(
                label=f"{outcome_type.name}: comment",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": f"Add a comment on “{outcome_type.name}”"},
            )

    def confirmed_fewer_sessions(self) -> bool:
        return bool(self.cleaned_data.get("confirm_fewer_sessions"))

    def ratings(self) -> dict[int, tuple[str, str]]:
        return {
            t.pk: (self.cleaned_data[f"rating_{t.pk}"], self.cleaned_data[f"comment_{t.pk}"])
            for t in self.outcome_types
        }


class SessionForm(GovUKModelForm):
    happened = _yes_no("Did the session take place?", "Select yes if the session took place")
    concern = forms.BooleanField(label="There is a concern the referrer should know about", required=False)

    # Asked only when they apply, each under the answer that makes it needed.
    reveals = {
        "attendance": ("happened", "True"),
        "behaviour": ("happened", "True"),
        "absence": ("attendance", Session.Attendance.DID_NOT_ATTEND.value),
        "concern_note": ("concern", True),
    }
    revealed_optional = frozenset({"behaviour"})

    class Meta:
        model = Session
        fields = ["scheduled_on", "happened", "attendance", "absence", "behaviour", "concern", "concern_note", "notes"]
        widgets = {
            "attendance": forms.RadioSelect,
            "absence": forms.RadioSelect,
            "behaviour": forms.RadioSelect,
            "concern_note": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"absence": "Was the absence acceptable?", "concern_note": "Describe the concern"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field(self, "attendance").choices = Session.Attendance.choices
        choice_field(self, "absence").choices = Session.Absence.choices
        choice_field(self, "behaviour").choices = Session.Behaviour.choices
        for name in ("attendance", "absence", "behaviour", "concern_note"):
            self.fields[name].required = False  # required only when revealed: see clean()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("happened"):
            if not data.get("attendance") and not self.has_error("attendance"):
                self.add_error("attendance", "Select whether the person attended")
            if data.get("attendance") == Session.Attendance.DID_NOT_ATTEND and not data.get("absence"):
                self.add_error("absence", "Select whether the absence was acceptable")
        if data.get("concern") and not str(data.get("concern_note") or "").strip():
            self.add_error("concern_note", "Describe the concern")
        return data


class AssignForm(RecordVersionMixin, forms.Form):
    liaison = forms.ModelChoiceField(
        label="Assign to", queryset=User.objects.none(), required=False, empty_label="Nobody (unassigned)"
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any):
        super().__init__(*args, versioned=referral, **kwargs)
        model_choice_field(self, "liaison").queryset = assignable_liaisons(referral)


def accept_fields(user: User, referral: Referral) -> dict[str, forms.Field]:
    """The accept move's own field: who takes the case on, by default the accepting liaison."""
    mine = may_be_assigned(user, referral)
    return {
        "assignee": forms.ModelChoiceField(
            label="Assign to",
            queryset=assignable_liaisons(referral),
            required=False,
            empty_label="Nobody for now",
            initial=user.pk if mine else referral.assigned_liaison_id,
            help_text="The liaison who will work the referral."
            + (" It is you unless you choose someone else." if mine else ""),
        )
    }


class FollowUpForm(VersionedModelForm):
    class Meta:
        model = FollowUp
        fields = ["result", "note"]
        widgets = {"result": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"result": "Has the person been charged with another assault on an emergency worker?"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field(self, "result").choices = FollowUp.Result.choices
        self.fields["result"].required = True
