from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interventions import search as interventions_search
from partners import search as partners_search
from tracker.core import search as core_search
from tracker.core import views as core_views

admin.site.site_header = "Behind the Badge administration"
admin.site.site_title = "Behind the Badge"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change.html", form_class=core_views.PasswordChangeForm
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("", include("tracker.core.urls")),
    path("", include("tracker.notifications.urls")),
    # The pickers' searches: a page of matches as JSON (tracker/core/pickers.py).
    path("search/groups/", partners_search.groups, name="search-groups"),
    path("search/venues/", partners_search.venues, name="search-venues"),
    path("search/officers/", core_search.officers, name="search-officers"),
    path("search/people/", interventions_search.people, name="search-people"),
    path("partners/", include("partners.urls")),
    path("interventions/", include("interventions.urls")),
    path("reports/", include("tracker.reports.urls")),
    path("data-protection/", include("tracker.dataprotection.urls")),
    path("", include("tracker.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "tracker.core.views.page_not_found"
handler500 = "tracker.core.views.server_error"
