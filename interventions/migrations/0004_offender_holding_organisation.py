"""People are recorded per organisation (issue #12), in three steps so that
PostgreSQL never alters the table in the transaction that updates its rows:
0004 adds the fields, 0005 fills them for existing people, 0006 makes the holding
organisation required and case references unique per book.

Fields: a holding organisation (and, for a partnership officer's people, the
officer who keeps them), a flag for legacy references shared within one book (see
0005), and validators on the case reference and the date of birth."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import interventions.models


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
    ]
