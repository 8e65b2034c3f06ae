from django.urls import path

from tracker.dataprotection import log_views, retention_views, subject_access_views, views

app_name = "dataprotection"

urlpatterns = [
    path("", views.index, name="index"),
    # the consultation log
    path("log/", log_views.AccessLogListView.as_view(), name="log"),
    path("log/people/", log_views.person_search, name="log-people"),
    path("log/people/<int:person_id>/", log_views.person_history, name="log-person"),
    path("log/unusual-volume/", log_views.unusual_volume, name="log-unusual-volume"),
    # Subject access
    path("subject-access/", subject_access_views.request_list, name="sar-list"),
    path("subject-access/new/", subject_access_views.request_new, name="sar-new"),
    path("subject-access/<int:pk>/", subject_access_views.request_detail, name="sar"),
    path("subject-access/<int:pk>/pack.pdf", subject_access_views.pack_pdf, name="sar-pdf"),
    path("subject-access/<int:pk>/pack.json", subject_access_views.pack_json, name="sar-json"),
    path("subject-access/<int:pk>/close/", subject_access_views.request_close, name="sar-close"),
]

# Retention review ---------------------------------------------------------------
urlpatterns += [
    path("retention/", retention_views.queue, name="retention-queue"),
    path("retention/<int:pk>/", retention_views.person, name="retention-person"),
    path("retention/<int:pk>/keep/", retention_views.keep, name="retention-keep"),
    path("retention/<int:pk>/dispose/", retention_views.dispose, name="retention-dispose"),
    path("retention/<int:pk>/restriction/", retention_views.restrict, name="retention-restriction"),
]
