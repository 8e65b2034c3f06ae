"""List and command exports stream with flat memory, and write exactly what the
whole-dataset export (django-import-export's `resource.export()` then its CSV or XLSX
format) wrote: the same header, columns and cells, so the importer reads them back
unchanged. Exports over EXPORT_BACKGROUND_ROWS are written by a background task."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from partners.models import CommunityGroup, Venue
from tests.interventions.conftest import (  # noqa: F401  # fixtures used below
    offender_factory,
    outcome_types,
    programme,
    referral_factory,
)
from tests.partners.conftest import (  # noqa: F401  # fixtures used below
    lists,
    local,
    make_engagement,
    make_group,
    make_partnership,
    make_venue,
)
from tracker.assaults.models import AssaultIncident
from tracker.core.export_jobs import NO_LONGER, STOPPED, delete_old_exports, run_export
from tracker.core.exports import FORMATS, SpreadsheetExport, export_dataset, sheet_title
from tracker.core.imports import registry
from tracker.core.models import AccessLog, ExportJob

pytestmark = pytest.mark.django_db

LISTS = [
    "partners:group-list",
    "partners:venue-list",
    "partners:partnership-list",
    "partners:engagement-list",
    "interventions:referrals",
    "interventions:offenders",
    "interventions:programmes",
    "reports:issued",
    "dataprotection:log",
]
# What differs between any two responses: the script nonce and the masked CSRF token.
PER_RESPONSE = re.compile(rb'(nonce="|name="csrfmiddlewaretoken" value=")[^"]*"')
FORMULA = '=HYPERLINK("http://example.com","click")'


@pytest.fixture
def records(
    areas: dict[str, Any],
    make_group: Callable[..., Any],  # noqa: F811
    make_venue: Callable[..., Any],  # noqa: F811
    make_engagement: Callable[..., Any],  # noqa: F811
    make_partnership: Callable[..., Any],  # noqa: F811
    referral_factory: Callable[..., Any],  # noqa: F811
    offender_factory: Callable[..., Any],  # noqa: F811
) -> dict[str, Any]:
    """A few records of each kind: text a spreadsheet would run as a formula, text
    over several lines, dates and times, empty values, true and false."""
    group = make_group(FORMULA, active=True)
    quiet = make_group("+ quiet group", kind=CommunityGroup.Kind.YOUTH, active=False)
    pub = make_venue("@The Crown", operator="", latest_licensed_hour=time(23, 30), kind=Venue.Kind.PUB)
    club = make_venue("Club -1", address="Line one\nLine two", operator="-Night Ltd")
    make_engagement(groups=[group, quiet], venues=[pub, club], summary="=1+2", attendance=12)
    make_engagement(groups=[quiet], starts_at=local(2026, 10, 25, 1, 30), summary="", attendance=None)
    make_partnership("prospect", venue=pub)
    make_partnership("signed_up", venue=club)
    formula_person = offender_factory(first_name="@SUM(A1)", last_name="-Smith", date_of_birth=date(1980, 2, 29))
    referral_factory("submitted", offender=formula_person, notes="=cmd|' /C calc'!A0", injury=True)
    referral_factory("accepted", notes="", injury=False, charged_under_act=True)
    referral_factory("draft")
    area = areas["Herefordshire"]
    for n, injury in enumerate([True, False, True]):
        AssaultIncident.objects.create(
            reference=f"=INC-{n}",
            occurred_at=local(2025, 3, 30, 0, 30) + timedelta(hours=n),
            area=area,
            victim_role="police_officer",
            injury=injury,
            outcome="charged",
        )
    return {"group": group, "venue": pub}


def old_file(resource: Any, queryset: Any, *, fmt: str, title: str) -> bytes:
    """What an export wrote before it streamed: the whole dataset, then the whole file."""
    content = FORMATS[fmt]().export_data(export_dataset(resource, queryset, fmt=fmt, title=title))
    return content.encode("utf-8") if isinstance(content, str) else content


def old_list_export(url_name: str, user: Any, fmt: str, query: dict[str, str] | None = None) -> bytes:
    """The list's old export, from the same view, rows and resource."""
    url = reverse(url_name)
    request = RequestFactory().get(url, {**(query or {}), "export": fmt})
    request.user = user
    view = resolve(url).func.view_class()  # type: ignore[attr-defined]
    view.setup(request)
    rows = view.filtered_rows()
    return old_file(view.get_resource(), view.export_queryset(rows), fmt=fmt, title=view.sheet_name())


