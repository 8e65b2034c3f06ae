"""The REST API: one router for every app's endpoints, under /api/v1/."""

from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from interventions.api import views as interventions_api
from partners.api import views as partners_api
from tracker.core.api import views as core_api
from tracker.core.api.authentication import HasRole
from tracker.core.api.outcomes import OutcomeViewSet
from tracker.core.permissions import ANY_ROLE
from tracker.dataprotection.api import AccessLogViewSet
from tracker.dataprotection.retention_api import DisposeOffenderView
from tracker.dataprotection.subject_access_api import SubjectAccessView
from tracker.reports.api import BoardFiguresView


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False


router = Router(trailing_slash=True)
router.register("areas", core_api.AreaViewSet, basename="area")
router.register("organisations", core_api.OrganisationViewSet, basename="organisation")
router.register("outcome-types", core_api.OutcomeTypeViewSet, basename="outcome-type")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("auth/tokens", core_api.ApiTokenViewSet, basename="api-token-record")
# partners
router.register("community-groups", partners_api.CommunityGroupViewSet, basename="community-group")
router.register("venues", partners_api.VenueViewSet, basename="venue")
router.register("partnerships", partners_api.PartnershipViewSet, basename="partnership")
router.register("engagements", partners_api.EngagementViewSet, basename="engagement")
router.register("engagement-kinds", partners_api.EngagementKindViewSet, basename="engagement-kind")
router.register("campaign-materials", partners_api.CampaignMaterialViewSet, basename="campaign-material")
router.register("commitment-types", partners_api.CommitmentTypeViewSet, basename="commitment-type")
router.register("end-reasons", partners_api.EndReasonViewSet, basename="end-reason")
# interventions (offender behaviour strand)
router.register("offenders", interventions_api.OffenderViewSet, basename="offender")
router.register("programmes", interventions_api.ProgrammeViewSet, basename="programme")
router.register("reason-codes", interventions_api.ReasonCodeViewSet, basename="reason-code")
router.register("referrals", interventions_api.ReferralViewSet, basename="referral")
router.register("sessions", interventions_api.SessionViewSet, basename="session")
# data protection
router.register("access-log", AccessLogViewSet, basename="access-log")


class SchemaView(SpectacularAPIView):
    allowed_roles = ANY_ROLE
    permission_classes = [HasRole]


class DocsView(SpectacularSwaggerSplitView):
    allowed_roles = ANY_ROLE
    permission_classes = [HasRole]


urlpatterns = [
    path("api/v1/auth/token/", core_api.ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/reports/board/", BoardFiguresView.as_view(), name="api-report-board"),
    path("api/v1/offenders/<int:id>/subject-access/", SubjectAccessView.as_view(), name="api-subject-access"),
    path("api/v1/offenders/<int:pk>/dispose/", DisposeOffenderView.as_view(), name="api-offender-dispose"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI injects a <style> element; only this page allows inline styles.
        # (mypy reads settings.SECURE_CSP as dict[str, object], hence the ignore.)
        csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(  # type: ignore[dict-item]
            DocsView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
