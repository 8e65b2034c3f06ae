"""Factories for the offender behaviour strand, built through its services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from interventions import services
from interventions.models import Offender, Programme, ReasonCode, Referral
from tracker.core.models import OutcomeType


@pytest.fixture
def outcome_types(db: None) -> list[OutcomeType]:
    return [
        OutcomeType.objects.get_or_create(name="Understands the harm to the victim")[0],
        OutcomeType.objects.get_or_create(name="Uses anger management strategies")[0],
    ]


@pytest.fixture
def programme(probation: Any, outcome_types: list[OutcomeType]) -> Programme:
    programme = Programme.objects.create(
        name="Victim awareness", provider=probation, setting=Programme.Setting.COMMUNITY, planned_sessions=6
    )
    programme.desired_outcomes.set(outcome_types)
    return programme


@pytest.fixture
def reason(db: None) -> ReasonCode:
    return ReasonCode.objects.get_or_create(name="Breach of licence", defaults={"group": ReasonCode.Group.LEGAL})[0]


@pytest.fixture
def offender_factory(db: None, officer: Any) -> Callable[..., Offender]:
    counter = {"n": 0}

    def make(by: Any = None, **fields: Any) -> Offender:
        counter["n"] += 1
        values = {
            "case_reference": f"X{counter['n']:05d}",
            "first_name": "Sam",
            "last_name": f"Person{counter['n']}",
            "date_of_birth": date(1990, 1, 1),
            **fields,
        }
        return services.create_offender(by=by or officer, **values)

    return make


@pytest.fixture
def referral_factory(
    db: None,
    officer: Any,
    probation: Any,
    areas: dict[str, Any],
    programme: Programme,
    offender_factory: Callable[..., Offender],
    liaison: Any,
    prison: Any,
) -> Callable[..., Referral]:
    """A referral by `by` (default the officer) to `handler` (default probation),
    moved along to `status` through the services."""

    def make(status: str = "submitted", *, by: Any = None, handler: Any = None, **fields: Any) -> Referral:
        by = by or officer
        handler = handler or probation
        offender = fields.pop("offender", None) or offender_factory(by=by)
        referral = services.create_referral(
            by=by,
            offender=offender,
            programme=fields.pop("programme", programme),
            handling_organisation=handler,
            offence_date=date(2026, 1, 10),
            area=next(iter(areas.values())),
            victim_role=Referral.VictimRole.POLICE_OFFICER,
            **fields,
        )
        if status == "draft":
            return referral
        services.submit(referral, by=by, expected_version=referral.version)
        worker = liaison if handler == probation else _liaison_of(handler)
        reason = ReasonCode.objects.get_or_create(name="Other reason", defaults={"group": "other"})[0]
        if status == "submitted":
            return referral
        if status == "withdrawn":
            return services.withdraw(referral, by=by, expected_version=referral.version, reason=reason)
        if status == "declined":
            return services.decline(referral, by=worker, expected_version=referral.version, reason=reason)
        services.accept(referral, by=worker, expected_version=referral.version)
        if status == "accepted":
            return referral
        services.start(referral, by=worker, expected_version=referral.version)
        if status == "started":
            return referral
        if status == "not_completed":
            return services.mark_not_completed(referral, by=worker, expected_version=referral.version, reason=reason)
        ratings = {t.pk: ("achieved", "Good progress") for t in referral.programme.desired_outcomes.all()}
        return services.complete(
            referral, by=worker, expected_version=referral.version, ratings=ratings, confirm_fewer_sessions=True
        )

    def _liaison_of(organisation: Any) -> Any:
        from tracker.core.models import User

        found = User.objects.filter(organisation=organisation, is_probation_liaison=True).first()
        if found is None:
            found = User.objects.create(
                username=f"liaison-{organisation.pk}", organisation=organisation, is_probation_liaison=True
            )
        return found

    return make
