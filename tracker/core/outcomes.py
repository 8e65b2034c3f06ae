"""Outcomes: what came of a piece of work. One mechanism for every strand; a strand
attaches outcomes to its records through `outcomes_for()` and the services here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet

from tracker.core import validation
from tracker.core.forms import VersionedModelForm, choice_field, model_choice_field
from tracker.core.history import set_history_user
from tracker.core.models import Outcome, OutcomeType, User
from tracker.core.versioning import save_changes


@dataclass(frozen=True)
class OutcomeSubject:
    """A record type that outcomes can be attached to, with the strand's own rules
    for who may see and who may add to its records."""

    model: type[models.Model]
    label: str
    visible: Callable[[User], QuerySet[Any]]  # the strand's visible_to(user)
    may_record: Callable[[User, Any], bool]


_subjects: dict[str, OutcomeSubject] = {}


def register_subject(subject: OutcomeSubject) -> None:
    _subjects[subject.model._meta.label_lower] = subject


def subject_types() -> list[OutcomeSubject]:
    return list(_subjects.values())


def subject_for(model: type[models.Model]) -> OutcomeSubject | None:
    return _subjects.get(model._meta.label_lower)


def visible_outcomes(user: User) -> QuerySet[Outcome]:
    """Outcomes of every record the user may see, whatever strand it belongs to."""
    condition = models.Q(pk__in=[])
    for subject in _subjects.values():
        content_type = ContentType.objects.get_for_model(subject.model)
        condition |= models.Q(content_type=content_type, object_id__in=subject.visible(user).values("pk"))
    return Outcome.objects.filter(condition)


def outcomes_for(subject: models.Model) -> QuerySet[Outcome]:
    content_type = ContentType.objects.get_for_model(subject)  # cached after the first call
    return Outcome.objects.filter(content_type=content_type, object_id=subject.pk).select_related(
        "outcome_type", "recorded_by"
    )


def outcomes_for_model(model: type[models.Model]) -> QuerySet[Outcome]:
    return Outcome.objects.filter(content_type=ContentType.objects.get_for_model(model))


# An outcome is something that came of the work: it has happened. (The rule belongs on
# Outcome.date; it is applied here, by the form and by the API's serializer until that
# field's migration can be added.)
OUTCOME_RULES = {"date": [validation.OUTCOME_DATE]}


@transaction.atomic
def record_outcome(
    subject: models.Model,
    *,
    by: User,
    date: date,
    outcome_type: OutcomeType,
    rating: str,
    description: str,
    measure: Decimal | None = None,
) -> Outcome:
    """Record what came of `subject` (an engagement, partnership or referral)."""
    outcome = Outcome(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        date=date,
        outcome_type=outcome_type,
        rating=rating,
        description=description,
        measure=measure,
        recorded_by=by,
    )
    outcome.full_clean()
    validation.check_rules({"date": date}, OUTCOME_RULES)
    set_history_user(outcome, by)
    outcome.save()
    return outcome


def update_outcome(outcome: Outcome, *, by: User, expected_version: int, **changes: Any) -> Outcome:
    if "date" in changes and changes["date"] != outcome.date:
        validation.check_rules({"date": changes["date"]}, OUTCOME_RULES)
    return save_changes(outcome, by=by, expected_version=expected_version, changes=changes)


@transaction.atomic
def delete_outcome(outcome: Outcome, *, by: User) -> None:
    """Remove an outcome; its history keeps the deleted record."""
    set_history_user(outcome, by)
    outcome.delete()


class OutcomeForm(VersionedModelForm):
    class Meta:
        model = Outcome
        fields = ["date", "outcome_type", "rating", "description", "measure"]
        widgets = {"rating": forms.RadioSelect}
        labels = {"outcome_type": "Type of outcome"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        current = self.instance.outcome_type_id if self.instance.pk else None
        model_choice_field(self, "outcome_type").queryset = OutcomeType.objects.filter(
            models.Q(active=True) | models.Q(pk=current)
        )
        choice_field(self, "rating").choices = Outcome.Rating.choices  # no blank radio