def cells(content: bytes) -> tuple[str, list[list[tuple[Any, type]]]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return sheet.title, [[(cell.value, type(cell.value)) for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("url_name", LISTS)
def test_a_streamed_csv_export_is_byte_for_byte_the_old_export(
    client: Any, admin_user: Any, records: Any, url_name: str
) -> None:
    client.force_login(admin_user)
    response = client.get(reverse(url_name), {"export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    streamed = response.getvalue()
    assert streamed == old_list_export(url_name, admin_user, "csv")
    assert streamed.count(b"\n") > 1 or url_name == "reports:issued"  # rows, not only a header


@pytest.mark.parametrize("url_name", LISTS)
def test_an_xlsx_export_has_the_old_exports_cells_and_types_and_sheet_name(
    client: Any, admin_user: Any, records: Any, url_name: str
) -> None:
    client.force_login(admin_user)
    response = client.get(reverse(url_name), {"export": "xlsx"})
    assert isinstance(response, FileResponse)
    new = response.getvalue()
    assert cells(new) == cells(old_list_export(url_name, admin_user, "xlsx"))
    sheet = load_workbook(io.BytesIO(new)).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])


def test_formulas_are_neutralised_and_dates_stay_dates_in_xlsx(client: Any, admin_user: Any, records: Any) -> None:
    client.force_login(admin_user)
    title, rows = cells(client.get(reverse("interventions:referrals"), {"export": "xlsx"}).getvalue())
    assert title == "Referrals"
    values = [value for row in rows for value, _ in row]
    assert "'=cmd|' /C calc'!A0" in values and "'@SUM(A1)" in values
    assert "=cmd|' /C calc'!A0" not in values
    assert any(kind is not str and value is not None for row in rows[1:] for value, kind in row)


@pytest.mark.parametrize("kind", ["community-groups", "venues", "engagements", "referrals", "incidents", "workforce"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_data_writes_what_the_old_command_wrote(tmp_path: Any, records: Any, kind: str, fmt: str) -> None:
    from django.core.management import call_command

    chosen = registry.get(kind)
    assert chosen is not None
    out = tmp_path / f"out.{fmt}"
    call_command("export_data", kind, str(out), stdout=io.StringIO())
    old = old_file(chosen.resource(user=None), None, fmt=fmt, title=sheet_title(chosen.slug))
    if fmt == "csv":
        assert out.read_bytes() == old
    else:
        assert cells(out.read_bytes()) == cells(old)


def test_export_data_of_incidents_imports_back_unchanged(tmp_path: Any, records: Any, admin_user: Any) -> None:
    from django.core.management import call_command

    out = tmp_path / "incidents.xlsx"
    call_command("export_data", "incidents", str(out), stdout=io.StringIO())
    before = list(AssaultIncident.objects.order_by("reference").values_list("reference", "occurred_at", "injury"))
    call_command("import_data", "incidents", str(out), "--user", admin_user.username, stdout=io.StringIO())
    after = list(AssaultIncident.objects.order_by("reference").values_list("reference", "occurred_at", "injury"))
    assert after == before


@pytest.mark.parametrize("url_name", ["interventions:referrals", "partners:engagement-list"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("size", [2, 20])
def test_export_query_count_does_not_grow_with_the_rows(
    client: Any,
    admin_user: Any,
    referral_factory: Callable[..., Any],  # noqa: F811
    make_engagement: Callable[..., Any],  # noqa: F811
    make_group: Callable[..., Any],  # noqa: F811
    make_venue: Callable[..., Any],  # noqa: F811
    django_assert_max_num_queries: Any,
    url_name: str,
    fmt: str,
    size: int,
) -> None:
    for _ in range(size):
        referral_factory("submitted")
        make_engagement(groups=[make_group()], venues=[make_venue()])
    client.force_login(admin_user)
    url = reverse(url_name)
    client.get(url)  # warm the content-type cache, as on a running server
    # 1 session, 2 user, 3-4 the filter's choice lists and the referrals' restriction
    # check, then the count, the people named (referrals), the rows, and each
    # prefetch (engagements: groups, venues, materials); the access-log row's two
    # INSERTs and their savepoint. The rows are read while the response streams.
    with django_assert_max_num_queries(16):
        response = client.get(url, {"export": fmt})
        content = response.getvalue()
    assert response.status_code == 200
    assert len(content) > 0


# Background exports ------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_large_export_is_written_in_the_background_and_offered_to_whoever_asked(
    client: Any,
    liaison: Any,
    referral_factory: Callable[..., Any],  # noqa: F811
    prison: Any,
    settings: Any,
    media: Any,
) -> None:
    mine = [referral_factory("submitted") for _ in range(3)]
    referral_factory("submitted", handler=prison)  # handled elsewhere: not the liaison's to see
    client.force_login(liaison)
    at_once = client.get(reverse("interventions:referrals"), {"export": "csv", "sort": "name"}).getvalue()
    settings.EXPORT_BACKGROUND_ROWS = 2
    logged = AccessLog.objects.count()

    response = client.get(reverse("interventions:referrals"), {"export": "csv", "sort": "name", "page": "2"})

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("export-job", args=[job.pk])
    assert (job.requested_by, job.format, job.query, job.rows) == (liaison, "csv", "sort=name", 3)
    # ImmediateBackend: the task has already run.
    assert job.status == ExportJob.Status.READY and job.written == 3
    assert sorted(job.people) == sorted(r.offender_id for r in mine)
    assert AccessLog.objects.count() == logged  # nobody has seen the file yet
    page = client.get(response.url)
    assert "Your file is ready" in page.text
    assert client.get(reverse("export-job-status", args=[job.pk])).json()["done"] is True

    download = client.get(reverse("export-job-download", args=[job.pk]))
    assert download.status_code == 200
    assert download.getvalue() == at_once
    log = AccessLog.objects.latest("id")
    assert (log.user, log.action, log.way, log.people) == (liaison, "export", "export", 3)
    assert sorted(log.consulted.values_list("person_id", flat=True)) == sorted(r.offender_id for r in mine)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_background_export_writes_what_an_export_at_once_writes(
    client: Any, admin_user: Any, records: Any, settings: Any, media: Any, fmt: str
) -> None:
    client.force_login(admin_user)
    url = reverse("partners:engagement-list")
    at_once = client.get(url, {"export": fmt}).getvalue()
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.get(url, {"export": fmt})
    job = ExportJob.objects.get()
    assert job.people is None  # engagements name no one's personal data
    written = client.get(reverse("export-job-download", args=[job.pk])).getvalue()
    assert written == at_once if fmt == "csv" else cells(written) == cells(at_once)


def test_another_users_export_is_a_404_like_one_that_does_not_exist(
    client: Any, officer: Any, admin_user: Any, records: Any, settings: Any, media: Any
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(officer)
    client.get(reverse("partners:group-list"), {"export": "csv"})
    job = ExportJob.objects.get()
    client.force_login(admin_user)
    for name in ("export-job", "export-job-status", "export-job-download"):
        theirs = client.get(reverse(name, args=[job.pk]))
        unknown = client.get(reverse(name, args=[job.pk + 1000]))
        assert theirs.status_code == unknown.status_code == 404
        # The same page, but for the address asked for and what differs per response.
        asked = reverse(name, args=[job.pk + 1000]).encode()
        theirs_page = PER_RESPONSE.sub(rb"\1", theirs.content.replace(reverse(name, args=[job.pk]).encode(), asked))
        assert theirs_page == PER_RESPONSE.sub(rb"\1", unknown.content)


def test_the_task_checks_the_users_roles_again_when_it_runs(officer: Any, records: Any, media: Any) -> None:
    job = ExportJob.objects.create(
        requested_by=officer, list_path=reverse("partners:group-list"), list_title="Groups", format="csv", rows=9
    )
    officer.is_partnership_officer = False
    officer.is_board_member = True
    officer.save(update_fields=["is_partnership_officer", "is_board_member"])
    run_export(job.pk)
    job.refresh_from_db()
    assert (job.status, job.message, job.file.name) == (ExportJob.Status.FAILED, NO_LONGER, "")


def test_a_filter_that_no_longer_holds_exports_no_rows(officer: Any, records: Any, media: Any) -> None:
    job = ExportJob.objects.create(
        requested_by=officer,
        list_path=reverse("partners:group-list"),
        list_title="Groups",
        query="area=not-a-number",
        format="csv",
        rows=9,
    )
    run_export(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY and job.rows == 0


def test_export_files_are_deleted_after_a_day(
    client: Any, officer: Any, records: Any, settings: Any, media: Any
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(officer)
    client.get(reverse("partners:group-list"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    stored = media / job.file.name
    assert stored.exists()
    delete_old_exports(timezone.now() + timedelta(hours=23))
    assert stored.exists()
    delete_old_exports(timezone.now() + timedelta(days=1, minutes=1))
    assert not stored.exists() and not ExportJob.objects.exists()


def test_the_writer_counts_rows_and_reports_progress(records: Any) -> None:
    told: list[int] = []
    kind = registry.get("incidents")
    assert kind is not None
    export = SpreadsheetExport(kind.resource(user=None), None, fmt="csv", title="Incidents", progress=told.append)
    out = io.BytesIO()
    assert export.write(out) == 3
    assert out.getvalue().splitlines()[0] == b"reference,occurred_at,area,victim_role,injury,outcome"
    assert told == []  # fewer rows than a progress step


def test_an_export_whose_worker_stopped_is_given_up(client: Any, officer: Any, media: Any, settings: Any) -> None:
    job = ExportJob.objects.create(
        requested_by=officer,
        list_path=reverse("partners:group-list"),
        list_title="Groups",
        format="csv",
        status=ExportJob.Status.WRITING,
        progress_at=timezone.now() - timedelta(seconds=settings.TASK_STALLED_SECONDS + 1),
    )
    client.force_login(officer)
    page = client.get(reverse("export-job", args=[job.pk]))
    assert "The file was not written" in page.text
    job.refresh_from_db()
    assert (job.status, job.message) == (ExportJob.Status.FAILED, STOPPED)
    assert run_export(job.pk) is None  # a late task finds it no longer queued
