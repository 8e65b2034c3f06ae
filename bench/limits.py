"""The limit for each list: the same rows as the page (same page, order and columns
shown), fetched with one hand-written SQL query. bench/app.py serialises them with
json.dumps and times that the same way as the page, so page time / limit time says
how much the framework (ORM, templates or DRF) costs on top of the data itself.

Nested lists (a group's contacts, an engagement's materials) are built by the
database as JSON in the same query; a column named `j_x` holds such JSON and is
decoded into `x` before serialising (SQLite returns JSON as text). Values computed in
Python by the API (a partnership's `allowed_moves`) have no SQL counterpart and are
left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection

Spec = Callable[[Any], tuple[str, tuple[Any, ...]]]
LIMITS: dict[tuple[str, str], Spec] = {}
PAGE, API_PAGE = 25, 50
ENDED = "('lapsed', 'withdrawn')"


def postgres() -> bool:
    return connection.vendor == "postgresql"


def obj(**pairs: str) -> str:
    """A JSON object built in SQL from column expressions."""
    inner = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
    return f"json_build_object({inner})" if postgres() else f"json_object({inner})"


def array(item: str, rest: str) -> str:
    """A JSON array of `item` over `SELECT item FROM rest` (rest keeps its ORDER BY)."""
    if postgres():
        return f"(SELECT coalesce(json_agg(s.x), '[]'::json) FROM (SELECT {item} AS x FROM {rest}) s)"
    return f"(SELECT json_group_array(json(s.x)) FROM (SELECT {item} AS x FROM {rest}) s)"


def names(item: str, rest: str) -> str:
    """Names joined with '; ', in the order of `rest`."""
    if postgres():
        return f"(SELECT string_agg(s.x, '; ') FROM (SELECT {item} AS x FROM {rest}) s)"
    return f"(SELECT group_concat(s.x, '; ') FROM (SELECT {item} AS x FROM {rest}) s)"


def full_name(alias: str) -> str:
    return f"trim({alias}.first_name || ' ' || {alias}.last_name)"


def reference(alias: str) -> str:
    """A referral's reference, R followed by its id in five digits (Referral.reference)."""
    if postgres():
        return f"'R' || lpad({alias}.id::text, 5, '0')"
    return f"printf('R%%05d', {alias}.id)"


def limit(url: str, user: str = "*") -> Callable[[Spec], Spec]:
    def register(spec: Spec) -> Spec:
        LIMITS[(url, user)] = spec
        return spec

    return register


