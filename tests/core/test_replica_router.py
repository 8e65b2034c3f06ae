"""The replica router's rules, without a replica: which reads may go there, and when
a request may use it at all (the real replica is tests/core/test_replica.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from partners.models import CommunityGroup
from tracker.core import replica
from tracker.core.models import ApiToken, User, UserSession
from tracker.reports.models import IssuedReport

ROUTER = replica.ReplicaRouter()


def test_reads_go_to_the_replica_only_inside_a_replica_block() -> None:
    assert ROUTER.db_for_read(CommunityGroup) is None
    with replica.replica_reads():
        assert ROUTER.db_for_read(CommunityGroup) == "replica"
        assert ROUTER.db_for_read(IssuedReport) == "replica"
    assert ROUTER.db_for_read(CommunityGroup) is None


def test_who_a_user_is_and_may_do_is_always_read_from_the_primary() -> None:
    with replica.replica_reads():
        for model in (User, ApiToken, UserSession):
            assert ROUTER.db_for_read(model) is None


def test_writes_and_migrations_go_to_the_primary() -> None:
    with replica.replica_reads():
        assert ROUTER.db_for_write(CommunityGroup) == "default"
    assert ROUTER.allow_migrate("default", "partners")
    assert not ROUTER.allow_migrate("replica", "partners")


@pytest.mark.django_db
def test_a_user_who_just_wrote_reads_from_the_primary(settings: Any, officer: Any, monkeypatch: Any) -> None:
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    monkeypatch.setattr(replica.health, "check", lambda: True)
    request = RequestFactory().get("/reports/")
    request.user = officer
    assert replica.may_read_replica(request)
    replica.note_write(officer.pk)
    assert not replica.may_read_replica(request)
    # Only GET and HEAD ever read from the replica.
    post = RequestFactory().post("/reports/")
    post.user = User(pk=officer.pk + 1)
    assert not replica.may_read_replica(post)


def test_without_a_replica_nothing_changes(settings: Any) -> None:
    assert "replica" not in settings.DATABASES
    request = RequestFactory().get("/")
    assert not replica.may_read_replica(request)
    assert replica.read_from_replica(request, lambda: 42) == 42
