from __future__ import annotations

from typing import Any

import pytest
from django import forms

from tracker.core.forms import VersionedModelForm
from tracker.core.models import Organisation
from tracker.core.versioning import EditConflict, save_changes

pytestmark = pytest.mark.django_db


class OrganisationForm(VersionedModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind"]


def test_save_moves_the_version_on_and_records_who(pcc: Organisation, officer: Any) -> None:
    save_changes(pcc, by=officer, expected_version=1, changes={"name": "PCC office"})
    pcc.refresh_from_db()
    assert pcc.version == 2
    assert pcc.name == "PCC office"
    latest = pcc.history.first()
    assert latest.history_user == officer
    assert latest.name == "PCC office"


def test_stale_save_is_refused_and_says_who_changed_what(pcc: Organisation, officer: Any, admin_user: Any) -> None:
    mine = Organisation.objects.get(pk=pcc.pk)
    theirs = Organisation.objects.get(pk=pcc.pk)
    save_changes(theirs, by=admin_user, expected_version=1, changes={"name": "Renamed by admin"})

    with pytest.raises(EditConflict) as caught:
        save_changes(mine, by=officer, expected_version=1, changes={"kind": Organisation.Kind.CHARITY})

    conflict = caught.value
    assert conflict.current_version == 2
    assert "Admin Tester" in conflict.message
    assert "Name" in conflict.message
    assert [c.new for c in conflict.changes] == ["Renamed by admin"]
    pcc.refresh_from_db()
    assert pcc.name == "Renamed by admin"
    assert pcc.kind == Organisation.Kind.PCC_OFFICE  # the stale change was not written
    assert pcc.history.count() == 2  # created, renamed: nothing from the refused save


def test_stale_form_shows_the_conflict_and_keeps_the_input(pcc: Organisation, officer: Any, admin_user: Any) -> None:
    loaded = OrganisationForm(instance=pcc)
    version_loaded = loaded["version"].value()
    save_changes(
        Organisation.objects.get(pk=pcc.pk), by=admin_user, expected_version=1, changes={"name": "Changed first"}
    )

    form = OrganisationForm(
        {"name": "My edit", "kind": "pcc_office", "version": version_loaded},
        instance=Organisation.objects.get(pk=pcc.pk),
    )
    assert form.is_valid()
    with pytest.raises(EditConflict) as caught:
        save_changes(
            form.instance, by=officer, expected_version=form.cleaned_data["version"], changes=form.changed_values()
        )
    form.add_conflict(caught.value)

    html = form.render()
    assert "after you opened this page" in html
    assert "Changed first" in html
    assert 'value="My edit"' in html  # the user's input is not lost
    assert form.data["version"] == "2"


def test_version_is_required_on_edit(pcc: Organisation) -> None:
    form = OrganisationForm({"name": "x", "kind": "pcc_office"}, instance=pcc)
    assert not form.is_valid()
    assert "version" in form.errors
    assert isinstance(OrganisationForm(instance=pcc).fields["version"].widget, forms.HiddenInput)
