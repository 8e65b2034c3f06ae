from django.urls import path

from . import views

urlpatterns = [
    path("accounts/notifications/", views.preferences, name="notification-preferences"),
    path("accounts/notifications/<int:pk>/", views.preferences_for, name="notification-preferences-for"),
]
