from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

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
    readonly_fields = ["last_login", "date_joined"]


@admin.register(OutcomeType)
class OutcomeTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name"]


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


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin[AccessLog]):
    """Searchable, read-only: the log is evidence and is never edited."""

    list_display = ["at", "user", "action", "record_type", "record_label", "path", "client_address"]
    list_filter = ["action", "record_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["record_label", "user__username", "user__last_name", "path", "client_address"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False
