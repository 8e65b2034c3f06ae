"""Imports as background tasks: the upload and the confirmation answer at once and
queue the work; progress is read back from the progress cache; a job whose worker
went silent is marked failed, and a write given up on commits nothing; a failed job
can be started again. The tests that want the real queue switch TASKS to the
database backend and work it off with `db_worker --batch`, in this process."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.core.test_imports import GOOD, KIND, OrganisationImporter, csv_bytes, test_kind  # noqa: F401
from tracker.core import schedule
from tracker.core.imports import progress
from tracker.core.imports.services import (
    BROKE,
    STOPPED_IMPORTING,
    claim_import,
    preview_import,
    recover_stalled,
    run_write,
)
from tracker.core.models import ImportJob, Organisation
from tracker.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_progress() -> Iterator[None]:
    caches["progress"].clear()
    yield
    caches["progress"].clear()


@pytest.fixture
def queue(settings: Any) -> None:
    """The database queue instead of running each task at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work_off_the_queue() -> None:
    # The worker closes "old" connections between tasks; inside a test's transaction
    # (autocommit off) Django takes the connection for one to close.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())


def upload(client: Any, content: str = GOOD) -> ImportJob:
    response = client.post(
        reverse("import-upload", args=[KIND.slug]), {"file": SimpleUploadedFile("orgs.csv", csv_bytes(content))}
    )
    job = ImportJob.objects.latest("pk")
    assert response.url == reverse("import-preview", args=[job.pk])
    return job


