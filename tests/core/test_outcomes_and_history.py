from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tracker.core.history import history_entries
from tracker.core.models import Organisation, Outcome, OutcomeType
from tracker.core.outcomes import delete_outcome, outcomes_for, record_outcome, update_outcome
from tracker.core.versioning import save_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcome_type() -> OutcomeType:
    return OutcomeType.objects.create(name="Campaign message shared")


def test_outcomes_attach_to_any_record_and_keep_history(
    pcc: Organisation, officer: Any, outcome_type: OutcomeType
) -> None:
    outcome = record_outcome(
        pcc,
        by=officer,
        date=date(2026, 3, 1),
        outcome_type=outcome_type,
        rating=Outcome.Rating.ACHIEVED,
        description="Posters up",
        measure=Decimal("12"),
    )
    assert list(outcomes_for(pcc)) == [outcome]
    update_outcome(outcome, by=officer, expected_version=1, rating=Outcome.Rating.PARTLY)
    outcome_id = outcome.pk
    delete_outcome(outcome, by=officer)
    assert not outcomes_for(pcc).exists()
    kinds = list(
        Outcome.history.filter(id=outcome_id).order_by("history_date").values_list("history_type", "history_user")
    )
    assert kinds == [("+", officer.pk), ("~", officer.pk), ("-", officer.pk)]


def test_bad_outcome_is_refused(pcc: Organisation, officer: Any, outcome_type: OutcomeType) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        record_outcome(
            pcc, by=officer, date=date(2026, 3, 1), outcome_type=outcome_type, rating="brilliant", description="x"
        )
    assert not Outcome.objects.exists()


def test_history_timeline_says_who_changed_what(
    pcc: Organisation, officer: Any, django_assert_max_num_queries: Any
) -> None:
    save_changes(pcc, by=officer, expected_version=1, changes={"kind": Organisation.Kind.CHARITY})
    save_changes(pcc, by=officer, expected_version=2, changes={"name": "New name"})
    with django_assert_max_num_queries(1):
        entries = history_entries(pcc)
    assert [e.action for e in entries] == ["Changed", "Changed", "Created"]
    assert entries[0].who == str(officer)
    assert [(c.field, c.old, c.new) for c in entries[1].changes] == [("Kind", "PCC office", "Charity")]
    html = render_to_string("includes/history.html", {"history": entries})
    assert "Kind: PCC office → Charity" in html


def test_my_work_page_for_each_working_role(client: Any, users: dict[str, Any]) -> None:
    for name in ("officer", "liaison", "admin"):
        client.force_login(users[name])
        response = client.get(reverse("my-work"))
        assert response.status_code == 200
        assert "My work" in response.content.decode()
    client.force_login(users["board"])
    assert client.get(reverse("my-work")).status_code == 403
