"""The consultation log before core 0010 kept one row per record shown, and named
people in its labels: an offender row held the case reference, a referral row
"R00012 (case reference)". This gives every such row its person (`ConsultedPerson`:
an offender is itself, a referral its person), so that "who saw person X" finds the
old consultations too, and scrubs the case references out of the labels (the log
holds no personal data: disposal must leave none behind). The way in is set from
the old action where it says it (API reads, exports, PDFs).

Not reversible in content: the case references are not put back."""

from typing import Any

from django.db import migrations

BATCH = 2000
WAY_OF_ACTION = {"api": "api", "export": "export", "report": "pdf"}


def name_people_and_scrub_labels(apps: Any, schema_editor: Any) -> None:
    AccessLog = apps.get_model("core", "AccessLog")
    ConsultedPerson = apps.get_model("core", "ConsultedPerson")
    Referral = apps.get_model("interventions", "Referral")
    old = AccessLog.objects.filter(
        record_type__in=["offender", "referral"], record_id__isnull=False, people=0
    ).order_by("pk")
    last = 0
    while True:
        rows = list(old.filter(pk__gt=last).only("pk", "record_type", "record_id", "action", "way")[:BATCH])
        if not rows:
            break
        last = rows[-1].pk
        referral_ids = {r.record_id for r in rows if r.record_type == "referral"}
        person_of = dict(Referral.objects.filter(pk__in=referral_ids).values_list("pk", "offender_id"))
        consulted = []
        for row in rows:
            if row.record_type == "offender":
                person = row.record_id
                row.record_label = f"Person {row.record_id}"
            else:
                person = person_of.get(row.record_id)
                row.record_label = f"R{row.record_id:05d}"
            row.people = 1 if person is not None else 0
            row.way = WAY_OF_ACTION.get(row.action, row.way)
            if person is not None:
                consulted.append(ConsultedPerson(log_id=row.pk, person_id=person))
        ConsultedPerson.objects.bulk_create(consulted, batch_size=500, ignore_conflicts=True)
        AccessLog.objects.bulk_update(rows, ["record_label", "people", "way"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0008_date_and_count_limits"),
        ("core", "0010_data_protection_officer_and_log_per_request"),
    ]

    operations = [
        migrations.RunPython(name_people_and_scrub_labels, migrations.RunPython.noop, elidable=False),
    ]
