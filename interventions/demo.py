"""Demo data for the offender behaviour strand: programmes, reason codes, about 150
people and 250 referrals in every state, split between the probation service and
the prison, with sessions, concerns, outcome summaries and follow-ups (some due).

Fictional names; deterministic (each record's randomness is seeded by its number);
idempotent (records already there are not made again, so a second run adds nothing
and a larger `scale` only adds the difference). Written in bulk, with history rows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from tracker.core.history import set_history_user
from tracker.core.models import Area, Organisation, Outcome, OutcomeType, User

from .models import FollowUp, Offender, Programme, ReasonCode, Referral, ReferralTransition, Session, Status
from .querysets import offender_book
from .services import FOLLOW_UP_AFTER_MONTHS, months_later

PROBATION = "Probation Service – West Mercia"
PRISON = "HMP Long Lartin"

OUTCOME_TYPES = [
    "Understands the harm caused to the victim",
    "Uses strategies to manage anger",
    "Reduced alcohol use",
    "Accepts responsibility for the offence",
    "Improved attitude to the police",
    "Engaged with further support",
]

# name, provider, setting, planned sessions, desired outcomes (indexes into OUTCOME_TYPES)
PROGRAMMES = [
    ("Victim awareness course", PROBATION, "community", 6, [0, 3]),
    ("Restorative justice conference", PROBATION, "community", 3, [0, 4]),
    ("Anger management (community)", PROBATION, "community", 10, [1, 3]),
    ("Alcohol-related violence programme", PROBATION, "community", 8, [2, 1]),
    ("Thinking skills programme", PROBATION, "community", 12, [3, 5]),
    ("Victim awareness in custody", PRISON, "custody", 6, [0, 3]),
    ("Anger management (custody)", PRISON, "custody", 10, [1, 4]),
    ("Respect for emergency workers workshop", PRISON, "custody", 4, [4, 0]),
]

REASONS = [
    ("Did not engage", "person"),
    ("Moved out of the area", "person"),
    ("Health reasons", "person"),
    ("Programme not available", "provider"),
    ("No place on the programme within the sentence", "provider"),
    ("Sentence ended", "legal"),
    ("Recalled to custody", "legal"),
    ("Breach of licence", "legal"),
    ("Other reason", "other"),
]

FIRST = [
    "Aaron",
    "Bethan",
    "Callum",
    "Dean",
    "Ellis",
    "Fern",
    "Gareth",
    "Holly",
    "Ian",
    "Jodie",
    "Kyle",
    "Leah",
    "Mason",
    "Nia",
    "Owen",
    "Paige",
    "Reece",
    "Shannon",
    "Tyler",
    "Vicky",
    "Wayne",
    "Zoe",
]
LAST = [
    "Ashdown",
    "Brereton",
    "Coldwell",
    "Dunmore",
    "Eastlake",
    "Fairbrook",
    "Greyfield",
    "Hollins",
    "Ivesley",
    "Kettleby",
    "Longmire",
    "Marsden",
    "Northcott",
    "Oakridge",
    "Pendle",
    "Quarrington",
    "Rowsley",
    "Stanwell",
    "Thornbury",
    "Upwood",
    "Westerby",
    "Yarrow",
]

STATES = [
    (Status.DRAFT, 5),
    (Status.SUBMITTED, 12),
    (Status.ACCEPTED, 10),
    (Status.DECLINED, 8),
    (Status.STARTED, 20),
    (Status.COMPLETED, 25),
    (Status.NOT_COMPLETED, 10),
    (Status.WITHDRAWN, 10),
]
WORKED = {Status.ACCEPTED, Status.STARTED, Status.COMPLETED, Status.NOT_COMPLETED}
ENDED = {Status.DECLINED, Status.COMPLETED, Status.NOT_COMPLETED, Status.WITHDRAWN}
CONCERNS = ["Hostile towards the facilitator", "Said he would 'get' the arresting officer", "Arrived intoxicated"]


DESCRIPTION = "a behaviour-change programme for people who assaulted emergency workers."


def _reference(n: int) -> str:
    return f"DEMO{n:05d}"


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=[PROBATION, PRISON])}
    if len(organisations) < 2:
        log("interventions: the core demo organisations are missing; nothing created")
        return
    types = [
        OutcomeType.objects.get_or_create(name=name, defaults={"order": 20 + i})[0]
        for i, name in enumerate(OUTCOME_TYPES)
    ]
    referrals = ContentType.objects.get_for_model(Referral)
    for outcome_type in types:  # a programme's outcomes: offered on referrals only
        outcome_type.applies_to.add(referrals)
    for order, (name, group) in enumerate(REASONS):
        ReasonCode.objects.get_or_create(name=name, defaults={"group": group, "order": order})
    for order, (name, provider, setting, planned, wanted) in enumerate(PROGRAMMES):
        programme, created = Programme.objects.get_or_create(
            name=name,
            defaults={
                "provider": organisations[provider],
                "setting": setting,
                "planned_sessions": planned,
                "order": order,
                "description": f"{name}: {DESCRIPTION}",
            },
        )
        if created:
            programme.desired_outcomes.set([types[i] for i in wanted])
    users = {u.username: u for u in User.objects.filter(username__in=["officer", "liaison", "liaison2", "admin"])}
    if "officer" not in users:
        raise RuntimeError("Seed the demo users before the people.")
    people = _seed_offenders(150 * scale, users)
    made = _seed_referrals(250 * scale, people, organisations, users)
    log(f"interventions: {len(PROGRAMMES)} programmes, {len(people)} people, {made} new referrals")
    due = _seed_reviews_due(organisations, users)
    log(f"interventions: {due} people whose retention review is due")


def _parties(n: int, users: dict[str, User]) -> tuple[str, str, User, random.Random]:
    """Referral n's handling organisation, status and referrer, and the generator
    that draws the rest of its story. Person n is first referred by referral n, so
    the person is recorded in that referrer's book, as a real referrer would add them."""
    rng = random.Random(f"referral-{n}")
    handler_name = PROBATION if n % 2 else PRISON
    states, weights = zip(*STATES, strict=True)
    status = rng.choices(states, weights)[0]
    own_liaison = users.get("liaison" if handler_name == PROBATION else "liaison2")
    referrer = own_liaison if own_liaison is not None and rng.random() >= 0.5 else users["officer"]
    return handler_name, status, referrer, rng


