"""The second half of 0004: with every existing person held, the holding organisation
is required and case references are unique per book (case aside). Separate from
0004 so that PostgreSQL alters the table in a transaction of its own, after the
data migration's updates."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0004_offender_holding_organisation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="offender",
            name="holding_organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.organisation"
            ),
        ),
        migrations.AddConstraint(
            model_name="offender",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Upper("case_reference"),
                models.F("holding_organisation"),
                condition=models.Q(("kept_by__isnull", True), ("shares_reference", False)),
                name="offender_reference_unique_per_organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="offender",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Upper("case_reference"),
                models.F("kept_by"),
                condition=models.Q(("kept_by__isnull", False), ("shares_reference", False)),
                name="offender_reference_unique_per_keeper",
            ),
        ),
    ]
