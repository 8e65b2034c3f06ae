"""Existing people (issue #12; see 0004): held by their creator's organisation,
kept by the creator when the creator is neither a liaison nor an administrator
(interventions.querysets.offender_book).

No record or link changes otherwise. Case references were unique only letter for
letter before, so two people of one book may hold the same reference in a different
letter case: both are kept as they are, neither merged (they may be different
people, and merging would move referrals and history) nor renamed (the reference is
another service's identifier), and each after the first (by id) is flagged
`shares_reference`, which leaves it out of the uniqueness constraints until its
reference is corrected. References with characters the new validator refuses are
kept too: the validator applies to new input only."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def hold_existing_people(apps, schema_editor):
    Offender = apps.get_model("interventions", "Offender")
    HistoricalOffender = apps.get_model("interventions", "HistoricalOffender")
    User = apps.get_model("core", "User")
    creators_organisation = User.objects.filter(pk=OuterRef("created_by_id")).values("organisation_id")[:1]
    Offender.objects.update(holding_organisation_id=Subquery(creators_organisation))
    Offender.objects.filter(created_by__is_probation_liaison=False, created_by__is_administrator=False).update(
        kept_by_id=models.F("created_by_id")
    )
    seen = set()
    sharing = []
    rows = Offender.objects.order_by("pk").values_list("pk", "case_reference", "holding_organisation_id", "kept_by_id")
    for pk, reference, organisation_id, kept_by_id in rows.iterator():
        book = ("keeper", kept_by_id) if kept_by_id is not None else ("organisation", organisation_id)
        key = (reference.upper(), book)
        if key in seen:
            sharing.append(pk)
        seen.add(key)
    for start in range(0, len(sharing), 500):
        Offender.objects.filter(pk__in=sharing[start : start + 500]).update(shares_reference=True)
    # The history carries the same values, so the next change does not show these
    # fields as changed by whoever makes it.
    current = Offender.objects.filter(pk=OuterRef("id"))
    HistoricalOffender.objects.update(
        holding_organisation_id=Subquery(current.values("holding_organisation_id")[:1]),
        kept_by_id=Subquery(current.values("kept_by_id")[:1]),
        shares_reference=models.Exists(current.filter(shares_reference=True)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0004_offender_holding_organisation"),
    ]

    operations = [
        migrations.RunPython(hold_existing_people, migrations.RunPython.noop, elidable=False),
    ]
