from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Programme, ReasonCode


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "provider", "setting", "planned_sessions", "active", "order"]
    list_filter = ["setting", "active", "provider"]
    list_select_related = ["provider"]
    search_fields = ["name"]
    filter_horizontal = ["desired_outcomes"]


@admin.register(ReasonCode)
class ReasonCodeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "group", "active", "order"]
    list_editable = ["active", "order"]
    list_filter = ["group", "active"]
    search_fields = ["name"]
