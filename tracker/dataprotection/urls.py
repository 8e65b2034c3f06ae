from django.urls import path

from tracker.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("", views.index, name="index"),
]