def _seed_offenders(count: int, users: dict[str, User]) -> list[Offender]:
    existing = set(Offender.objects.filter(case_reference__startswith="DEMO").values_list("case_reference", flat=True))
    new = []
    for n in range(1, count + 1):
        if _reference(n) in existing:
            continue
        creator = _parties(n, users)[2]
        organisation_id, kept_by_id = offender_book(creator)
        rng = random.Random(f"offender-{n}")
        person = Offender(
            case_reference=_reference(n),
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            date_of_birth=date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 38)),
            created_by=creator,
            holding_organisation_id=organisation_id,
            kept_by_id=kept_by_id,
        )
        set_history_user(person, creator)
        new.append(person)
    if new:
        bulk_create_with_history(new, Offender)
    return list(Offender.objects.filter(case_reference__startswith="DEMO").order_by("case_reference")[:count])


def _path(status: str) -> list[str]:
    """The statuses a referral passed through to reach `status`."""
    if status == Status.DRAFT:
        return [Status.DRAFT]
    if status in {Status.SUBMITTED, Status.DECLINED}:
        return [Status.DRAFT, Status.SUBMITTED] + ([status] if status == Status.DECLINED else [])
    if status == Status.WITHDRAWN:
        return [Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN]
    tail: list[str] = [] if status == Status.ACCEPTED else [Status.STARTED]
    if status not in {Status.ACCEPTED, Status.STARTED}:
        tail.append(status)
    return [Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, *tail]


