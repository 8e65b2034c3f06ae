from django.urls import path

from tracker.dataprotection import retention_views, views

app_name = "dataprotection"

urlpatterns = [
    path("", views.index, name="index"),
]

# Retention review ---------------------------------------------------------------
urlpatterns += [
    path("retention/", retention_views.queue, name="retention-queue"),
    path("retention/<int:pk>/", retention_views.person, name="retention-person"),
    path("retention/<int:pk>/keep/", retention_views.keep, name="retention-keep"),
    path("retention/<int:pk>/dispose/", retention_views.dispose, name="retention-dispose"),
    path("retention/<int:pk>/restriction/", retention_views.restrict, name="retention-restriction"),
]