def run(sql: str, params: tuple[Any, ...]) -> str:
    """One query, rows as dicts, JSON columns decoded, then json.dumps."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    decoded = [(name[2:], True) if name.startswith("j_") else (name, False) for name in columns]
    out = []
    for row in rows:
        record = {}
        for (name, is_json), value in zip(decoded, row, strict=True):
            record[name] = json.loads(value) if is_json and isinstance(value, str) else value
        out.append(record)
    return json.dumps(out, default=str)


# ------------------------------------------------------------------ HTML list pages


@limit("/partners/groups/")
def group_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        "SELECT g.id, g.name, g.kind, a.name AS area, g.active FROM partners_communitygroup g "
        f"JOIN core_area a ON a.id = g.area_id ORDER BY g.name LIMIT {PAGE}",
        (),
    )


@limit("/partners/venues/")
def venue_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    # At most one open partnership per venue (a unique constraint), so the join adds no rows.
    return (
        "SELECT v.id, v.name, v.postcode, v.licence_number, v.kind, a.name AS area, "
        "p.id AS partnership_id, p.status AS partnership_status FROM partners_venue v "
        "JOIN core_area a ON a.id = v.area_id "
        f"LEFT JOIN partners_partnership p ON p.venue_id = v.id AND p.status NOT IN {ENDED} "
        f"ORDER BY v.name, v.licence_number LIMIT {PAGE}",
        (),
    )


@limit("/partners/partnerships/")
def partnership_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    from django.utils import timezone

    return (
        f"SELECT p.id, v.name AS venue, a.name AS area, p.status, {full_name('u')} AS lead_officer, "
        f"p.next_review_on, (p.next_review_on < %s AND p.status NOT IN {ENDED}) AS review_overdue "
        "FROM partners_partnership p JOIN partners_venue v ON v.id = p.venue_id "
        "JOIN core_area a ON a.id = v.area_id JOIN core_user u ON u.id = p.lead_officer_id "
        f"ORDER BY v.name, p.started_on DESC, p.id DESC LIMIT {PAGE}",
        (timezone.localdate(),),
    )


@limit("/partners/engagements/")
def engagement_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    groups = names(
        "g.name",
        "partners_engagement_groups eg JOIN partners_communitygroup g ON g.id = eg.communitygroup_id "
        "WHERE eg.engagement_id = e.id ORDER BY g.name",
    )
    venues = names(
        "v.name",
        "partners_engagement_venues ev JOIN partners_venue v ON v.id = ev.venue_id "
        "WHERE ev.engagement_id = e.id ORDER BY v.name",
    )
    return (
        f"SELECT e.id, e.starts_at, k.name AS kind, a.name AS area, {groups} AS groups, {venues} AS venues, "
        f"{full_name('u')} AS lead_officer, e.attendance FROM partners_engagement e "
        "JOIN partners_engagementkind k ON k.id = e.kind_id JOIN core_area a ON a.id = e.area_id "
        f"JOIN core_user u ON u.id = e.lead_officer_id ORDER BY e.starts_at DESC, e.id DESC LIMIT {PAGE}",
        (),
    )


# A liaison's people (interventions.querysets): through a visible referral, or in
# their organisation's book, or kept by them.
OFFENDER_SCOPE = (
    "WHERE EXISTS (SELECT 1 FROM interventions_referral r WHERE r.offender_id = o.id AND "
    "((r.handling_organisation_id = %s AND r.status <> 'draft') OR r.referred_by_id = %s)) "
    "OR o.kept_by_id = %s OR (o.holding_organisation_id = %s AND o.kept_by_id IS NULL) "
)


@limit("/interventions/offenders/", "liaison")
def offender_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        "SELECT o.id, o.case_reference, o.first_name, o.last_name, o.date_of_birth FROM interventions_offender o "
        f"{OFFENDER_SCOPE} ORDER BY o.last_name, o.first_name, o.id LIMIT {PAGE}",
        (liaison.organisation_id, liaison.pk, liaison.pk, liaison.organisation_id),
    )


@limit("/interventions/programmes/")
def programme_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        "SELECT p.id, p.name, p.active, o.name AS provider, p.setting, p.planned_sessions "
        "FROM interventions_programme p JOIN core_organisation o ON o.id = p.provider_id "
        f'ORDER BY p."order", p.name LIMIT {PAGE}',
        (),
    )


@limit("/interventions/")
def referral_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        f"SELECT r.id, {reference('r')} AS reference, r.priority, {full_name('o')} AS person, o.case_reference, "
        f"p.name AS programme, h.name AS handling_organisation, {full_name('u')} AS assigned_liaison, "
        "r.submitted_at, r.status FROM interventions_referral r "
        "JOIN interventions_offender o ON o.id = r.offender_id "
        "JOIN interventions_programme p ON p.id = r.programme_id "
        "JOIN core_organisation h ON h.id = r.handling_organisation_id "
        "LEFT JOIN core_user u ON u.id = r.assigned_liaison_id "
        f"ORDER BY r.created_at DESC, r.id DESC LIMIT {PAGE}",
        (),
    )


@limit("/reports/issued/")
def issued_page(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        f"SELECT i.id, i.title, i.size, a.name AS area, i.issued_at, {full_name('u')} AS issued_by, i.sha256 "
        "FROM reports_issuedreport i LEFT JOIN core_area a ON a.id = i.area_id "
        f"JOIN core_user u ON u.id = i.issued_by_id ORDER BY i.issued_at DESC, i.id DESC LIMIT {PAGE}",
        (),
    )


# ------------------------------------------------------------------ API lists


def simple(table: str, columns: str, order: str) -> Spec:
    def spec(liaison: Any) -> tuple[str, tuple[Any, ...]]:
        return f"SELECT {columns} FROM {table} ORDER BY {order} LIMIT {API_PAGE}", ()

    return spec


LIMITS[("/api/v1/areas/", "*")] = simple("core_area", "id, name", "name")
LIMITS[("/api/v1/organisations/", "*")] = simple("core_organisation", "id, name, kind, active", "name")
for _url, _table, _extra in [
    ("outcome-types", "core_outcometype", ""),
    ("engagement-kinds", "partners_engagementkind", ""),
    ("campaign-materials", "partners_campaignmaterial", ""),
    ("commitment-types", "partners_commitmenttype", ", needs_training_date"),
    ("end-reasons", "partners_endreason", ""),
]:
    LIMITS[(f"/api/v1/{_url}/", "*")] = simple(_table, f"id, name, description, active{_extra}", '"order", name')
LIMITS[("/api/v1/reason-codes/", "*")] = simple(
    "interventions_reasoncode", 'id, name, description, "group", active', '"group", "order", name'
)
LIMITS[("/api/v1/auth/tokens/", "*")] = simple(
    "core_apitoken", "id, user_id, prefix, created_at, expires_at, revoked_at, last_used_at", "created_at DESC"
)


@limit("/api/v1/outcomes/")
def outcome_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        "SELECT o.id, ct.app_label || '.' || ct.model AS subject_type, o.object_id AS subject_id, o.date, "
        f"o.outcome_type_id AS outcome_type, o.rating, o.description, o.measure, {full_name('u')} AS recorded_by, "
        "o.version FROM core_outcome o JOIN django_content_type ct ON ct.id = o.content_type_id "
        f"JOIN core_user u ON u.id = o.recorded_by_id ORDER BY o.date DESC, o.id DESC LIMIT {API_PAGE}",
        (),
    )


@limit("/api/v1/community-groups/")
def group_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    contacts = array(
        obj(id="c.id", name="c.name", role="c.role", email="c.email", phone="c.phone"),
        "partners_groupcontact c WHERE c.group_id = g.id ORDER BY c.name, c.id",
    )
    return (
        f"SELECT g.id, g.name, g.kind, g.area_id AS area, a.name AS area_name, g.active, {contacts} AS j_contacts, "
        "g.version FROM partners_communitygroup g JOIN core_area a ON a.id = g.area_id "
        f"ORDER BY g.name LIMIT {API_PAGE}",
        (),
    )


@limit("/api/v1/venues/")
def venue_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        "SELECT v.id, v.licence_number, v.name, v.address, v.postcode, v.area_id AS area, a.name AS area_name, "
        "v.kind, v.latest_licensed_hour, v.operator, "
        f"CASE WHEN p.id IS NULL THEN NULL ELSE {obj(id='p.id', status='p.status')} END AS j_open_partnership, "
        "v.version FROM partners_venue v JOIN core_area a ON a.id = v.area_id "
        f"LEFT JOIN partners_partnership p ON p.venue_id = v.id AND p.status NOT IN {ENDED} "
        f"ORDER BY v.name, v.licence_number LIMIT {API_PAGE}",
        (),
    )


@limit("/api/v1/partnerships/")
def partnership_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    commitments = array(
        obj(
            commitment_type="c.commitment_type_id",
            commitment_type_name="t.name",
            confirmed_on="c.confirmed_on",
            evidence="c.evidence",
            staff_training_date="c.staff_training_date",
        ),
        "partners_partnershipcommitment c JOIN partners_commitmenttype t ON t.id = c.commitment_type_id "
        'WHERE c.partnership_id = p.id ORDER BY t."order", t.name',
    )
    return (
        "SELECT p.id, p.venue_id AS venue, v.name AS venue_name, p.status, p.started_on, p.signed_up_on, "
        "p.next_review_on, p.ended_on, p.end_reason_id AS end_reason, p.lead_officer_id AS lead_officer, "
        f"u.username AS lead_officer_username, {commitments} AS j_commitments, p.version "
        "FROM partners_partnership p JOIN partners_venue v ON v.id = p.venue_id "
        "JOIN core_user u ON u.id = p.lead_officer_id "
        f"ORDER BY v.name, p.started_on DESC, p.id DESC LIMIT {API_PAGE}",
        (),
    )


@limit("/api/v1/engagements/")
def engagement_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    groups = array("eg.communitygroup_id", "partners_engagement_groups eg WHERE eg.engagement_id = e.id ORDER BY eg.id")
    venues = array("ev.venue_id", "partners_engagement_venues ev WHERE ev.engagement_id = e.id ORDER BY ev.id")
    materials = array(
        obj(material="m.material_id", material_name="c.name", quantity="m.quantity"),
        "partners_engagementmaterial m JOIN partners_campaignmaterial c ON c.id = m.material_id "
        'WHERE m.engagement_id = e.id ORDER BY c."order", c.name',
    )
    follow_ups = array(
        obj(
            id="f.id",
            description="f.description",
            owner="f.owner_id",
            owner_username="u.username",
            due_on="f.due_on",
            done_on="f.done_on",
        ),
        "partners_followupaction f JOIN core_user u ON u.id = f.owner_id "
        "WHERE f.engagement_id = e.id ORDER BY f.done_on, f.due_on, f.id",
    )
    return (
        "SELECT e.id, e.starts_at, e.kind_id AS kind, k.name AS kind_name, e.lead_officer_id AS lead_officer, "
        f"e.area_id AS area, {groups} AS j_groups, {venues} AS j_venues, e.attendance, e.summary, "
        f"{materials} AS j_materials, {follow_ups} AS j_follow_ups, e.version FROM partners_engagement e "
        "JOIN partners_engagementkind k ON k.id = e.kind_id "
        f"ORDER BY e.starts_at DESC, e.id DESC LIMIT {API_PAGE}",
        (),
    )


OFFENDER_API = (
    "SELECT o.id, o.case_reference, o.first_name, o.last_name, o.date_of_birth, o.version "
    "FROM interventions_offender o "
)


@limit("/api/v1/offenders/", "admin")
def offender_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return f"{OFFENDER_API} ORDER BY o.last_name, o.first_name, o.id LIMIT {API_PAGE}", ()


@limit("/api/v1/offenders/", "liaison")
def offender_api_liaison(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        f"{OFFENDER_API} {OFFENDER_SCOPE} ORDER BY o.last_name, o.first_name, o.id LIMIT {API_PAGE}",
        (liaison.organisation_id, liaison.pk, liaison.pk, liaison.organisation_id),
    )


@limit("/api/v1/programmes/")
def programme_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    outcomes = array(
        "d.outcometype_id",
        "interventions_programme_desired_outcomes d JOIN core_outcometype t ON t.id = d.outcometype_id "
        'WHERE d.programme_id = p.id ORDER BY t."order", t.name',
    )
    return (
        "SELECT p.id, p.name, p.description, p.provider_id AS provider, p.setting, p.planned_sessions, "
        f'{outcomes} AS j_desired_outcomes, p.active FROM interventions_programme p ORDER BY p."order", p.name '
        f"LIMIT {API_PAGE}",
        (),
    )


@limit("/api/v1/referrals/")
def referral_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    person = obj(
        id="o.id",
        case_reference="o.case_reference",
        first_name="o.first_name",
        last_name="o.last_name",
        date_of_birth="o.date_of_birth",
    )
    follow_up = obj(
        id="f.id", due="f.due", result="f.result", note="f.note", recorded_at="f.recorded_at", version="f.version"
    )
    return (
        f"SELECT r.id, {reference('r')} AS reference, r.offender_id AS offender, {person} AS j_person, "
        "r.programme_id AS programme, "
        "r.handling_organisation_id AS handling_organisation, r.offence_date, r.area_id AS area, r.victim_role, "
        "r.injury, r.charged_under_act, r.priority, r.notes, r.status, "
        f"r.referring_organisation_id AS referring_organisation, {full_name('b')} AS referred_by, "
        f"r.assigned_liaison_id AS assigned_liaison, {full_name('u')} AS assigned_liaison_name, r.created_at, "
        "r.submitted_at, r.accepted_at, r.started_at, r.ended_at, "
        f"CASE WHEN f.id IS NULL THEN NULL ELSE {follow_up} END AS j_follow_up, r.version "
        "FROM interventions_referral r JOIN interventions_offender o ON o.id = r.offender_id "
        "JOIN core_user b ON b.id = r.referred_by_id LEFT JOIN core_user u ON u.id = r.assigned_liaison_id "
        "LEFT JOIN interventions_followup f ON f.referral_id = r.id "
        f"ORDER BY r.created_at DESC, r.id DESC LIMIT {API_PAGE}",
        (),
    )


@limit("/api/v1/sessions/")
def session_api(liaison: Any) -> tuple[str, tuple[Any, ...]]:
    return (
        "SELECT s.id, s.referral_id AS referral, s.scheduled_on, s.happened, s.attendance, s.absence, s.behaviour, "
        f"s.concern, s.concern_note, s.concern_acknowledged_at, s.notes, {full_name('u')} AS recorded_by, s.version "
        "FROM interventions_session s LEFT JOIN core_user u ON u.id = s.recorded_by_id "
        f"ORDER BY s.scheduled_on, s.id LIMIT {API_PAGE}",
        (),
    )
