from django.urls import path

from . import pdfs, views

app_name = "interventions"

urlpatterns = [
    path("", views.ReferralListView.as_view(), name="referrals"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/edit/", views.referral_edit, name="referral-edit"),
    path("referrals/<int:pk>/complete/", views.referral_complete, name="referral-complete"),
    path("referrals/<int:pk>/assign/", views.referral_assign, name="referral-assign"),
    path("referrals/<int:pk>/sessions/new/", views.session_add, name="session-add"),
    path(
        "referrals/<int:pk>/sessions/<int:session_pk>/acknowledge/",
        views.concern_acknowledge,
        name="concern-acknowledge",
    ),
    path("referrals/<int:pk>/progress.pdf", pdfs.referral_report, name="referral-pdf"),
    path("referrals/<int:pk>/follow-up/", views.follow_up, name="follow-up"),
    path("referrals/<int:pk>/<slug:move>/", views.referral_move, name="referral-move"),
    path("offenders/", views.OffenderListView.as_view(), name="offenders"),
    path("offenders/new/", views.offender_create, name="offender-create"),
    path("offenders/<int:pk>/", views.offender_detail, name="offender"),
    path("offenders/<int:pk>/edit/", views.offender_edit, name="offender-edit"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programmes"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme"),
]
