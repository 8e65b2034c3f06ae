"""With every existing person held (0005), the holding organisation is required and
case references are unique per book, case aside (issue #12; see 0004)."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0005_offender_holding_organisation_data"),
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
