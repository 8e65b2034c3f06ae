"""People are recorded per organisation (issue #12): a holding organisation (and,
for a partnership officer's people, the officer who keeps them), case references
unique per book instead of across every record, and validated identifiers.

Existing people: the holding organisation is the organisation of whoever created
them; a person created by someone who is neither a liaison nor an administrator is
kept by that user (see interventions.querysets.offender_book). No record or link
changes otherwise. Case references were unique only letter for letter before, so
two people of one book may hold the same reference in different letter case: both
are kept as they are — neither merged (they may be different people, and merging
would move referrals) nor renamed (the reference is another service's identifier)
— and every one after the first (by id) is flagged `shares_reference`, which leaves
it out of the new constraints until its reference is corrected. References with
characters the new validator refuses are kept too; the validator applies to new
input only, and pages and downloads must cope with the old values."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import interventions.models


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
        ("core", "0005_list_order_indexes"),
        ("interventions", "0003_session_open_concern_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaloffender",
            name="holding_organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicaloffender",
            name="kept_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Set when the person is in one officer's own book rather than their organisation's.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaloffender",
            name="shares_reference",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="offender",
            name="holding_organisation",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.organisation"
            ),
        ),
        migrations.AddField(
            model_name="offender",
            name="kept_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Set when the person is in one officer's own book rather than their organisation's.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="offender",
            name="shares_reference",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AlterField(
            model_name="historicaloffender",
            name="case_reference",
            field=models.CharField(
                help_text="For example the probation case reference number.",
                max_length=30,
                validators=[
                    django.core.validators.RegexValidator(
                        "\\A[A-Za-z0-9 ./-]+\\Z",
                        "Enter a case reference using only letters, numbers, spaces, hyphens (-), slashes (/) and full stops (.)",
                        code="invalid_characters",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicaloffender",
            name="date_of_birth",
            field=models.DateField(validators=[interventions.models.validate_date_of_birth]),
        ),
        migrations.AlterField(
            model_name="offender",
            name="case_reference",
            field=models.CharField(
                help_text="For example the probation case reference number.",
                max_length=30,
                validators=[
                    django.core.validators.RegexValidator(
                        "\\A[A-Za-z0-9 ./-]+\\Z",
                        "Enter a case reference using only letters, numbers, spaces, hyphens (-), slashes (/) and full stops (.)",
                        code="invalid_characters",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="offender",
            name="date_of_birth",
            field=models.DateField(validators=[interventions.models.validate_date_of_birth]),
        ),
        migrations.RunPython(hold_existing_people, migrations.RunPython.noop, elidable=False),
    ]