def _seed_referrals(
    count: int, people: list[Offender], organisations: dict[str, Organisation], users: dict[str, User]
) -> int:
    demo_referrals = Referral.objects.filter(offender__case_reference__startswith="DEMO")
    already = demo_referrals.count()
    if already >= count:
        return 0
    liaisons = {PROBATION: users.get("liaison"), PRISON: users.get("liaison2")}
    programmes = {
        name: list(Programme.objects.filter(provider__name=name).prefetch_related("desired_outcomes"))
        for name in (PROBATION, PRISON)
    }
    reasons = list(ReasonCode.objects.all())
    area_list = list(Area.objects.all())
    now = timezone.now()
    plans: list[tuple[Referral, list[tuple[str, datetime]], random.Random]] = []
    for n in range(already + 1, count + 1):
        handler_name, status, referrer, rng = _parties(n, users)
        handler = organisations[handler_name]
        created = now - timedelta(days=rng.randrange(20, 900), hours=rng.randrange(9, 17))
        moments, when = [], created
        for step in _path(status):
            moments.append((step, when))
            when = min(when + timedelta(days=rng.randrange(2, 40)), now - timedelta(hours=1))
        stamps = {s: t for s, t in moments}
        programme = rng.choice(programmes[handler_name])
        referral = Referral(
            offender=people[(n - 1) % len(people)],
            programme=programme,
            offence_date=timezone.localdate(created) - timedelta(days=rng.randrange(20, 200)),
            area=rng.choice(area_list),
            victim_role=rng.choices(Referral.VictimRole.values, [87, 4, 4, 3, 2])[0],
            injury=rng.random() < 0.3,
            charged_under_act=rng.random() < 0.75,
            referring_organisation_id=referrer.organisation_id,
            referred_by=referrer,
            handling_organisation=handler,
            assigned_liaison=liaisons[handler_name] if status in WORKED and rng.random() < 0.7 else None,
            priority=rng.choices(Referral.Priority.values, [80, 15, 5])[0],
            notes="Referred after a conviction for assaulting an emergency worker.",
            status=status,
            submitted_at=stamps.get(Status.SUBMITTED),
            accepted_at=stamps.get(Status.ACCEPTED),
            started_at=stamps.get(Status.STARTED),
            ended_at=moments[-1][1] if status in ENDED else None,
        )
        plans.append((referral, moments, rng))
    created_rows = bulk_create_with_history([p[0] for p in plans], Referral, default_user=users["officer"])
    # created_at is auto_now_add: set the story's dates afterwards in one pass.
    saved = list(demo_referrals.order_by("id"))[already:]
    for (plan, moments, _rng), row in zip(plans, saved, strict=True):
        row.created_at = moments[0][1]
        plan.pk = row.pk
    Referral.objects.bulk_update(saved, ["created_at"])
    transitions, sessions, follow_ups, outcomes = [], [], [], []
    referral_type = ContentType.objects.get_for_model(Referral)
    for referral, moments, rng in plans:
        worker = (
            liaisons[PROBATION if referral.handling_organisation_id == organisations[PROBATION].pk else PRISON]
            or users["admin"]
        )
        for (before, _), (after, at) in zip(moments, moments[1:], strict=False):
            actor = referral.referred_by if after in {Status.SUBMITTED, Status.WITHDRAWN} else worker
            needs_reason = after in {Status.DECLINED, Status.WITHDRAWN, Status.NOT_COMPLETED}
            transitions.append(
                ReferralTransition(
                    referral=referral,
                    from_status=before,
                    to_status=after,
                    by=actor,
                    at=at,
                    reason=rng.choice(reasons) if needs_reason else None,
                )
            )
        if referral.started_at:
            planned = referral.programme.planned_sessions
            held = planned if referral.status == Status.COMPLETED else rng.randrange(1, planned + 1)
            for i in range(held):
                day = timezone.localdate(referral.started_at) + timedelta(days=7 * i)
                if day > timezone.localdate(now):
                    break
                attendance = rng.choices(Session.Attendance.values, [75, 10, 15])[0]
                concern = rng.random() < 0.06
                acknowledged = concern and rng.random() < 0.5
                sessions.append(
                    Session(
                        referral=referral,
                        scheduled_on=day,
                        happened=True,
                        attendance=attendance,
                        absence=rng.choice(Session.Absence.values) if attendance == "did_not_attend" else "",
                        behaviour=None if attendance == "did_not_attend" else rng.randrange(2, 6),
                        concern=concern,
                        concern_note=rng.choice(CONCERNS) if concern else "",
                        concern_acknowledged_at=now if acknowledged else None,
                        concern_acknowledged_by=referral.referred_by if acknowledged else None,
                        recorded_by=worker,
                    )
                )
        if referral.status in {Status.COMPLETED, Status.NOT_COMPLETED} and referral.ended_at:
            due = months_later(timezone.localdate(referral.ended_at), FOLLOW_UP_AFTER_MONTHS)
            answered = due < timezone.localdate(now) and rng.random() < 0.6
            follow_ups.append(
                FollowUp(
                    referral=referral,
                    due=due,
                    result=rng.choices(FollowUp.Result.values, [10, 75, 15])[0] if answered else "",
                    recorded_at=now if answered else None,
                    recorded_by=referral.referred_by if answered else None,
                )
            )
        if referral.status == Status.COMPLETED and referral.ended_at:
            for outcome_type in referral.programme.desired_outcomes.all():
                outcomes.append(
                    Outcome(
                        content_type=referral_type,
                        object_id=referral.pk,
                        date=timezone.localdate(referral.ended_at),
                        outcome_type=outcome_type,
                        rating=rng.choices(Outcome.Rating.values, [55, 30, 15])[0],
                        description="End-of-intervention summary.",
                        recorded_by=worker,
                    )
                )
    ReferralTransition.objects.bulk_create(transitions)
    for model, rows in ((Session, sessions), (FollowUp, follow_ups), (Outcome, outcomes)):
        if rows:
            bulk_create_with_history(rows, model, default_user=users["officer"])
    return len(created_rows)


