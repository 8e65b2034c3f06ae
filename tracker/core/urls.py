from django.urls import path

from tracker.core import views

urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
]
