from django.urls import path

from tracker.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("board.pdf", views.board_pdf, name="board-pdf"),
    path("issued/", views.IssuedReportListView.as_view(), name="issued"),
    path("issued/new/", views.issue, name="issue"),
    path("issued/requests/<int:pk>/", views.issue_request, name="issue-request"),
    path("issued/requests/<int:pk>/status", views.issue_request_status, name="issue-request-status"),
    path("issued/<int:pk>/download/", views.issued_download, name="issued-download"),
]
