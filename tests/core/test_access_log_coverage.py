"""The consultation log has no gaps (issue #14): every URL pattern and every API
operation is classified here, in one table each, as showing people's personal data
(with how to request it) or not (with the reason). Each one that shows people is
requested as a user who may see them, and must write exactly one access-log row,
with the right way in, naming every person it showed.

A new URL pattern or API operation fails `test_every_url_pattern_is_classified` or
`test_every_api_operation_is_classified` until it is added to PAGES or OPERATIONS.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from interventions import services
from interventions.importing import KIND as REFERRAL_IMPORT
from interventions.models import FollowUp, Offender, Referral, Session
from tests.interventions.conftest import (  # noqa: F401 - fixtures
    offender_factory,
    outcome_types,
    programme,
    reason,
    referral_factory,
)
from tracker.core.access_log import log_access
from tracker.core.export_jobs import run_export
from tracker.core.imports.services import preview_import
from tracker.core.middleware import is_api_view
from tracker.core.models import AccessLog, ExportJob, ImportJob, Outcome
from tracker.dataprotection.models import SubjectAccessRequest
from tracker.dataprotection.subject_access import record_request as record_subject_access

pytestmark = pytest.mark.django_db
PAGE, API, EXPORT, PDF, IMPORT = (
    AccessLog.Way.PAGE,
    AccessLog.Way.API,
    AccessLog.Way.EXPORT,
    AccessLog.Way.PDF,
    AccessLog.Way.IMPORT,
)


class World:
    """Records in every state the pages need, each made (through the services) only
    when a case asks for it."""

    def __init__(self, users: dict[str, Any], make_referral: Callable[..., Referral], make_offender: Any) -> None:
        self.users = users
        self.make_referral = make_referral
        self.make_offender = make_offender

    def referral(self, status: str) -> Referral:
        cache_ = self.__dict__.setdefault("_referrals", {})
        if status not in cache_:
            cache_[status] = self.make_referral(status)
        return cache_[status]

    def person(self, status: str) -> set[int]:
        return {self.referral(status).offender_id}

    @cached_property
    def session_with_concern(self) -> Session:
        return services.record_session(
            self.referral("started"),
            by=self.users["liaison"],
            scheduled_on=date(2026, 2, 1),
            happened=True,
            attendance="attended",
            concern=True,
            concern_note="Raised a worry",
        )

    @cached_property
    def referral_outcome(self) -> Outcome:
        completed = self.referral("completed")
        content_type = ContentType.objects.get_for_model(Referral)
        return Outcome.objects.filter(content_type=content_type, object_id=completed.pk).first()  # type: ignore[return-value]

    @cached_property
    def known_person(self) -> Offender:
        """Someone in the liaison's book whom the import file names."""
        return self.make_offender(
            by=self.users["liaison"],
            case_reference="IMP-1",
            first_name="Ida",
            last_name="Known",
            date_of_birth=date(1990, 2, 3),
        )

    def import_file(self) -> bytes:
        referral = self.referral("submitted")  # its programme and area, by name
        header = (
            "case_reference,first_name,last_name,date_of_birth,programme,offence_date,area,victim_role,injury,charged"
        )
        person = self.known_person
        row = (
            f"{person.case_reference},{person.first_name},{person.last_name},{person.date_of_birth:%Y-%m-%d},"
            f"{referral.programme.name},2026-05-01,{referral.area.name},police_officer,yes,no"
        )
        return f"{header}\n{row}\n".encode()

    @cached_property
    def viewed(self) -> Referral:
        """A referral someone has viewed: the consultation log names its person."""
        referral = self.referral("started")
        log_access(self.users["liaison"], [referral], action=AccessLog.Action.VIEW)
        return referral

    @cached_property
    def subject_access(self) -> SubjectAccessRequest:
        return record_subject_access(
            person=self.referral("started").offender, received_on=date(2026, 11, 20), by=self.users["dpo"]
        )

    def started_reference(self) -> str:
        return self.referral("started").offender.case_reference

    @cached_property
    def export_job(self) -> ExportJob:
        """The liaison's caseload, written by a background export."""
        self.referral("submitted")
        job = ExportJob.objects.create(
            requested_by=self.users["liaison"],
            list_path=reverse("interventions:referrals"),
            list_title="Referrals",
            format="csv",
        )
        run_export(job.pk)
        job.refresh_from_db()
        return job

    @cached_property
    def import_job(self) -> ImportJob:
        return preview_import(REFERRAL_IMPORT, self.import_file(), "referrals.csv", by=self.users["liaison"])


