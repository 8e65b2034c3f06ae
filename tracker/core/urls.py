from django.urls import path

from tracker.core import views
from tracker.core.imports import views as imports

urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
    path("imports/", imports.import_index, name="imports"),
    path("imports/<slug:slug>/upload/", imports.import_upload, name="import-upload"),
    path("imports/<slug:slug>/template.<str:fmt>", imports.import_template, name="import-template"),
    path("imports/<slug:slug>/example.csv", imports.import_example, name="import-example"),
    path("imports/check/<int:pk>/", imports.import_preview, name="import-preview"),
    path("imports/check/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("imports/check/<int:pk>/status/", imports.import_status, name="import-status"),
]
