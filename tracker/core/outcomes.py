"""Outcomes: what came of a piece of work. One mechanism for every strand; a strand
attaches outcomes to its records through `outcomes_for()` and the services here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet

from tracker.core import validation
from tracker.core.forms import VersionedModelForm, choice_field, model_choice_field
from tracker.core.history import HistoryEntry, related_entries, set_history_user
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
    # For records about people: the ids of the people records with these ids are
    # about (one query), so that showing their outcomes is logged as consulting them.
    people: Callable[[list[int]], Iterable[int]] | None = None


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


def people_of_outcomes(outcomes: Iterable[Outcome]) -> set[int]:
    """The people the outcomes are about, through their subjects: one query per
    subject type about people that the outcomes name (none for other strands)."""
    wanted: dict[int, list[int]] = {}
    for outcome in outcomes:
        wanted.setdefault(outcome.content_type_id, []).append(outcome.object_id)
    people: set[int] = set()
    for subject in _subjects.values():
        if subject.people is None:
            continue
        ids = wanted.get(ContentType.objects.get_for_model(subject.model).pk)
        if ids:
            people.update(subject.people(ids))
    return people


def outcome_types_for(model: type[models.Model]) -> QuerySet[OutcomeType]:
    """The outcome types that can be recorded on records of `model`: those marked as
    applying to it, and those marked for no kind in particular."""
    links = OutcomeType.applies_to.through.objects
    content_type = ContentType.objects.get_for_model(model)
    return OutcomeType.objects.filter(
        models.Q(pk__in=links.filter(contenttype=content_type).values("outcometype_id"))
        | ~models.Q(pk__in=links.values("outcometype_id"))
    )


def _check_applies(outcome_type: OutcomeType, subject_model: type[models.Model]) -> None:
    if not outcome_types_for(subject_model).filter(pk=outcome_type.pk).exists():
        subject = subject_for(subject_model)
        what = subject.label.lower() if subject else str(subject_model._meta.verbose_name)
        article = "an" if what[:1] in "aeiou" else "a"
        raise ValidationError(
            {"outcome_type": f"“{outcome_type}” is not an outcome of {article} {what}: select another type of outcome"}
        )


def outcomes_for(subject: models.Model) -> QuerySet[Outcome]:
    content_type = ContentType.objects.get_for_model(subject)  # cached after the first call
    return Outcome.objects.filter(content_type=content_type, object_id=subject.pk).select_related(
        "outcome_type", "recorded_by"
    )


def outcome_history(subject: models.Model) -> list[HistoryEntry]:
    """The history of `subject`'s outcomes, for its timeline: one query."""
    content_type = ContentType.objects.get_for_model(subject)
    rows = Outcome.history.filter(content_type=content_type, object_id=subject.pk)
    return related_entries(rows.select_related("outcome_type"), noun="Outcome", name=lambda row: str(row.outcome_type))


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
    _check_applies(outcome_type, type(subject))
    validation.check_rules({"date": date}, OUTCOME_RULES)
    set_history_user(outcome, by)
    outcome.save()
    return outcome


def update_outcome(outcome: Outcome, *, by: User, expected_version: int, **changes: Any) -> Outcome:
    if "date" in changes and changes["date"] != outcome.date:
        validation.check_rules({"date": changes["date"]}, OUTCOME_RULES)
    if "outcome_type" in changes and changes["outcome_type"].pk != outcome.outcome_type_id:
        subject_model = outcome.content_type.model_class()
        if subject_model is not None:
            _check_applies(changes["outcome_type"], subject_model)
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

    def __init__(self, *args: Any, subject_model: type[models.Model], **kwargs: Any):
        super().__init__(*args, **kwargs)
        current = self.instance.outcome_type_id if self.instance.pk else None
        # Only the types that fit this kind of record: no "Reduced alcohol use" on a meeting.
        model_choice_field(self, "outcome_type").queryset = outcome_types_for(subject_model).filter(
            models.Q(active=True) | models.Q(pk=current)
        )
        choice_field(self, "rating").choices = Outcome.Rating.choices  # no blank radio