@dataclass(frozen=True)
class Shows:
    """A request that shows people: who makes it, how, and whom it must name."""

    user: str
    url: Callable[[World], str]
    people: Callable[[World], set[int]]
    way: str = PAGE
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    # For answers about records they create: the people, read from the answer.
    people_in_answer: Callable[[Any], set[int]] | None = None


@dataclass(frozen=True)
class NoPersonalData:
    reason: str


def _page(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _ref(status: str) -> Callable[[World], int]:
    return lambda world: world.referral(status).pk


# Every URL pattern by name (the admin site is checked separately below). A name can
# have several cases (a list, its search and its export).
PAGES: dict[str, NoPersonalData | list[Shows]] = {
    "home": NoPersonalData("The sections a role may use, with counts of work waiting; names nobody."),
    "healthz": NoPersonalData("Health check: database status only."),
    "login": NoPersonalData("The sign-in form (sign-ins are logged by tests/core/test_sign_in_log.py)."),
    "logout": NoPersonalData("Signs out."),
    "password_change": NoPersonalData("The user's own password form."),
    "password_change_done": NoPersonalData("A confirmation."),
    "notification-preferences": NoPersonalData("The user's own choice of emails."),
    "notification-preferences-for": NoPersonalData("A user's choice of emails, for administrators: kinds only."),
    "my-work": [
        Shows("liaison", lambda w: _page("my-work"), lambda w: w.person("submitted")),  # waiting for acceptance
        Shows("officer", lambda w: _page("my-work"), lambda w: {w.session_with_concern.referral.offender_id}),
    ],
    "imports": NoPersonalData("The kinds of import and the user's own uploads (file names and counts)."),
    "export-job": NoPersonalData("Where the user's own background export stands: the list's name and counts."),
    "export-job-status": NoPersonalData("The same as JSON."),
    # Downloading the file is the consultation of everyone in it (as an export made at once).
    "export-job-download": [
        Shows(
            "liaison",
            lambda w: _page("export-job-download", w.export_job.pk),
            lambda w: set(w.export_job.people),
            way=EXPORT,
        ),
    ],
    "import-upload": [
        # The check compares the file's rows with the people the importer can see.
        Shows(
            "liaison",
            lambda w: _page("import-upload", "referrals"),
            lambda w: {w.known_person.pk},
            way=IMPORT,
            method="post",
            data=lambda w: {"file": _upload(w.import_file())},
        ),
    ],
    # The check page shows what the check found about the people it compared rows with.
    "import-preview": [
        Shows(
            "liaison",
            lambda w: _page("import-preview", w.import_job.pk),
            lambda w: {w.known_person.pk},
            way=IMPORT,
        ),
    ],
    "import-status": NoPersonalData("An import's status and counts of rows, for the job page's script; names nobody."),
    "import-confirm": [
        Shows(
            "liaison",
            lambda w: _page("import-confirm", w.import_job.pk),
            lambda w: {w.known_person.pk},
            way=IMPORT,
            method="post",
        ),
    ],
    # partners: community engagement and venues hold no people referred.
    **{
        f"partners:{name}": NoPersonalData("Community engagement and venues: no people referred are shown.")
        for name in [
            "group-list",
            "group-create",
            "group-edit",
            "contact-add",
            "contact-remove",
            "venue-list",
            "venue-create",
            "venue-detail",
            "venue-edit",
            "partnership-start",
            "partnership-list",
            "partnership-detail",
            "partnership-edit",
            "partnership-move",
            "partnership-commitments",
            "partnership-outcome",
            "engagement-list",
            "engagement-create",
            "engagement-detail",
            "engagement-edit",
            "engagement-materials",
            "follow-up-add",
            "follow-up-done",
            "engagement-outcome",
        ]
    },
    "partners:group-detail": NoPersonalData(
        "A group's contacts (not people referred): the page logs the group itself (tests/partners/test_access.py)."
    ),
    "interventions:referrals": [
        Shows("liaison", lambda w: _page("interventions:referrals"), lambda w: w.person("submitted")),
        Shows(
            "liaison",
            lambda w: _page("interventions:referrals") + "?q=" + w.referral("submitted").offender.case_reference,
            lambda w: w.person("submitted"),
        ),
        Shows(
            "liaison",
            lambda w: _page("interventions:referrals") + "?export=csv",
            lambda w: w.person("submitted"),
            way=EXPORT,
        ),
        Shows(
            "liaison",
            lambda w: _page("interventions:referrals") + "?export=xlsx",
            lambda w: w.person("accepted"),
            way=EXPORT,
        ),
    ],
    # The person picker lists every person the user can see.
    "interventions:referral-create": [
        # The person picker shows the person chosen (from their page's "Refer" link).
        Shows(
            "officer",
            lambda w: _page("interventions:referral-create") + f"?offender={w.referral('draft').offender_id}",
            lambda w: w.person("draft"),
        ),
    ],
    "interventions:referral": [
        Shows(
            "liaison", lambda w: _page("interventions:referral", _ref("submitted")(w)), lambda w: w.person("submitted")
        ),
    ],
    "interventions:referral-edit": [
        Shows("officer", lambda w: _page("interventions:referral-edit", _ref("draft")(w)), lambda w: w.person("draft")),
    ],
    "interventions:referral-complete": [
        Shows(
            "liaison",
            lambda w: _page("interventions:referral-complete", _ref("started")(w)),
            lambda w: w.person("started"),
        ),
    ],
    "interventions:referral-assign": [
        Shows(
            "liaison",
            lambda w: _page("interventions:referral-assign", _ref("accepted")(w)),
            lambda w: w.person("accepted"),
        ),
    ],
    "interventions:session-add": [
        Shows(
            "liaison", lambda w: _page("interventions:session-add", _ref("started")(w)), lambda w: w.person("started")
        ),
    ],
    "interventions:concern-acknowledge": NoPersonalData("POST only; redirects to the referral page, which logs."),
    "interventions:follow-up": [
        Shows(
            "officer", lambda w: _page("interventions:follow-up", _ref("completed")(w)), lambda w: w.person("completed")
        ),
    ],
    "interventions:referral-move": [
        Shows(
            "officer",
            lambda w: _page("interventions:referral-move", _ref("submitted")(w), "withdraw"),
            lambda w: w.person("submitted"),
        ),
        Shows(
            "liaison",
            lambda w: _page("interventions:referral-move", _ref("submitted")(w), "accept"),
            lambda w: w.person("submitted"),
        ),
    ],
    "interventions:offenders": [
        Shows("officer", lambda w: _page("interventions:offenders"), lambda w: w.person("draft")),
        Shows(
            "officer",
            lambda w: _page("interventions:offenders") + "?q=" + w.referral("draft").offender.last_name,
            lambda w: w.person("draft"),
        ),
        Shows(
            "officer",
            lambda w: _page("interventions:offenders") + "?export=csv",
            lambda w: w.person("draft"),
            way=EXPORT,
        ),
    ],
    "interventions:offender-create": NoPersonalData(
        "An empty form for a new person (a likely duplicate is refused without naming anyone)."
    ),
    "interventions:offender": [
        Shows(
            "liaison",
            lambda w: _page("interventions:offender", w.referral("started").offender_id),
            lambda w: w.person("started"),
        ),
    ],
    "interventions:offender-edit": [
        Shows(
            "officer",
            lambda w: _page("interventions:offender-edit", w.referral("draft").offender_id),
            lambda w: w.person("draft"),
        ),
    ],
    "interventions:programmes": NoPersonalData("The programme catalogue."),
    "interventions:programme": NoPersonalData("One programme of the catalogue."),
    "reports:dashboard": NoPersonalData("Aggregate figures, small counts suppressed."),
    "reports:board-pdf": NoPersonalData("The board report: aggregate figures only."),
    "reports:issued": NoPersonalData("The archive of issued board reports."),
    "reports:issue": NoPersonalData("Issues a board report (aggregates)."),
    "reports:issue-request": NoPersonalData("Where the user's own request to issue a board report stands."),
    "reports:issue-request-status": NoPersonalData("The same as JSON."),
    "reports:issued-download": NoPersonalData("An issued board report (aggregates)."),
    "interventions:referral-pdf": [
        Shows(
            "liaison",
            lambda w: _page("interventions:referral-pdf", _ref("started")(w)),
            lambda w: w.person("started"),
            way=PDF,
        ),
    ],
    "partners:partnership-pdf": NoPersonalData("A venue partnership summary: no people referred."),
    "dataprotection:index": NoPersonalData("The data protection officer's landing page: links only."),
    # The data protection officer's pages name the people of the log, of subject access
    # requests and of retention reviews: they are consultations like any other.
    "dataprotection:log": [
        Shows("dpo", lambda w: (w.viewed, _page("dataprotection:log"))[1], lambda w: w.person("started")),
    ],
    "dataprotection:log-people": [
        Shows(
            "dpo",
            lambda w: _page("dataprotection:log-people") + "?q=" + w.started_reference(),
            lambda w: w.person("started"),
        ),
    ],
    "dataprotection:log-person": [
        Shows(
            "dpo",
            lambda w: _page("dataprotection:log-person", w.viewed.offender_id),
            lambda w: w.person("started"),
        ),
    ],
    "dataprotection:log-unusual-volume": NoPersonalData("Users and how many people they viewed; nobody named."),
    "dataprotection:sar-list": [
        Shows("dpo", lambda w: (w.subject_access, _page("dataprotection:sar-list"))[1], lambda w: w.person("started")),
    ],
    "dataprotection:sar-new": [
        Shows(
            "dpo",
            lambda w: _page("dataprotection:sar-new") + "?q=" + w.started_reference(),
            lambda w: w.person("started"),
        ),
    ],
    "dataprotection:sar": [
        Shows("dpo", lambda w: _page("dataprotection:sar", w.subject_access.pk), lambda w: w.person("started")),
    ],
    "dataprotection:sar-pdf": [
        Shows(
            "dpo",
            lambda w: _page("dataprotection:sar-pdf", w.subject_access.pk),
            lambda w: w.person("started"),
            way=PDF,
            method="post",
        ),
    ],
    "dataprotection:sar-json": [
        Shows(
            "dpo",
            lambda w: _page("dataprotection:sar-json", w.subject_access.pk),
            lambda w: w.person("started"),
            way=API,
            method="post",
        ),
    ],
    "dataprotection:sar-close": NoPersonalData("Closes a request and goes back to it; shows nobody itself."),
    "dataprotection:retention-queue": [
        Shows(
            "dpo",
            lambda w: _page("dataprotection:retention-queue") + "?reference=" + w.started_reference(),
            lambda w: w.person("started"),
        ),
    ],
    **{
        name: [
            Shows(
                "dpo",
                lambda w, name=name: _page(name, w.referral("started").offender_id),  # type: ignore[misc]
                lambda w: w.person("started"),
            ),
        ]
        for name in [
            "dataprotection:retention-person",
            "dataprotection:retention-keep",
            "dataprotection:retention-dispose",
            "dataprotection:retention-restriction",
        ]
    },
    "favicon": NoPersonalData("The icon."),
    "search-groups": NoPersonalData("Community groups matching the typed text."),
    "search-venues": NoPersonalData("Venues matching the typed text."),
    "search-officers": NoPersonalData("Staff matching the typed text (users, not people referred)."),
    "search-people": [
        Shows(
            "officer",
            lambda w: _page("search-people") + "?q=" + w.referral("draft").offender.case_reference,
            lambda w: w.person("draft"),
        ),
    ],
    "import-template": NoPersonalData("An empty template: a kind's columns."),
    "import-example": NoPersonalData("A kind's example file: made-up rows."),
    "api-schema": NoPersonalData("The OpenAPI description of the API."),
    "api-docs": NoPersonalData("The API's documentation page."),
}


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("referrals.csv", content, content_type="text/csv")


def _api(path: str) -> Callable[[World], str]:
    return lambda world: "/api/v1/" + path.format(world=world)


def _version(status: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"version": w.referral(status).version}


def _with_reason(status: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"version": w.referral(status).version, "reason": services_reason()}


def services_reason() -> int:
    from interventions.models import ReasonCode

    return ReasonCode.objects.get_or_create(name="Other reason", defaults={"group": "other"})[0].pk


def _ratings(w: World) -> dict[str, Any]:
    referral = w.referral("started")
    ratings = [
        {"outcome_type": t.pk, "rating": "achieved", "comment": "Done"}
        for t in referral.programme.desired_outcomes.all()
    ]
    return {"version": referral.version, "ratings": ratings, "confirm_fewer_sessions": True}


def _follow_up(w: World) -> dict[str, Any]:
    record = FollowUp.objects.get(referral=w.referral("completed"))
    return {"version": record.version, "result": "no"}


def _new_referral(w: World) -> dict[str, Any]:
    template = w.referral("draft")
    return {
        "offender": template.offender_id,
        "programme": template.programme_id,
        "handling_organisation": template.handling_organisation_id,
        "offence_date": "2026-03-01",
        "area": template.area_id,
        "victim_role": "police_officer",
        "injury": False,
        "charged_under_act": False,
    }


NOT_PEOPLE = "No people referred: "
# Every API operation, by its operationId in the OpenAPI schema.
OPERATIONS: dict[str, NoPersonalData | Shows] = {
    **{
        operation: NoPersonalData(NOT_PEOPLE + "a reference list.")
        for operation in [
            "v1_areas_list",
            "v1_areas_retrieve",
            "v1_organisations_list",
            "v1_organisations_retrieve",
            "v1_outcome_types_list",
            "v1_outcome_types_retrieve",
            "v1_programmes_list",
            "v1_programmes_retrieve",
            "v1_reason_codes_list",
            "v1_reason_codes_retrieve",
            "v1_end_reasons_list",
            "v1_end_reasons_retrieve",
            "v1_engagement_kinds_list",
            "v1_engagement_kinds_retrieve",
            "v1_campaign_materials_list",
            "v1_campaign_materials_retrieve",
            "v1_commitment_types_list",
            "v1_commitment_types_retrieve",
        ]
    },
    **{
        operation: NoPersonalData(NOT_PEOPLE + "community engagement and venues.")
        for operation in [
            "v1_community_groups_list",
            "v1_community_groups_create",
            "v1_community_groups_retrieve",
            "v1_community_groups_partial_update",
            "v1_community_groups_add_contact_create",
            "v1_community_groups_remove_contact_create",
            "v1_engagements_list",
            "v1_engagements_create",
            "v1_engagements_retrieve",
            "v1_engagements_partial_update",
            "v1_engagements_add_follow_up_create",
            "v1_engagements_complete_follow_up_create",
            "v1_engagements_reopen_follow_up_create",
            "v1_engagements_set_materials_create",
            "v1_partnerships_list",
            "v1_partnerships_create",
            "v1_partnerships_retrieve",
            "v1_partnerships_partial_update",
            "v1_partnerships_activate_create",
            "v1_partnerships_lapse_create",
            "v1_partnerships_mark_engaged_create",
            "v1_partnerships_set_commitments_create",
            "v1_partnerships_sign_up_create",
            "v1_partnerships_withdraw_create",
            "v1_venues_list",
            "v1_venues_create",
            "v1_venues_retrieve",
            "v1_venues_partial_update",
        ]
    },
    "v1_auth_token_create": NoPersonalData("Issues a token (sign-ins are logged by test_sign_in_log.py)."),
    "v1_auth_token_destroy": NoPersonalData("Revokes the caller's token."),
    "v1_auth_tokens_list": NoPersonalData("The caller's tokens (prefixes and dates)."),
    "v1_auth_tokens_destroy": NoPersonalData("Revokes a token."),
    "reports_board_figures": NoPersonalData("Board figures: aggregates only, for the staff who keep the records."),
    "offenders_dispose": NoPersonalData("Answers the pseudonymous stub left once the person's data is erased."),
    "v1_access_log_list": Shows(
        "dpo", lambda w: (w.viewed, "/api/v1/access-log/")[1], lambda w: w.person("started"), way=API
    ),
    "offenders_subject_access": Shows(
        "dpo",
        lambda w: f"/api/v1/offenders/{w.referral('started').offender_id}/subject-access/",
        lambda w: w.person("started"),
        way=API,
    ),
    # Outcomes of a referral are about its person; other subjects are not people.
    "v1_outcomes_list": Shows("liaison", _api("outcomes/"), lambda w: w.person("completed"), way=API),
    "v1_outcomes_retrieve": Shows(
        "liaison", lambda w: f"/api/v1/outcomes/{w.referral_outcome.pk}/", lambda w: w.person("completed"), way=API
    ),
    "v1_outcomes_create": NoPersonalData("Referral outcomes cannot be recorded here (only other strands')."),
    "v1_outcomes_partial_update": NoPersonalData("Referral outcomes cannot be changed here (only other strands')."),
    "v1_outcomes_destroy": NoPersonalData("Answers 204 with no body."),
    "v1_offenders_list": Shows("officer", _api("offenders/"), lambda w: w.person("draft"), way=API),
    "v1_offenders_retrieve": Shows(
        "officer",
        lambda w: f"/api/v1/offenders/{w.referral('draft').offender_id}/",
        lambda w: w.person("draft"),
        way=API,
    ),
    "v1_offenders_create": Shows(
        "officer",
        _api("offenders/"),
        lambda w: set(),
        way=API,
        method="post",
        data=lambda w: {
            "case_reference": "NEW-1",
            "first_name": "Nia",
            "last_name": "New",
            "date_of_birth": "1991-01-01",
        },
        people_in_answer=lambda body: {body["id"]},
    ),
    "v1_offenders_partial_update": Shows(
        "officer",
        lambda w: f"/api/v1/offenders/{w.referral('draft').offender_id}/",
        lambda w: w.person("draft"),
        way=API,
        method="patch",
        data=lambda w: {"first_name": "Changed", "version": w.referral("draft").offender.version},
    ),
    "v1_referrals_list": Shows("liaison", _api("referrals/"), lambda w: w.person("submitted"), way=API),
    "v1_referrals_retrieve": Shows(
        "liaison", lambda w: f"/api/v1/referrals/{_ref('submitted')(w)}/", lambda w: w.person("submitted"), way=API
    ),
    "v1_referrals_create": Shows(
        "officer", _api("referrals/"), lambda w: w.person("draft"), way=API, method="post", data=_new_referral
    ),
    "v1_referrals_partial_update": Shows(
        "officer",
        lambda w: f"/api/v1/referrals/{_ref('draft')(w)}/",
        lambda w: w.person("draft"),
        way=API,
        method="patch",
        data=lambda w: {"notes": "More", "version": w.referral("draft").version},
    ),
    **{
        f"v1_referrals_{move}_create": Shows(
            user,
            (lambda s, p: lambda w: f"/api/v1/referrals/{_ref(s)(w)}/{p}/")(status, path),
            (lambda s: lambda w: w.person(s))(status),
            way=API,
            method="post",
            data=body(status),
        )
        for move, path, user, status, body in [
            ("submit", "submit", "officer", "draft", _version),
            ("accept", "accept", "liaison", "submitted", _version),
            ("decline", "decline", "liaison", "submitted", _with_reason),
            ("start", "start", "liaison", "accepted", _version),
            ("mark_not_completed", "mark-not-completed", "liaison", "started", _with_reason),
            ("withdraw", "withdraw", "officer", "submitted", _with_reason),
        ]
    },
    "v1_referrals_complete_create": Shows(
        "liaison",
        lambda w: f"/api/v1/referrals/{_ref('started')(w)}/complete/",
        lambda w: w.person("started"),
        way=API,
        method="post",
        data=_ratings,
    ),
    "v1_referrals_assign_create": Shows(
        "liaison",
        lambda w: f"/api/v1/referrals/{_ref('accepted')(w)}/assign/",
        lambda w: w.person("accepted"),
        way=API,
        method="post",
        data=lambda w: {"version": w.referral("accepted").version, "liaison": w.users["liaison"].pk},
    ),
    "v1_referrals_follow_up_create": Shows(
        "officer",
        lambda w: f"/api/v1/referrals/{_ref('completed')(w)}/follow-up/",
        lambda w: w.person("completed"),
        way=API,
        method="post",
        data=_follow_up,
    ),
    # Sessions are about the referral's person (attendance, behaviour, notes).
    "v1_sessions_list": Shows(
        "officer", _api("sessions/"), lambda w: {w.session_with_concern.referral.offender_id}, way=API
    ),
    "v1_sessions_retrieve": Shows(
        "officer",
        lambda w: f"/api/v1/sessions/{w.session_with_concern.pk}/",
        lambda w: {w.session_with_concern.referral.offender_id},
        way=API,
    ),
    "v1_sessions_create": Shows(
        "liaison",
        _api("sessions/"),
        lambda w: w.person("started"),
        way=API,
        method="post",
        data=lambda w: {"referral": _ref("started")(w), "scheduled_on": "2026-02-02", "attendance": "attended"},
    ),
    "v1_sessions_acknowledge_create": Shows(
        "officer",
        lambda w: f"/api/v1/sessions/{w.session_with_concern.pk}/acknowledge/",
        lambda w: {w.session_with_concern.referral.offender_id},
        way=API,
        method="post",
        data=lambda w: {"version": w.session_with_concern.version},
    ),
}


# The walk --------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    api: bool
    namespaces: tuple[str, ...] = field(default=())


def _routes(patterns: list[Any], prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join([*namespaces, pattern.name or f"<unnamed {prefix}{pattern.pattern}>"])
            yield Route(name, prefix + str(pattern.pattern), is_api_view(pattern.callback), namespaces)


def _as_schema_path(route: str) -> str:
    """`api/v1/^offenders/(?P<pk>[^/.]+)/$` → `/api/v1/offenders/{id}/`, as drf-spectacular names it."""
    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return "/" + path.replace("{pk}", "{id}")


@cache
def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def _operations() -> dict[str, tuple[str, str]]:
    return {
        operation["operationId"]: (method, path)
        for path, methods in _schema()["paths"].items()
        for method, operation in methods.items()
    }


def test_every_url_pattern_is_classified() -> None:
    schema_paths = set(_schema()["paths"])
    routes = [r for r in _routes(get_resolver().url_patterns) if "admin" not in r.namespaces]
    unclassified = [
        f"{r.name} ({r.route})"
        for r in routes
        if r.name not in PAGES and not (r.api and _as_schema_path(r.route) in schema_paths)
    ]
    assert not unclassified, "Classify in PAGES (shows people? how to request it; or why not): " + ", ".join(
        unclassified
    )
    stale = set(PAGES) - {r.name for r in routes}
    assert not stale, f"PAGES names URL patterns that no longer exist: {sorted(stale)}"


def test_every_api_operation_is_classified() -> None:
    operations = set(_operations())
    assert not (operations - set(OPERATIONS)), "Classify in OPERATIONS: " + ", ".join(
        sorted(operations - set(OPERATIONS))
    )
    assert not (set(OPERATIONS) - operations), f"No longer in the API: {sorted(set(OPERATIONS) - operations)}"


def test_the_admin_site_holds_no_people() -> None:
    # The admin namespace is left out of PAGES: it is safe as long as no record about
    # people is registered there (the access log's admin shows person ids only).
    registered = {model._meta.label for model in admin.site._registry}
    assert not registered & {
        "interventions.Offender",
        "interventions.Referral",
        "interventions.Session",
        "interventions.FollowUp",
        "interventions.ReferralTransition",
        "core.Outcome",
    }


PAGE_CASES = [
    pytest.param(case, id=f"{name}#{i}")
    for name, cases in PAGES.items()
    if isinstance(cases, list)
    for i, case in enumerate(cases)
]
API_CASES = [pytest.param(case, id=name) for name, case in OPERATIONS.items() if isinstance(case, Shows)]


@pytest.fixture
def world(
    users: dict[str, Any],
    referral_factory: Any,
    offender_factory: Any,  # noqa: F811
    user_factory: Callable[..., Any],
    settings: Any,
    tmp_path: Any,
) -> World:
    settings.MEDIA_ROOT = tmp_path  # background exports' files
    dpo = user_factory("data_protection_officer", username="dpo")
    return World({**users, "dpo": dpo}, referral_factory, offender_factory)


def _one_row_naming(world: World, case: Shows, request: Callable[[str, dict[str, Any]], Any]) -> None:
    url, data = case.url(world), case.data(world)
    expected = case.people(world)
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = request(url, data)
    assert response.status_code < 400, (url, response.status_code, getattr(response, "content", b"")[:500])
    if case.people_in_answer is not None:
        expected |= case.people_in_answer(response.json())
    assert expected, "a case must name at least one person"
    rows = list(AccessLog.objects.filter(id__gt=before).prefetch_related("consulted"))
    assert len(rows) == 1, f"{url}: expected one access-log row for the request, found {len(rows)}"
    (row,) = rows
    named = {c.person_id for c in row.consulted.all()}
    assert expected <= named, f"{url}: the log names {sorted(named)}, not everyone shown ({sorted(expected)})"
    assert row.people == len(named)
    assert (row.way, row.user) == (case.way, world.users[case.user])
    for person in Offender.objects.filter(pk__in=named):
        assert person.case_reference not in row.record_label
        assert person.last_name not in row.record_label


@pytest.mark.parametrize("case", PAGE_CASES)
def test_every_page_showing_people_logs_them(case: Shows, world: World, client: Client) -> None:
    client.force_login(world.users[case.user])
    call = getattr(client, case.method)
    _one_row_naming(world, case, lambda url, data: call(url, data))


@pytest.mark.parametrize("case", API_CASES)
def test_every_api_operation_showing_people_logs_them(case: Shows, world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.users[case.user])
    call = getattr(api, case.method)
    _one_row_naming(world, case, lambda url, data: call(url, data, format="json") if data else call(url))
