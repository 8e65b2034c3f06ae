from django.urls import path

from partners import pdfs
from partners.views import engagements, groups, partnerships, venues

app_name = "partners"

urlpatterns = [
    path("groups/", groups.GroupListView.as_view(), name="group-list"),
    path("groups/new/", groups.group_create, name="group-create"),
    path("groups/<int:pk>/", groups.group_detail, name="group-detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group-edit"),
    path("groups/<int:pk>/contacts/new/", groups.contact_add, name="contact-add"),
    path("groups/<int:pk>/contacts/<int:contact_pk>/remove/", groups.contact_remove, name="contact-remove"),
    path("venues/", venues.VenueListView.as_view(), name="venue-list"),
    path("venues/new/", venues.venue_create, name="venue-create"),
    path("venues/<int:pk>/", venues.venue_detail, name="venue-detail"),
    path("venues/<int:pk>/edit/", venues.venue_edit, name="venue-edit"),
    path("venues/<int:pk>/partnership/new/", partnerships.partnership_start, name="partnership-start"),
    path("partnerships/", partnerships.PartnershipListView.as_view(), name="partnership-list"),
    path("partnerships/<int:pk>/", partnerships.partnership_detail, name="partnership-detail"),
    path("partnerships/<int:pk>/edit/", partnerships.partnership_edit, name="partnership-edit"),
    path("partnerships/<int:pk>/move/<str:to>/", partnerships.partnership_move, name="partnership-move"),
    path("partnerships/<int:pk>/commitments/", partnerships.partnership_commitments, name="partnership-commitments"),
    path("partnerships/<int:pk>/summary.pdf", pdfs.partnership_report, name="partnership-pdf"),
    path("partnerships/<int:pk>/outcomes/new/", partnerships.partnership_outcome, name="partnership-outcome"),
    path("engagements/", engagements.EngagementListView.as_view(), name="engagement-list"),
    path("engagements/new/", engagements.engagement_create, name="engagement-create"),
    path("engagements/<int:pk>/", engagements.engagement_detail, name="engagement-detail"),
    path("engagements/<int:pk>/edit/", engagements.engagement_edit, name="engagement-edit"),
    path("engagements/<int:pk>/materials/", engagements.engagement_materials, name="engagement-materials"),
    path("engagements/<int:pk>/follow-ups/new/", engagements.follow_up_add, name="follow-up-add"),
    path("follow-ups/<int:pk>/done/", engagements.follow_up_done, name="follow-up-done"),
    path("engagements/<int:pk>/outcomes/new/", engagements.engagement_outcome, name="engagement-outcome"),
]
