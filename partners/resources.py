"""Spreadsheet columns of the strand's lists, read back by the importer: an export
of a list is a valid import file and re-importing it changes nothing. Columns are
snake_case, refer to other records by natural keys (area and group names, licence
numbers, usernames) and show choices by their labels."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, TextChoices
from import_export import fields, widgets

from partners import services
from partners.models import CampaignMaterial, CommunityGroup, Engagement, EngagementKind, Partnership, Venue
from tracker.core import validation
from tracker.core.imports.resources import TrackerResource
from tracker.core.models import Area, User


class ChoiceLabelWidget(widgets.Widget):
    """Writes a choice's label and reads either the label or the stored value."""

    def __init__(self, choices: type[TextChoices]):
        super().__init__()
        self.choices = choices

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "").strip()
        for choice in self.choices:
            if text.lower() in {choice.value.lower(), choice.label.lower()}:
                return choice.value
        if text:
            raise ValueError(f"{text!r} is not one of: {', '.join(self.choices.labels)}.")
        return ""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value in (None, ""):
            return ""
        return str(self.choices(value).label)


class LookupWidget(widgets.ForeignKeyWidget):
    """A related record by a readable key (case-insensitive); an unknown key is an
    error on the cell rather than a crash of the row."""

    def __init__(self, model: type[Model], field: str, *, what: str):
        super().__init__(model, field)
        self.what = what

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        found = list(self.get_queryset(value, row, **kwargs).filter(**{f"{self.field}__iexact": text})[:2])
        if len(found) != 1:
            raise ValueError(f"No {self.what} {text!r}." if not found else f"More than one {self.what} {text!r}.")
        return found[0]


class StrictManyWidget(widgets.ManyToManyWidget):
    """Several related records by key, separated by "; ". Every key must exist."""

    def __init__(self, model: type[Model], field: str, *, what: str):
        super().__init__(model, separator=";", field=field)
        self.what = what

    def keys(self, value: Any) -> list[str]:
        return [part.strip() for part in str(value or "").split(";") if part.strip()]

    def check(self, value: Any) -> list[Any]:
        keys = self.keys(value)
        found = {
            str(getattr(r, self.field)).lower(): r for r in self.model.objects.filter(**{f"{self.field}__in": keys})
        }
        missing = [k for k in keys if k.lower() not in found]
        if missing:
            raise ValueError(f"No {self.what} {', '.join(repr(m) for m in missing)}.")
        return [found[k.lower()] for k in keys]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return "; ".join(str(getattr(r, self.field)) for r in value.all())


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except (ArithmeticError, ValueError):
            raise ValueError(f"{value!r} is not a whole number.") from None


class PostcodeWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return str(super().clean(value, row, **kwargs) or "").upper().strip()


def _text(attribute: str) -> fields.Field:
    # Blank cells read as "" (not None) for text columns, as the forms save them.
    return fields.Field(attribute=attribute, column_name=attribute, widget=widgets.CharWidget())


def _area() -> fields.Field:
    return fields.Field(attribute="area", column_name="area", widget=LookupWidget(Area, "name", what="area named"))


def _user(column: str) -> fields.Field:
    return fields.Field(
        attribute="lead_officer", column_name=column, widget=LookupWidget(User, "username", what="user named")
    )


def _date(attribute: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=widgets.DateWidget("%Y-%m-%d"))


class StrandResource(TrackerResource):
    """Imports into versioned records move their version on, so an editor holding
    the record open is told it changed instead of silently overwriting the import."""

    class Meta(TrackerResource.Meta):
        pass

    def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        if instance.pk is not None and hasattr(instance, "version") and not self.claims_after_save(instance):
            instance.version += 1
        super().before_save_instance(instance, row, **kwargs)

    def claims_after_save(self, instance: Any) -> bool:
        """Whether a service called after the save claims the version, so that the
        row moves it once, not twice."""
        return False


class GroupResource(StrandResource):
    name = _text("name")
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceLabelWidget(CommunityGroup.Kind))
    area = _area()
    active = fields.Field(attribute="active", column_name="active", widget=widgets.BooleanWidget())

    class Meta(StrandResource.Meta):
        model = CommunityGroup
        fields = ("name", "kind", "area", "active")
        import_id_fields = ("name",)

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        # Groups match on name whatever its case, as the unique name is meant.
        name = str(row.get("name") or "").strip()
        return CommunityGroup.objects.filter(name__iexact=name).first() if name else None


class VenueResource(StrandResource):
    licence_number = _text("licence_number")
    name = _text("name")
    address = _text("address")
    postcode = fields.Field(attribute="postcode", column_name="postcode", widget=PostcodeWidget())
    area = _area()
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceLabelWidget(Venue.Kind))
    latest_licensed_hour = fields.Field(
        attribute="latest_licensed_hour", column_name="latest_licensed_hour", widget=widgets.TimeWidget("%H:%M")
    )
    operator = _text("operator")

    class Meta(StrandResource.Meta):
        model = Venue
        fields = ("licence_number", "name", "address", "postcode", "area", "kind", "latest_licensed_hour", "operator")
        import_id_fields = ("licence_number",)