def status(client: Any, job: ImportJob) -> dict[str, Any]:
    response = client.get(reverse("import-status", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def test_upload_and_confirm_answer_at_once_and_the_worker_does_the_work(client: Any, officer: Any, queue: None) -> None:
    client.force_login(officer)
    job = upload(client)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    assert job.task_id
    page = client.get(reverse("import-preview", args=[job.pk])).content.decode()
    assert "Waiting to start checking." in page
    assert f'data-app-import-status="{reverse("import-status", args=[job.pk])}"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert status(client, job)["active"] is True

    work_off_the_queue()
    job.refresh_from_db()
    assert (job.status, job.new) == (ImportJob.Status.PREVIEWED, 2)
    page = client.get(reverse("import-preview", args=[job.pk])).content.decode()
    assert "Import 2 rows" in page
    assert "http-equiv" not in page  # a finished page does not refresh itself
    assert status(client, job)["active"] is False

    client.post(reverse("import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ImportJob.Status.IMPORTING, 1)
    assert not Organisation.objects.filter(name="Rotary Club").exists()
    replay = client.post(reverse("import-confirm", args=[job.pk]), follow=True)
    assert "already been imported" in replay.content.decode()

    work_off_the_queue()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTED
    assert Organisation.objects.filter(name__in=["Rotary Club", "Hereford Council"]).count() == 2
    assert "2 new, 0 updated, 0 unchanged" in client.get(reverse("import-preview", args=[job.pk])).content.decode()


def test_progress_is_recorded_and_read_back(client: Any, officer: Any, queue: None) -> None:
    client.force_login(officer)
    job = upload(client)
    job.refresh_from_db()
    progress.Recorder(job.pk, attempt=0)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING)
    progress.record(job.pk, attempt=0, verb="read", done=3000, total=12000)
    answer = status(client, job)
    assert (answer["status"], answer["done"], answer["total"], answer["percent"]) == ("checking", 3000, 12000, 25)
    assert answer["text"] == "Rows checked: 3,000 of 12,000"
    assert "Rows checked: 3,000 of 12,000" in client.get(reverse("import-preview", args=[job.pk])).content.decode()

    work_off_the_queue()  # the check finds the job no longer waiting, and leaves it
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PREVIEWED)
    client.post(reverse("import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert status(client, job)["text"] == "Waiting to start."
    recorder = progress.Recorder(job.pk, attempt=job.attempt)
    recorder(4000, 5000, "written")
    answer = status(client, job)
    assert (answer["text"], answer["percent"]) == ("Rows written: 4,000 of 5,000", 80)
    reading = progress.read(job.pk)
    assert reading is not None and reading.attempt == 1 and reading.verb == "written"
    # A reading left by an earlier attempt is not this attempt's progress.
    progress.record(job.pk, attempt=0, verb="written", done=4000, total=5000)
    assert status(client, job)["text"] == "Waiting to start."


def test_a_job_whose_worker_went_silent_is_marked_failed(client: Any, officer: Any, queue: None, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASK_STALLED_SECONDS = 300
    client.force_login(officer)
    job = preview_import(KIND, csv_bytes(GOOD), "orgs.csv", by=officer)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        job = claim_import(job, KIND, by=officer)
        # Waiting in the queue is not stalling, however long it lasts.
        clock.shift(timedelta(hours=2))
        assert recover_stalled() == []
        client.force_login(officer)  # a new session: the first one has timed out
        assert "This is taking longer than usual" in status(client, job)["text"]
        # A worker takes the task, beats once, then is killed.
        DBTaskResult.objects.get(id=job.task_id).claim("worker-that-dies")
        progress.record(job.pk, attempt=job.attempt, verb="written", done=1000, total=2000)
        clock.shift(timedelta(seconds=299))
        assert status(client, job)["status"] == "importing"
        assert schedule.get("recover-stalled-imports").run(timezone.now()) == "Marked 0 stalled import(s) failed."
        clock.shift(timedelta(seconds=2))
        answer = status(client, job)  # reading the status gives the job up
    assert answer["status"] == "failed"
    job.refresh_from_db()
    assert (job.status, job.failure) == (ImportJob.Status.FAILED, STOPPED_IMPORTING)
    page = client.get(reverse("import-preview", args=[job.pk])).content.decode()
    assert "The import stopped before it finished" in page
    assert "Nothing was written. You can start it again." in page
    assert "Import again" in page
    assert progress.read(job.pk) is None


def test_the_schedule_gives_up_a_check_whose_task_ended_without_finishing_it(officer: Any, queue: None) -> None:
    from django_tasks_db.models import DBTaskResult

    job = preview_import(KIND, csv_bytes(GOOD), "orgs.csv", by=officer)
    job = claim_import(job, KIND, by=officer)
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim("worker")
    task.set_failed(SystemExit(1))  # a worker told twice to stop ends the task, not the job
    assert schedule.get("recover-stalled-imports").run(timezone.now()) == "Marked 1 stalled import(s) failed."
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED


@pytest.mark.parametrize("meanwhile", ["marked failed", "claimed again"])
def test_a_write_given_up_before_it_commits_leaves_nothing(
    officer: Any, queue: None, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    job = claim_import(preview_import(KIND, csv_bytes(GOOD), "orgs.csv", by=officer), KIND, by=officer)
    attempt = job.attempt
    started = progress.Recorder.__init__

    def then_given_up(self: progress.Recorder, job_id: int, *, attempt: int) -> None:
        # Committed while the write runs (on its own connection, in the real thing):
        # the write goes on to write every row, then finds its job is not its own.
        if meanwhile == "marked failed":
            ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED, failure=STOPPED_IMPORTING)
        else:
            ImportJob.objects.filter(pk=job_id).update(attempt=attempt + 1)
        started(self, job_id, attempt=attempt)

    monkeypatch.setattr(progress.Recorder, "__init__", then_given_up)
    writes: list[int] = []
    write_batch = OrganisationImporter.write_batch

    def counted(self: OrganisationImporter, rows: Any, outcome: Any, *, write: bool) -> None:
        writes.append(len(rows))
        write_batch(self, rows, outcome, write=write)

    monkeypatch.setattr(OrganisationImporter, "write_batch", counted)
    run_write(job.pk, attempt)
    assert writes == [2]  # every row was written, in the transaction...
    assert not Organisation.objects.filter(name__in=["Rotary Club", "Hereford Council"]).exists()  # ...rolled back
    job.refresh_from_db()
    assert job.status != ImportJob.Status.IMPORTED
    assert job.status == (ImportJob.Status.FAILED if meanwhile == "marked failed" else ImportJob.Status.IMPORTING)


def test_a_task_that_raises_fails_its_job_with_a_message_and_no_traceback(
    client: Any, officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(officer)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    job = upload(client)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    monkeypatch.setattr(OrganisationImporter, "write_batch", broken)
    client.post(reverse("import-confirm", args=[job.pk]))  # the task runs at once in tests
    job.refresh_from_db()
    assert (job.status, job.failure) == (ImportJob.Status.FAILED, BROKE)
    page = client.get(reverse("import-preview", args=[job.pk])).content.decode()
    assert "because of a problem in the tracker, not in your file" in page
    assert "secret internals" not in page and "Traceback" not in page
    assert not Organisation.objects.filter(name="Rotary Club").exists()

    # "Import again" claims the job anew and, the fault gone, completes.
    monkeypatch.undo()
    client.force_login(officer)
    client.post(reverse("import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.attempt, job.failure) == (ImportJob.Status.IMPORTED, 2, "")
    assert Organisation.objects.filter(name__in=["Rotary Club", "Hereford Council"]).count() == 2


def test_a_check_that_raises_fails_and_can_be_checked_again(
    client: Any, officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(officer)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(OrganisationImporter, "check_batch", broken)
    job = upload(client)
    job.refresh_from_db()
    assert (job.status, job.attempt, job.failure) == (ImportJob.Status.FAILED, 0, BROKE)
    page = client.get(reverse("import-preview", args=[job.pk])).content.decode()
    assert "The check did not finish" in page and "Check again" in page
    monkeypatch.undo()
    client.force_login(officer)
    client.post(reverse("import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.new) == (ImportJob.Status.PREVIEWED, 2)
    assert not Organisation.objects.filter(name="Rotary Club").exists()  # checked again, not written


def test_import_again_after_a_stall_completes_and_writes_each_row_once(
    client: Any, officer: Any, queue: None, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    client.force_login(officer)
    job = claim_import(preview_import(KIND, csv_bytes(GOOD), "orgs.csv", by=officer), KIND, by=officer)
    DBTaskResult.objects.get(id=job.task_id).claim("worker-that-dies")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.TASK_STALLED_SECONDS + 1)):
        assert [j.pk for j in recover_stalled()] == [job.pk]
    page = client.post(reverse("import-confirm", args=[job.pk]), follow=True).content.decode()
    assert "Waiting to start." in page
    work_off_the_queue()  # the killed worker's task stays "running"; the new attempt's runs
    job.refresh_from_db()
    assert (job.status, job.attempt, job.new) == (ImportJob.Status.IMPORTED, 2, 2)
    assert Organisation.objects.filter(name="Rotary Club").count() == 1


def test_the_status_of_another_users_job_answers_as_a_missing_one(
    client: Any, officer: Any, user_factory: Any, board: Any
) -> None:
    job = preview_import(KIND, csv_bytes(GOOD), "orgs.csv", by=officer)
    other = user_factory(Role.OFFICER)
    client.force_login(other)
    theirs = client.get(reverse("import-status", args=[job.pk]))
    missing = client.get(reverse("import-status", args=[job.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404
    # The same page, but for the form token every page masks afresh.
    unmasked = [re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", r.content.decode()) for r in (theirs, missing)]
    assert unmasked[0] == unmasked[1]
    assert client.get(reverse("import-preview", args=[job.pk])).status_code == 404
    client.force_login(board)  # a role that imports nothing
    assert client.get(reverse("import-status", args=[job.pk])).status_code == 403
    client.logout()
    signed_out = client.get(reverse("import-status", args=[job.pk]))
    assert signed_out.status_code == 302 and "login" in signed_out.url
    client.force_login(officer)
    assert status(client, job)["status"] == "previewed"


@pytest.mark.parametrize("jobs", [1, 15])
def test_the_import_index_lists_jobs_in_a_fixed_number_of_queries(
    client: Any, officer: Any, django_assert_max_num_queries: Any, jobs: int
) -> None:
    for n in range(jobs):
        preview_import(KIND, csv_bytes(GOOD), f"orgs-{n}.csv", by=officer)
    client.force_login(officer)
    # 1 session, 2 user, 3-7 the menu's counts of work waiting, 8 the user's organisation,
    # 9 the user's jobs (with their uploader), 10-12 the session's update in a savepoint;
    # the same at both sizes.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("imports")).status_code == 200


def test_following_progress_writes_nothing(client: Any, officer: Any, queue: None) -> None:
    """Asked every second while a write may hold SQLite's lock: it must not wait on it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    job = upload(client)
    client.get(reverse("import-status", args=[job.pk]))  # the session, as first signed in
    with CaptureQueriesContext(connection) as queries:
        assert status(client, job)["status"] == "queued"
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
