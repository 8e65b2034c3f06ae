from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from tracker.core import outcomes
from tracker.core.models import AccessLog, Area, Organisation, OutcomeType, User

# Roles are fields on the user, not groups.
admin.site.unregister(Group)


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    readonly_fields = ["version"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User], SimpleHistoryAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "organisation",
        "is_partnership_officer",
        "is_probation_liaison",
        "is_board_member",
        "is_administrator",
        "is_data_protection_officer",
        "is_active",
    ]
    list_filter = [
        "organisation",
        "is_partnership_officer",
        "is_probation_liaison",
        "is_board_member",
        "is_administrator",
        "is_data_protection_officer",
        "is_active",
    ]
    list_select_related = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal details", {"fields": ("first_name", "last_name", "email")}),
        (
            "Organisation and roles",
            {
                "fields": (
                    "organisation",
                    "is_partnership_officer",
                    "is_probation_liaison",
                    "is_board_member",
                    "is_administrator",
                    "is_data_protection_officer",
                    "is_active",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
        ("Email notifications", {"fields": ("email_choices",)}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "organisation", "password1", "password2")}),
        (
            "Roles",
            {
                "fields": (
                    "is_partnership_officer",
                    "is_probation_liaison",
                    "is_board_member",
                    "is_administrator",
                    "is_data_protection_officer",
                )
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined", "email_choices"]

    @admin.display(description="Email choices")
    def email_choices(self, obj: User) -> str:
        # The page is the notifications app's; core names it only by its URL name.
        if obj.pk is None:
            return "Save the user first."
        url = reverse("notification-preferences-for", args=[obj.pk])
        return format_html('<a href="{}">Choose which emails this user gets (concern alerts included)</a>', url)


@admin.register(OutcomeType)
class OutcomeTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "applies_to_list", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutcomeType]:
        queryset: QuerySet[OutcomeType] = super().get_queryset(request)
        return queryset.prefetch_related("applies_to")

    @admin.display(description="Applies to")
    def applies_to_list(self, obj: OutcomeType) -> str:
        return ", ".join(sorted(label_of(ct) for ct in obj.applies_to.all())) or "Every kind of record"

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "applies_to":
            # Only the kinds of record outcomes can be recorded on, by their names.
            kinds = [ContentType.objects.get_for_model(s.model).pk for s in outcomes.subject_types()]
            kwargs["queryset"] = ContentType.objects.filter(pk__in=kinds)
            kwargs["widget"] = forms.CheckboxSelectMultiple
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = label_of
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def label_of(content_type: ContentType) -> str:
    """The outcome subject's name for a kind of record ("Engagement", "Referral")."""
    model = content_type.model_class()
    subject = outcomes.subject_for(model) if model else None
    return subject.label if subject else str(content_type)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """For records that change only through their services (an import, an action):
    the admin shows them and changes nothing, so validation and history are the
    same for every write."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


SHORT_LIST = 3


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """The consultation log, read-only: it is evidence, never added to, edited or
    deleted by hand. One row per request; the people it showed are listed by id
    (the log holds no personal data). Search a person's id to find who saw them,
    or a username, a referral number, a path or an address. The data protection
    officer's own pages are in tracker/dataprotection/."""

    list_display = ["at", "user", "action", "way", "record_label", "people_in_short", "path", "client_address"]
    list_filter = ["action", "way", ("at", admin.DateFieldListFilter)]
    search_fields = ["=consulted__person_id", "=record_label", "user__username", "path", "client_address"]
    search_help_text = "A person's id, a username, a referral number (R00012), a path or an address."
    list_select_related = ["user"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "user",
        "action",
        "way",
        "record_type",
        "record_id",
        "record_label",
        "people",
        "people_named",
        "path",
        "client_address",
    ]
    fields = tuple(readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessLog]:
        return super().get_queryset(request).prefetch_related("consulted")

    @admin.display(description="People shown")
    def people_named(self, obj: AccessLog) -> str:
        ids = sorted(c.person_id for c in obj.consulted.all())
        return ", ".join(f"Person {pk}" for pk in ids) or "–"

    @admin.display(description="People shown")
    def people_in_short(self, obj: AccessLog) -> str:
        ids = sorted(c.person_id for c in obj.consulted.all())
        shown = ", ".join(f"Person {pk}" for pk in ids[:SHORT_LIST])
        more = len(ids) - SHORT_LIST
        return (f"{shown} and {more} more" if more > 0 else shown) or "–"
