"""Spreadsheet columns of the strand's lists. Columns are readable (labels, names)
and refer to other records by natural keys (area and group names, licence numbers)
so the import issue can read the same files back."""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from import_export import fields, widgets

from partners.models import (
    CommunityGroup,
    Engagement,
    EngagementKind,
    Partnership,
    Venue,
)
from tracker.core.exports import SafeExportResource
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
            raise ValueError(f"{text!r} is not one of: {', '.join(self.choices.labels)}")
        return ""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value in (None, ""):
            return ""
        return str(self.choices(value).label)


def _user(column: str) -> fields.Field:
    return fields.Field(attribute="lead_officer", column_name=column, widget=widgets.ForeignKeyWidget(User, "username"))


def _area() -> fields.Field:
    return fields.Field(attribute="area", column_name="Area", widget=widgets.ForeignKeyWidget(Area, "name"))


class GroupResource(SafeExportResource):
    name = fields.Field(attribute="name", column_name="Name")
    kind = fields.Field(attribute="kind", column_name="Kind", widget=ChoiceLabelWidget(CommunityGroup.Kind))
    area = _area()
    active = fields.Field(attribute="active", column_name="Active", widget=widgets.BooleanWidget())

    class Meta:
        model = CommunityGroup
        fields = ("name", "kind", "area", "active")
        import_id_fields = ("name",)


class VenueResource(SafeExportResource):
    licence_number = fields.Field(attribute="licence_number", column_name="Premises licence number")
    name = fields.Field(attribute="name", column_name="Name")
    address = fields.Field(attribute="address", column_name="Address")
    postcode = fields.Field(attribute="postcode", column_name="Postcode")
    area = _area()
    kind = fields.Field(attribute="kind", column_name="Kind", widget=ChoiceLabelWidget(Venue.Kind))
    latest_licensed_hour = fields.Field(
        attribute="latest_licensed_hour", column_name="Latest licensed hour", widget=widgets.TimeWidget("%H:%M")
    )
    operator = fields.Field(attribute="operator", column_name="Operator")

    class Meta:
        model = Venue
        fields = ("licence_number", "name", "address", "postcode", "area", "kind", "latest_licensed_hour", "operator")
        import_id_fields = ("licence_number",)


class PartnershipResource(SafeExportResource):
    venue = fields.Field(
        attribute="venue",
        column_name="Premises licence number",
        widget=widgets.ForeignKeyWidget(Venue, "licence_number"),
    )
    venue_name = fields.Field(attribute="venue__name", column_name="Venue", readonly=True)
    area = fields.Field(attribute="venue__area__name", column_name="Area", readonly=True)
    status = fields.Field(attribute="status", column_name="Status", widget=ChoiceLabelWidget(Partnership.Status))
    started_on = fields.Field(attribute="started_on", column_name="Start date", widget=widgets.DateWidget("%Y-%m-%d"))
    signed_up_on = fields.Field(
        attribute="signed_up_on", column_name="Signed up on", widget=widgets.DateWidget("%Y-%m-%d")
    )
    next_review_on = fields.Field(
        attribute="next_review_on", column_name="Next review date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    ended_on = fields.Field(attribute="ended_on", column_name="Ended on", widget=widgets.DateWidget("%Y-%m-%d"))
    end_reason = fields.Field(attribute="end_reason__name", column_name="Reason ended", readonly=True)
    lead_officer = _user("Lead officer (username)")

    class Meta:
        model = Partnership
        fields = (
            "venue",
            "venue_name",
            "area",
            "status",
            "started_on",
            "signed_up_on",
            "next_review_on",
            "ended_on",
            "end_reason",
            "lead_officer",
        )


class EngagementResource(SafeExportResource):
    starts_at = fields.Field(
        attribute="starts_at", column_name="Date and time", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )
    kind = fields.Field(attribute="kind", column_name="Kind", widget=widgets.ForeignKeyWidget(EngagementKind, "name"))
    lead_officer = _user("Lead officer (username)")
    area = _area()
    groups = fields.Field(
        attribute="groups",
        column_name="Community groups",
        widget=widgets.ManyToManyWidget(CommunityGroup, separator="; ", field="name"),
    )
    venues = fields.Field(
        attribute="venues",
        column_name="Venues (licence numbers)",
        widget=widgets.ManyToManyWidget(Venue, separator="; ", field="licence_number"),
    )
    attendance = fields.Field(attribute="attendance", column_name="Attendance", widget=widgets.IntegerWidget())
    summary = fields.Field(attribute="summary", column_name="Summary")

    class Meta:
        model = Engagement
        fields = ("starts_at", "kind", "lead_officer", "area", "groups", "venues", "attendance", "summary")