# People whose last referral closed more than RETENTION_REVIEW_YEARS (6) ago, so the
# data protection officer's review queue has work: (first, last, years and days since
# it closed, final status). Their references are not DEMO ones, so the counts above
# stay as they are; their referrals fall in quarters years before the others'.
REVIEWS_DUE = [
    ("Colin", "Ashby", 6, 40, Status.WITHDRAWN),
    ("Denise", "Fairweather", 6, 200, Status.DECLINED),
    ("Gordon", "Hatherley", 7, 90, Status.WITHDRAWN),
    ("Maureen", "Selsby", 8, 10, Status.DECLINED),
]


def _seed_reviews_due(organisations: dict[str, Organisation], users: dict[str, User]) -> int:
    liaison = users.get("liaison") or users["admin"]
    existing = set(Offender.objects.filter(case_reference__startswith="ARCH").values_list("case_reference", flat=True))
    now = timezone.now()
    area = Area.objects.order_by("name").first()
    programme = Programme.objects.filter(provider=organisations[PROBATION]).order_by("order", "name").first()
    reason = ReasonCode.objects.order_by("order", "name").first()
    people, plans = [], []
    for n, (first, last, years, days, status) in enumerate(REVIEWS_DUE, start=1):
        reference = f"ARCH{n:05d}"
        if reference in existing or area is None or programme is None:
            continue
        organisation_id, kept_by_id = offender_book(liaison)
        person = Offender(
            case_reference=reference,
            first_name=first,
            last_name=last,
            date_of_birth=date(1970 + n, n, 10 + n),
            created_by=liaison,
            holding_organisation_id=organisation_id,
            kept_by_id=kept_by_id,
        )
        set_history_user(person, liaison)
        people.append(person)
        ended = now - timedelta(days=365 * years + days)
        plans.append((reference, status, ended - timedelta(days=30), ended))
    if not people:
        return 0
    bulk_create_with_history(people, Offender)
    saved = {p.case_reference: p for p in Offender.objects.filter(case_reference__in=[p[0] for p in plans])}
    referrals = []
    for reference, status, created, ended in plans:
        referrals.append(
            Referral(
                offender=saved[reference],
                programme=programme,
                offence_date=timezone.localdate(created) - timedelta(days=60),
                area=area,
                victim_role=Referral.VictimRole.POLICE_OFFICER,
                referring_organisation_id=liaison.organisation_id,
                referred_by=liaison,
                handling_organisation=organisations[PROBATION],
                notes="Referred after a conviction for assaulting an emergency worker.",
                status=status,
                submitted_at=created + timedelta(days=1),
                ended_at=ended,
            )
        )
    bulk_create_with_history(referrals, Referral, default_user=liaison)
    rows = list(Referral.objects.filter(offender__case_reference__in=saved).order_by("id"))
    transitions = []
    for row, (_reference, status, created, ended) in zip(rows, plans, strict=True):
        row.created_at = created
        transitions += [
            ReferralTransition(referral=row, from_status=Status.DRAFT, to_status=Status.SUBMITTED, by=liaison,
                               at=created + timedelta(days=1)),
            ReferralTransition(referral=row, from_status=Status.SUBMITTED, to_status=status, by=liaison, at=ended,
                               reason=reason),
        ]  # fmt: skip
    Referral.objects.bulk_update(rows, ["created_at"])
    ReferralTransition.objects.bulk_create(transitions)
    return len(people)
