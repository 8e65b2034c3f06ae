"""Version-checked edits: the second of two people saving the same record is refused.

Every editable record carries a `version`. A save states the version its editor
loaded; the check and the increment are one conditional UPDATE inside the caller's
transaction, so two concurrent saves cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.db.models import F

from tracker.core.history import set_history_user
from tracker.core.validation import check_changes

if TYPE_CHECKING:
    from tracker.core.models import User


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


V = TypeVar("V", bound=VersionedModel)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


class EditConflict(Exception):
    """Someone else saved the record after the editor loaded it."""

    def __init__(self, instance: VersionedModel, *, current_version: int, changed_by: str, changes: list[FieldChange]):
        self.instance = instance
        self.current_version = current_version
        self.changed_by = changed_by
        self.changes = changes
        super().__init__(self.message)

    @property
    def message(self) -> str:
        who = self.changed_by or "Someone else"
        if self.changes:
            fields = ", ".join(change.field for change in self.changes)
            what = f"changed {fields}"
        else:
            what = "changed this record"
        return (
            f"{who} {what} after you opened this page. Your changes have not been saved. "
            "Check their changes, then save again to replace them with yours."
        )


def _display(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    return str(value)


def describe_changes_since(instance: VersionedModel, version: int) -> tuple[str, list[FieldChange]]:
    """Who changed the record since `version`, and which fields, from its history."""
    history = getattr(instance, "history", None)
    if history is None:
        return "", []
    records = list(
        history.model.objects.filter(**{instance._meta.pk.attname: instance.pk}, version__gte=version).order_by(
            "version", "history_date"
        )
    )
    loaded = next((r for r in records if r.version == version), None)
    later = [r for r in records if r.version > version]
    if not later:
        return "", []
    latest = later[-1]
    names = sorted({str(r.history_user) for r in later if r.history_user_id})
    changes: list[FieldChange] = []
    if loaded is not None:
        delta = latest.diff_against(loaded, excluded_fields=["version"])
        for change in delta.changes:
            field = instance._meta.get_field(change.field)
            label = str(getattr(field, "verbose_name", change.field)).capitalize()
            changes.append(FieldChange(label, _display(change.old), _display(change.new)))
    return " and ".join(names), changes


def claim_version[V: VersionedModel](instance: V, expected_version: int) -> None:
    """Move the stored record from `expected_version` to the next one, or raise
    EditConflict. Call inside a transaction, then save the instance."""
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if updated != 1:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        changed_by, changes = describe_changes_since(instance, expected_version)
        raise EditConflict(instance, current_version=current or 0, changed_by=changed_by, changes=changes)
    instance.version = expected_version + 1


@transaction.atomic
def save_changes[V: VersionedModel](instance: V, *, by: User, expected_version: int, changes: dict[str, Any]) -> V:
    """Apply `changes` to `instance` if nobody saved it since `expected_version`,
    with a history entry by `by`. The building block of every edit service."""
    check_changes(instance, changes)
    claim_version(instance, expected_version)
    for name, value in changes.items():
        setattr(instance, name, value)
    set_history_user(instance, by)
    instance.save()
    return instance
