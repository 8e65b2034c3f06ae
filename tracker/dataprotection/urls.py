from django.urls import path

from tracker.dataprotection import log_views, views

app_name = "dataprotection"

urlpatterns = [
    path("", views.index, name="index"),
    # the consultation log
    path("log/", log_views.AccessLogListView.as_view(), name="log"),
    path("log/people/", log_views.person_search, name="log-people"),
    path("log/people/<int:person_id>/", log_views.person_history, name="log-person"),
    path("log/unusual-volume/", log_views.unusual_volume, name="log-unusual-volume"),
]