class PartnershipResource(TrackerResource):
    """Export only: partnerships move through their lifecycle, never by import."""

    venue = fields.Field(
        attribute="venue",
        column_name="licence_number",
        widget=widgets.ForeignKeyWidget(Venue, "licence_number"),
    )
    venue_name = fields.Field(attribute="venue__name", column_name="venue", readonly=True)
    area = fields.Field(attribute="venue__area__name", column_name="area", readonly=True)
    status = fields.Field(attribute="status", column_name="status", widget=ChoiceLabelWidget(Partnership.Status))
    started_on = _date("started_on")
    signed_up_on = _date("signed_up_on")
    next_review_on = _date("next_review_on")
    ended_on = _date("ended_on")
    end_reason = fields.Field(attribute="end_reason__name", column_name="end_reason", readonly=True)
    lead_officer = _user("lead_officer")

    class Meta(TrackerResource.Meta):
        model = Partnership
        fields = (
            "venue", "venue_name", "area", "status", "started_on", "signed_up_on", "next_review_on", "ended_on",
            "end_reason", "lead_officer",
        )  # fmt: skip


def parse_materials(value: Any) -> dict[CampaignMaterial, int]:
    """ "Posters: 40; Leaflets: 100" → {material: quantity}; unknown names are an error."""
    lines: dict[str, int] = {}
    for part in str(value or "").split(";"):
        if not part.strip():
            continue
        name, sep, quantity = part.rpartition(":")
        if not sep or not name.strip():
            raise ValueError(f"Write each material as 'name: quantity', not {part.strip()!r}.")
        try:
            number = int(quantity.strip())
        except ValueError:
            raise ValueError(f"The quantity of {name.strip()!r} must be a whole number.") from None
        if number < 0:
            raise ValueError(f"The quantity of {name.strip()!r} cannot be negative.")
        rule = validation.CountWithin(f"The quantity of {name.strip()!r}", maximum=validation.MAX_QUANTITY)
        for problem in validation.problems(number, [rule]):
            raise ValueError(f"{problem}.")
        if name.strip().lower() in lines:
            raise ValueError(f"{name.strip()!r} appears twice.")
        lines[name.strip().lower()] = number
    known = {m.name.lower(): m for m in CampaignMaterial.objects.all()}
    missing = [name for name in lines if name not in known]
    if missing:
        raise ValueError(f"No campaign material named {', '.join(repr(m) for m in missing)}.")
    return {known[name]: quantity for name, quantity in lines.items()}


class EngagementResource(StrandResource):
    id = fields.Field(attribute="id", column_name="id", widget=WholeNumberWidget())
    starts_at = fields.Field(
        attribute="starts_at", column_name="starts_at", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=LookupWidget(EngagementKind, "name", what="engagement kind")
    )
    lead_officer = _user("lead_officer")
    area = _area()
    groups = fields.Field(
        attribute="groups",
        column_name="groups",
        widget=StrictManyWidget(CommunityGroup, "name", what="community group named"),
    )
    venues = fields.Field(
        attribute="venues",
        column_name="venues",
        widget=StrictManyWidget(Venue, "licence_number", what="venue with licence number"),
    )
    attendance = fields.Field(attribute="attendance", column_name="attendance", widget=WholeNumberWidget())
    summary = _text("summary")
    # Not a model field: applied after the row is saved, through the service.
    materials = fields.Field(column_name="materials")

    class Meta(StrandResource.Meta):
        model = Engagement
        fields = (
            "id", "starts_at", "kind", "lead_officer", "area", "groups", "venues", "attendance", "summary",
            "materials",
        )  # fmt: skip
        import_id_fields = ("id",)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        # The id column is optional: a file of new engagements need not have it.
        if "id" not in (dataset.headers or ()):
            dataset.append_col([None] * len(dataset), header="id")
        super().before_import(dataset, **kwargs)

    def dehydrate_materials(self, engagement: Engagement) -> str:
        return "; ".join(f"{line.material.name}: {line.quantity}" for line in engagement.materials.all())

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        key = str(row.get("id") or "").strip()
        if not key:
            return None
        if not key.isdigit():
            raise ValidationError({"id": "The id must be a number from an export, or blank for a new engagement."})
        found = Engagement.objects.filter(pk=int(key)).first()
        if found is None:
            raise ValidationError({"id": f"No engagement {key}: leave the id blank to add a new one."})
        return found

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.error_dict)
        linked = 0
        for name in ("groups", "venues"):
            field = self.fields[name]
            if field.column_name not in row:
                linked += 1 if instance.pk and getattr(instance, name).exists() else 0
                continue
            try:
                linked += len(field.widget.check(row[field.column_name]))
            except ValueError as error:
                errors[name] = [str(error)]
                linked += 1
        if not linked:
            errors.setdefault("groups", ["Give at least one community group or venue."])
        if "materials" in row:
            try:
                instance._import_materials = parse_materials(row["materials"])
            except ValueError as error:
                errors["materials"] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance: Any, original: Any, row: Any, import_validation_errors: Any = None) -> bool:
        wanted = getattr(instance, "_import_materials", None)
        if wanted is not None and original.pk is not None:
            current = {line.material: line.quantity for line in original.materials.all()}
            if {m: q for m, q in wanted.items() if q} != current:
                return False
        return bool(super().skip_row(instance, original, row, import_validation_errors))

    def after_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        super().after_save_instance(instance, row, **kwargs)
        wanted = getattr(instance, "_import_materials", None)
        if wanted is None:
            return
        current = {line.material: line.quantity for line in instance.materials.all()}
        # Materials missing from the cell are removed: the cell is the whole list.
        quantities = {material: 0 for material in current} | wanted
        # `user` is None only for a resource built outside an import, which never saves.
        services.set_materials(instance, by=self.user, expected_version=instance.version, quantities=quantities)  # type: ignore[arg-type]

    def claims_after_save(self, instance: Any) -> bool:
        # set_materials claims the version when the row has a materials cell.
        return getattr(instance, "_import_materials", None) is not None
