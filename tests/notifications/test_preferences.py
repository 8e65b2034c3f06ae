"""The email choices on the account page: the kinds each role gets, saved with
history; concern alerts turned off only by an administrator, whatever is posted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tracker.notifications.models import Kind, Preference
from tracker.notifications.services import preferences_of, set_preferences

pytestmark = pytest.mark.django_db
ACCOUNT = "/accounts/password/"
CHOICES = "/accounts/notifications/"


def test_the_account_page_offers_the_kinds_of_the_users_role(
    client: Any, officer: Any, liaison: Any, board: Any, user_factory: Any
) -> None:
    client.force_login(officer)
    html = client.get(ACCOUNT).content.decode()
    assert "Email notifications" in html
    assert 'name="weekly_digest"' in html
    assert 'name="referral_accepted"' in html
    assert 'name="referral_submitted"' not in html
    assert 'name="dpo_daily"' not in html

    client.force_login(liaison)
    html = client.get(ACCOUNT).content.decode()
    assert 'name="referral_submitted"' in html and 'name="referral_not_accepted"' in html
    assert 'name="weekly_digest"' not in html

    client.force_login(user_factory("data_protection_officer", username="dpo"))
    html = client.get(ACCOUNT).content.decode()
    assert 'name="dpo_daily"' in html and 'name="referral_accepted"' not in html

    client.force_login(board)
    assert "The tracker sends no emails to your role." in client.get(ACCOUNT).content.decode()


def test_a_user_turns_a_kind_off_and_on_with_history(client: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(CHOICES, {"referral_accepted": "on", "session_concern": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change") + "#notifications"
    choices = preferences_of(officer)
    assert choices[Kind.WEEKLY_DIGEST] is False
    assert choices[Kind.REFERRAL_DECLINED] is False
    assert choices[Kind.REFERRAL_ACCEPTED] is True
    digest = Preference.objects.get(user=officer, kind=Kind.WEEKLY_DIGEST)
    assert digest.history.get().history_user == officer

    client.post(CHOICES, {kind: "on" for kind in preferences_of(officer)})
    assert all(preferences_of(officer).values())
    assert digest.history.count() == 2
    page = client.get(ACCOUNT).content.decode()
    assert 'id="id_weekly_digest" name="weekly_digest" type="checkbox" checked' in page


def test_concern_alerts_show_as_locked_for_everyone_but_administrators(
    client: Any, officer: Any, admin_user: Any
) -> None:
    client.force_login(officer)
    html = client.get(ACCOUNT).content.decode()
    box = html[html.index('name="session_concern"') - 200 : html.index('name="session_concern"') + 200]
    assert "disabled" in box
    assert "Only an administrator can turn these off" in html

    client.force_login(admin_user)
    html = client.get(ACCOUNT).content.decode()
    box = html[html.index('name="session_concern"') - 200 : html.index('name="session_concern"') + 200]
    assert "disabled" not in box


def test_a_non_administrator_cannot_turn_concern_alerts_off_even_by_crafting_a_post(
    client: Any, officer: Any, liaison: Any
) -> None:
    client.force_login(officer)
    # The box left out (unticked) and a value forged for it: both ignored.
    client.post(CHOICES, {"referral_accepted": "on"})
    client.post(CHOICES, {"referral_accepted": "on", "session_concern": ""})
    client.post(CHOICES, {"referral_accepted": "on", "session_concern": "false"})
    assert preferences_of(officer)[Kind.SESSION_CONCERN] is True
    assert not Preference.objects.filter(kind=Kind.SESSION_CONCERN).exists()
    # The administrator's page for a user is administrators' only.
    assert client.post(reverse("notification-preferences-for", args=[officer.pk]), {}).status_code == 403
    # And the service refuses whatever the door.
    with pytest.raises(PermissionDenied):
        set_preferences(officer, by=officer, choices={Kind.SESSION_CONCERN: False})
    with pytest.raises(PermissionDenied):
        set_preferences(officer, by=liaison, choices={Kind.REFERRAL_ACCEPTED: False})
    with pytest.raises(PermissionDenied):
        set_preferences(officer, by=officer, choices={Kind.DPO_DAILY: False})  # not the officer's kind
    assert preferences_of(officer)[Kind.SESSION_CONCERN] is True


def test_an_administrator_turns_concern_alerts_off_for_a_user(client: Any, officer: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    url = reverse("notification-preferences-for", args=[officer.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert officer.username in page.content.decode()
    response = client.post(url, {"referral_accepted": "on"})
    assert response.status_code == 302
    assert preferences_of(officer)[Kind.SESSION_CONCERN] is False
    change = Preference.objects.get(user=officer, kind=Kind.SESSION_CONCERN).history.get()
    assert change.history_user == admin_user
    # The box stays locked for the officer: the administrator's decision stands either way.
    client.force_login(officer)
    client.post(CHOICES, {"session_concern": "on"})
    assert preferences_of(officer)[Kind.SESSION_CONCERN] is False


def test_the_users_admin_page_links_to_their_email_choices(client: Any, officer: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    html = client.get(reverse("admin:core_user_change", args=[officer.pk])).content.decode()
    assert f'href="{reverse("notification-preferences-for", args=[officer.pk])}"' in html
