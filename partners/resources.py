"""Spreadsheet columns of the strand's lists, in the layout the import kinds read
(partners/importing.py): an export of a list is a valid import file and
re-importing it changes nothing. Columns are snake_case, refer to other records
by natural keys (area and group names, licence numbers, usernames) and show
choices by their labels."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, TextChoices
from import_export import fields, widgets

from partners.models import CommunityGroup, Engagement, EngagementKind, Partnership, Venue
from tracker.core.exports import IsoDateWidget, YesNoWidget
from tracker.core.imports.resources import TrackerResource
from tracker.core.models import Area, User


class ChoiceLabelWidget(widgets.Widget):
    """Writes a choice's label (the import reads it back with `cells.choice`)."""

    def __init__(self, choices: type[TextChoices]):
        super().__init__()
        self.choices = choices

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value in (None, ""):
            return ""
        return str(self.choices(value).label)


class ManyWidget(widgets.ManyToManyWidget):
    """Several related records by key, written separated by "; "."""

    def __init__(self, model: type[Model], field: str):
        super().__init__(model, separator=";", field=field)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return "; ".join(str(getattr(r, self.field)) for r in value.all())


def _name_of(attribute: str, column: str) -> fields.Field:
    """A person by their name, for reading (the import uses the username column beside it)."""
    return fields.Field(attribute=attribute, column_name=column, readonly=True, widget=PersonWidget())


class PersonWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


def _text(attribute: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=widgets.CharWidget())


def _area() -> fields.Field:
    return fields.Field(attribute="area", column_name="area", widget=widgets.ForeignKeyWidget(Area, "name"))


def _user(column: str) -> fields.Field:
    return fields.Field(attribute="lead_officer", column_name=column, widget=widgets.ForeignKeyWidget(User, "username"))


def _date(attribute: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=IsoDateWidget())


class GroupResource(TrackerResource):
    name = _text("name")
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceLabelWidget(CommunityGroup.Kind))
    area = _area()
    active = fields.Field(attribute="active", column_name="active", widget=YesNoWidget())

    class Meta(TrackerResource.Meta):
        model = CommunityGroup
        fields = ("name", "kind", "area", "active")
        import_id_fields = ("name",)


class VenueResource(TrackerResource):
    licence_number = _text("licence_number")
    name = _text("name")
    address = _text("address")
    postcode = _text("postcode")
    area = _area()
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceLabelWidget(Venue.Kind))
    latest_licensed_hour = fields.Field(
        attribute="latest_licensed_hour", column_name="latest_licensed_hour", widget=widgets.TimeWidget("%H:%M")
    )
    operator = _text("operator")

    class Meta(TrackerResource.Meta):
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
    lead_officer = _name_of("lead_officer", "lead_officer")

    class Meta(TrackerResource.Meta):
        model = Partnership
        fields = (
            "venue_name", "venue", "area", "status", "started_on", "signed_up_on", "next_review_on", "ended_on",
            "end_reason", "lead_officer",
        )  # fmt: skip


class EngagementResource(TrackerResource):
    id = fields.Field(attribute="id", column_name="id", widget=widgets.IntegerWidget())
    starts_at = fields.Field(
        attribute="starts_at", column_name="starts_at", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )
    kind = fields.Field(attribute="kind", column_name="kind", widget=widgets.ForeignKeyWidget(EngagementKind, "name"))
    lead_officer_name = _name_of("lead_officer", "lead_officer_name")
    lead_officer = _user("lead_officer")
    area = _area()
    groups = fields.Field(attribute="groups", column_name="groups", widget=ManyWidget(CommunityGroup, "name"))
    # Venues by name for people, and by licence number (what the import links by).
    venue_names = fields.Field(
        attribute="venues", column_name="venue_names", readonly=True, widget=ManyWidget(Venue, "name")
    )
    venues = fields.Field(attribute="venues", column_name="venues", widget=ManyWidget(Venue, "licence_number"))
    attendance = fields.Field(attribute="attendance", column_name="attendance", widget=widgets.IntegerWidget())
    summary = _text("summary")
    materials = fields.Field(column_name="materials")

    class Meta(TrackerResource.Meta):
        model = Engagement
        fields = (
            "id", "starts_at", "kind", "lead_officer_name", "lead_officer", "area", "groups", "venue_names", "venues",
            "attendance", "summary", "materials",
        )  # fmt: skip
        import_id_fields = ("id",)

    def dehydrate_materials(self, engagement: Engagement) -> str:
        return "; ".join(f"{line.material.name}: {line.quantity}" for line in engagement.materials.all())
