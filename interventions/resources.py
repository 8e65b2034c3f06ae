"""Spreadsheet exports of the filtered lists (formulas neutralised by the base)."""

from __future__ import annotations

from import_export import fields, widgets

from tracker.core.exports import SafeExportResource

from .models import Offender, Programme, Referral


class YesNo(widgets.Widget):
    def render(self, value: object, obj: object = None, **kwargs: object) -> str:
        return "Yes" if value else "No"


class ReferralResource(SafeExportResource):
    reference = fields.Field(attribute="reference", column_name="Referral")
    case_reference = fields.Field(attribute="offender__case_reference", column_name="Case reference")
    name = fields.Field(attribute="offender__full_name", column_name="Name")
    programme = fields.Field(attribute="programme__name", column_name="Programme")
    status = fields.Field(attribute="get_status_display", column_name="Status")
    handling = fields.Field(attribute="handling_organisation__name", column_name="Handled by")
    liaison = fields.Field(attribute="assigned_liaison", column_name="Assigned to")
    area = fields.Field(attribute="area__name", column_name="Area")
    offence_date = fields.Field(
        attribute="offence_date", column_name="Offence date", widget=widgets.DateWidget("%Y-%m-%d")
    )
    victim_role = fields.Field(attribute="get_victim_role_display", column_name="Victim's role")
    injury = fields.Field(attribute="injury", column_name="Injury", widget=YesNo())
    charged = fields.Field(attribute="charged_under_act", column_name="Charged under the 2018 Act", widget=YesNo())
    priority = fields.Field(attribute="get_priority_display", column_name="Priority")
    submitted_at = fields.Field(
        attribute="submitted_at", column_name="Submitted", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )
    accepted_at = fields.Field(
        attribute="accepted_at", column_name="Accepted", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )
    started_at = fields.Field(
        attribute="started_at", column_name="Started", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M")
    )
    ended_at = fields.Field(attribute="ended_at", column_name="Ended", widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M"))

    class Meta:
        model = Referral
        fields = [
            "reference",
            "case_reference",
            "name",
            "programme",
            "status",
            "handling",
            "liaison",
            "area",
            "offence_date",
            "victim_role",
            "injury",
            "charged",
            "priority",
            "submitted_at",
            "accepted_at",
            "started_at",
            "ended_at",
        ]
        export_order = fields


class OffenderResource(SafeExportResource):
    class Meta:
        model = Offender
        fields = ["case_reference", "first_name", "last_name", "date_of_birth"]
        export_order = fields


class ProgrammeResource(SafeExportResource):
    provider = fields.Field(attribute="provider__name", column_name="provider")

    class Meta:
        model = Programme
        fields = ["name", "description", "provider", "setting", "planned_sessions", "active"]
        export_order = fields
