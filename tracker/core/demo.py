"""Demo data for the core: the five West Mercia areas, the partner organisations,
one user for each role and the shared managed lists. Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from tracker.core.models import Area, Organisation, OutcomeType, User

AREAS = ["Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire", "South Worcestershire"]

ORGANISATIONS = [
    ("Office of the Police and Crime Commissioner", Organisation.Kind.PCC_OFFICE),
    ("West Mercia Police", Organisation.Kind.POLICE_FORCE),
    ("Probation Service – West Mercia", Organisation.Kind.PROBATION),
    ("HMP Long Lartin", Organisation.Kind.PRISON),
    ("Victim Support West Mercia", Organisation.Kind.CHARITY),
    ("West Mercia Police Federation", Organisation.Kind.STAFF_ASSOCIATION),
    ("Unison West Mercia Police Branch", Organisation.Kind.STAFF_ASSOCIATION),
]

# username, first name, last name, organisation, role fields
USERS = [
    ("admin", "Alex", "Admin", "Office of the Police and Crime Commissioner", ["is_administrator"]),
    ("officer", "Olivia", "Owen", "Office of the Police and Crime Commissioner", ["is_partnership_officer"]),
    ("liaison", "Liam", "Lewis", "Probation Service – West Mercia", ["is_probation_liaison"]),
    ("liaison2", "Layla", "Lowe", "HMP Long Lartin", ["is_probation_liaison"]),
    ("board", "Bella", "Baker", "Office of the Police and Crime Commissioner", ["is_board_member"]),
    ("dpo", "Dana", "Price", "Office of the Police and Crime Commissioner", ["is_data_protection_officer"]),
]

OUTCOME_TYPES = [
    "Commitment to challenge abusive behaviour",
    "Campaign message shared",
    "Reporting protocol adopted",
    "Behaviour change observed",
    "Further engagement agreed",
    "Partnership strengthened",
]


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    for name in AREAS:
        Area.objects.get_or_create(name=name)
    for name, kind in ORGANISATIONS:
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    for order, name in enumerate(OUTCOME_TYPES):
        OutcomeType.objects.get_or_create(name=name, defaults={"order": order})
    organisations = {o.name: o for o in Organisation.objects.all()}
    for username, first, last, organisation, roles in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "organisation": organisations[organisation],
                **dict.fromkeys(roles, True),
            },
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
    log(f"core: {len(AREAS)} areas, {len(ORGANISATIONS)} organisations, {len(USERS)} users")
