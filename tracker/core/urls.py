from django.urls import path

from tracker.core import export_views, views
from tracker.core.imports import views as imports

urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
    path("exports/<int:pk>/", export_views.export_job, name="export-job"),
    path("exports/<int:pk>/status", export_views.export_job_status, name="export-job-status"),
    path("exports/<int:pk>/download", export_views.export_job_download, name="export-job-download"),
    path("imports/", imports.import_index, name="imports"),
    path("imports/<slug:slug>/upload/", imports.import_upload, name="import-upload"),
    path("imports/<slug:slug>/template.<str:fmt>", imports.import_template, name="import-template"),
    path("imports/<slug:slug>/example.csv", imports.import_example, name="import-example"),
    path("imports/check/<int:pk>/", imports.import_preview, name="import-preview"),
    path("imports/check/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("imports/check/<int:pk>/status/", imports.import_status, name="import-status"),
]
