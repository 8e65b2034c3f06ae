from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partners.models import CampaignMaterial, CommitmentType, EndReason, EngagementKind


class ManagedListAdmin(SimpleHistoryAdmin):
    list_display = ["name", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name"]


admin.site.register(EngagementKind, ManagedListAdmin)
admin.site.register(CampaignMaterial, ManagedListAdmin)
admin.site.register(EndReason, ManagedListAdmin)


@admin.register(CommitmentType)
class CommitmentTypeAdmin(ManagedListAdmin):
    list_display = ["name", "needs_training_date", "active", "order"]
