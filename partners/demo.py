"""Demo data for the partnership strand: fictional groups, venues, partnerships in
every state and two years of engagements. Built with bulk inserts (history rows
included) so `seed_demo --scale 10` stays quick; skipped when the strand has data."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from partners.models import (
    CampaignMaterial,
    CommitmentType,
    CommunityGroup,
    EndReason,
    Engagement,
    EngagementKind,
    EngagementMaterial,
    FollowUpAction,
    GroupContact,
    Partnership,
    PartnershipCommitment,
    PartnershipTransition,
    Venue,
)
from partners.services import default_review_date
from tracker.core import demo as core_demo
from tracker.core.models import Area, Outcome, OutcomeType, User
from tracker.core.outcomes import outcome_types_for

ENGAGEMENT_KINDS = [
    "Meeting",
    "Presentation",
    "Workshop",
    "Community event",
    "Venue visit",
    "Social media",
    "Other",
]
MATERIALS = ["Custody poster", "Leaflet", "Public leaflet", "Public poster 1", "Public poster 2", "Public poster 3"]
# name, asks for a staff training date
COMMITMENTS = [
    ("Campaign posters displayed", False),
    ("Staff briefed on the campaign", False),
    ("Incident-reporting protocol agreed", False),
    ("Door staff wear body-worn video", False),
    ("Pubwatch member (membership only, never bans)", False),
    ('Welfare scheme / "Ask for Angela"', True),
]
END_REASONS = [
    "Venue closed",
    "Change of management",
    "Commitments not kept",
    "Venue declined to continue",
    "No contact after repeated visits",
    "Other",
]

# Postcode districts per area, for plausible (fictional) addresses.
POSTCODES = {
    "Herefordshire": ["HR1", "HR2", "HR4", "HR6", "HR8", "HR9"],
    "Shropshire": ["SY1", "SY2", "SY3", "SY8", "SY11", "TF9"],
    "Telford & Wrekin": ["TF1", "TF2", "TF3", "TF4", "TF7", "TF10"],
    "North Worcestershire": ["B60", "B61", "B97", "B98", "DY10", "DY11"],
    "South Worcestershire": ["WR1", "WR2", "WR5", "WR9", "WR11", "WR14"],
}
TOWNS = {
    "Herefordshire": ["Hereford", "Leominster", "Ross-on-Wye", "Ledbury", "Kington"],
    "Shropshire": ["Shrewsbury", "Oswestry", "Ludlow", "Bridgnorth", "Market Drayton"],
    "Telford & Wrekin": ["Telford", "Wellington", "Newport", "Madeley", "Oakengates"],
    "North Worcestershire": ["Redditch", "Bromsgrove", "Kidderminster", "Stourport", "Bewdley"],
    "South Worcestershire": ["Worcester", "Malvern", "Evesham", "Pershore", "Droitwich"],
}
GROUP_WORDS = {
    CommunityGroup.Kind.FAITH: ["Community Church", "Mosque Committee", "Gurdwara Sangat", "Interfaith Forum"],
    CommunityGroup.Kind.RESIDENTS: ["Residents' Association", "Neighbourhood Watch", "Tenants' Forum"],
    CommunityGroup.Kind.YOUTH: ["Youth Club", "Young People's Forum", "Scouts"],
    CommunityGroup.Kind.BUSINESS: ["Business Improvement District", "Traders' Association", "Chamber of Trade"],
    CommunityGroup.Kind.SPORTS: ["Rugby Club", "Boxing Club", "Football Supporters' Trust"],
    CommunityGroup.Kind.SCHOOL: ["Academy Parents' Group", "High School", "Sixth Form College"],
    CommunityGroup.Kind.OTHER: ["Community Safety Partnership", "Street Pastors", "Men's Shed"],
}
VENUE_FIRST = ["Red", "Black", "Golden", "Royal", "Old", "White", "Silver", "Crown", "Green", "Blue"]
VENUE_SECOND = ["Lion", "Swan", "Hart", "Anchor", "Bell", "Oak", "Plough", "Fox", "Star", "Barrel", "Falcon", "Mitre"]
VENUE_KIND_NAMES = {
    Venue.Kind.PUB: "The {a} {b}",
    Venue.Kind.BAR: "{b} Bar",
    Venue.Kind.NIGHTCLUB: "Club {b}",
    Venue.Kind.TAKEAWAY: "{a} {b} Kebabs",
    Venue.Kind.HOTEL_BAR: "{a} {b} Hotel Bar",
    Venue.Kind.OTHER: "{b} Social Club",
}
FIRST_NAMES = ["Amira", "Ben", "Chloe", "Dev", "Ellie", "Faisal", "Grace", "Harry", "Isla", "Jas", "Kofi", "Lucy"]
LAST_NAMES = ["Ashdown", "Brook", "Carver", "Dale", "Eastwood", "Fenn", "Gale", "Hollis", "Ince", "Jory", "Kemp"]
SUMMARIES = [
    "Talked through the campaign and the new sentencing for assaults on emergency workers.",
    "Shared the campaign video; members agreed to pass the message on.",
    "Discussed late-night flashpoints and how staff can report incidents quickly.",
    "Q&A with a neighbourhood officer about the realities of being assaulted on duty.",
    "Visited the venue with the licensing officer; checked posters and the reporting protocol.",
    "Social media push with the group's channels; good reach among young adults.",
]


GroupLink = Engagement.groups.through
VenueLink = Engagement.venues.through


def _managed_lists() -> None:
    for order, name in enumerate(ENGAGEMENT_KINDS):
        EngagementKind.objects.get_or_create(name=name, defaults={"order": order})
    for order, name in enumerate(MATERIALS):
        CampaignMaterial.objects.get_or_create(name=name, defaults={"order": order})
    for order, (name, training) in enumerate(COMMITMENTS):
        CommitmentType.objects.get_or_create(name=name, defaults={"order": order, "needs_training_date": training})
    for order, name in enumerate(END_REASONS):
        EndReason.objects.get_or_create(name=name, defaults={"order": order})


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _outcome_types() -> None:
    """The core demo's outcome types are the partnership work's: recorded on
    engagements and partnerships, not offered on referrals."""
    kinds = [ContentType.objects.get_for_model(model) for model in (Engagement, Partnership)]
    for outcome_type in OutcomeType.objects.filter(name__in=core_demo.OUTCOME_TYPES):
        outcome_type.applies_to.add(*kinds)


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    _managed_lists()
    _outcome_types()
    if CommunityGroup.objects.exists() or Venue.objects.exists():
        log("partners: demo records already present, nothing added")
        return
    officers = list(User.objects.filter(Q(is_partnership_officer=True) | Q(is_administrator=True)).order_by("pk"))
    areas = list(Area.objects.order_by("name"))
    if not officers or not areas:
        log("partners: no areas or officers yet, nothing added")
        return
    rng = random.Random(3)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    lead = next((u for u in officers if u.username == "officer"), officers[0])

    groups = _groups(rng, areas, scale, lead)
    venues = _venues(rng, areas, scale, lead)
    _partnerships(rng, venues, officers, lead, today)
    engagements = _engagements(rng, groups, venues, officers, lead, today, scale)
    counts = {
        "groups": len(groups),
        "venues": len(venues),
        "partnerships": Partnership.objects.count(),
        "engagements": len(engagements),
        "follow-ups": FollowUpAction.objects.count(),
    }
    log("partners: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


def _groups(rng: random.Random, areas: list[Area], scale: int, by: User) -> list[CommunityGroup]:
    objs: list[CommunityGroup] = []
    seen: set[str] = set()
    kinds = list(GROUP_WORDS)
    for n in range(40 * scale):
        area = areas[n % len(areas)]
        kind = kinds[n % len(kinds)]
        name = f"{rng.choice(TOWNS[area.name])} {rng.choice(GROUP_WORDS[kind])}"
        while name in seen:
            name = f"{name.rsplit(' (', 1)[0]} ({len(seen)})"
        seen.add(name)
        objs.append(CommunityGroup(name=name, kind=kind, area=area, active=rng.random() > 0.1))
    groups: list[CommunityGroup] = bulk_create_with_history(objs, CommunityGroup, batch_size=500, default_user=by)
    contacts = []
    for group in groups:
        for _ in range(rng.randint(1, 2)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contacts.append(
                GroupContact(
                    group=group,
                    name=f"{first} {last}",
                    role=rng.choice(["Chair", "Secretary", "Coordinator", "Youth leader", "Manager"]),
                    email=f"{first.lower()}.{last.lower()}@example.org",
                    phone=f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                )
            )
    bulk_create_with_history(contacts, GroupContact, batch_size=500, default_user=by)
    return groups


def _venues(rng: random.Random, areas: list[Area], scale: int, by: User) -> list[Venue]:
    objs = []
    kinds = [Venue.Kind.PUB] * 4 + [Venue.Kind.BAR] * 3 + [Venue.Kind.NIGHTCLUB] * 2 + list(Venue.Kind)
    for n in range(120 * scale):
        area = areas[n % len(areas)]
        kind = rng.choice(kinds)
        town = rng.choice(TOWNS[area.name])
        name = VENUE_KIND_NAMES[kind].format(a=rng.choice(VENUE_FIRST), b=rng.choice(VENUE_SECOND))
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        district = rng.choice(POSTCODES.get(area.name, ["WR1"]))
        postcode = f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        closing = rng.choice([23, 0, 1, 2, 3, 4]) if kind != Venue.Kind.PUB else rng.choice([23, 0, 1])
        objs.append(
            Venue(
                licence_number=f"PL/{area.name[:3].upper()}/{n + 1:05d}",
                name=name,
                address=f"{rng.randint(1, 120)} {rng.choice(['High Street', 'Broad Street', 'Market Place', 'Bridge Street', 'Church Street'])}\n{town}",  # noqa: E501
                postcode=postcode,
                area=area,
                kind=kind,
                latest_licensed_hour=time(closing, 0),
                operator=rng.choice(["", "Marston Taverns Ltd", "Severn Leisure Ltd", "Independent"]),
            )
        )
    venues: list[Venue] = bulk_create_with_history(objs, Venue, batch_size=500, default_user=by)
    return venues


# How far along each demo partnership got; every status is represented.
PATHS = {
    Partnership.Status.PROSPECT: ["prospect"],
    Partnership.Status.ENGAGED: ["prospect", "engaged"],
    Partnership.Status.SIGNED_UP: ["prospect", "engaged", "signed_up"],
    Partnership.Status.ACTIVE: ["prospect", "engaged", "signed_up", "active"],
    Partnership.Status.LAPSED: ["prospect", "engaged", "signed_up", "active", "lapsed"],
    Partnership.Status.WITHDRAWN: ["prospect", "engaged", "withdrawn"],
}


def _partnerships(rng: random.Random, venues: list[Venue], officers: list[User], lead: User, today: date) -> None:
    statuses = list(PATHS)
    reasons = list(EndReason.objects.all())
    commitment_types = list(CommitmentType.objects.all())
    objs: list[Partnership] = []
    paths: list[list[tuple[str, date]]] = []
    for n, venue in enumerate(venues[: int(len(venues) * 0.6)]):
        status = statuses[n % len(statuses)]
        started = today - timedelta(days=rng.randint(60, 700))
        steps, day = [], started
        for step in PATHS[status]:
            steps.append((step, day))
            day = min(today, day + timedelta(days=rng.randint(7, 60)))
        signed = next((d for s, d in steps if s == "signed_up"), None)
        ended = steps[-1][1] if status in Partnership.CLOSED else None
        review = default_review_date(signed) if signed else None
        # A few reviews due soon for the demo officer, so My work has something to show.
        if signed and status in ("signed_up", "active") and n % 4 == 0:
            review = today + timedelta(days=rng.randint(-20, 25))
        objs.append(
            Partnership(
                venue=venue,
                status=status,
                started_on=started,
                signed_up_on=signed,
                next_review_on=review,
                ended_on=ended,
                end_reason=rng.choice(reasons) if ended else None,
                lead_officer=lead if n % 3 == 0 else rng.choice(officers),
            )
        )
        paths.append(steps)
    partnerships = bulk_create_with_history(objs, Partnership, batch_size=500, default_user=lead)
    transitions, commitments = [], []
    for partnership, steps in zip(partnerships, paths, strict=True):
        previous = ""
        for step, day in steps:
            transitions.append(
                PartnershipTransition(
                    partnership=partnership,
                    from_status=previous,
                    to_status=step,
                    on=day,
                    by=partnership.lead_officer,
                    reason=partnership.end_reason if step in Partnership.CLOSED else None,
                )
            )
            previous = step
        if partnership.signed_up_on:
            for kind in rng.sample(commitment_types, rng.randint(2, len(commitment_types))):
                confirmed = partnership.signed_up_on + timedelta(days=rng.randint(0, 30))
                commitments.append(
                    PartnershipCommitment(
                        partnership=partnership,
                        commitment_type=kind,
                        confirmed_on=min(confirmed, today),
                        evidence="Seen on the visit.",
                        staff_training_date=min(confirmed, today) if kind.needs_training_date else None,
                    )
                )
    PartnershipTransition.objects.bulk_create(transitions, batch_size=1000)
    bulk_create_with_history(commitments, PartnershipCommitment, batch_size=500, default_user=lead)
    _outcomes(rng, partnerships[::5], lead, lambda p: p.signed_up_on or p.started_on)


def _engagements(
    rng: random.Random,
    groups: list[CommunityGroup],
    venues: list[Venue],
    officers: list[User],
    lead: User,
    today: date,
    scale: int,
) -> list[Engagement]:
    kinds = {k.name: k for k in EngagementKind.objects.all()}
    visit = kinds["Venue visit"]
    others = [k for name, k in kinds.items() if name != "Venue visit"]
    objs: list[Engagement] = []
    links: list[tuple[list[CommunityGroup], list[Venue]]] = []
    total = 300 * scale
    by_area: dict[int, list[CommunityGroup]] = {}
    for group in groups:
        by_area.setdefault(group.area_id, []).append(group)
    for n in range(total):
        # The last few fall in the current week, led by the demo officer, for My work.
        if n < 4:
            day = today - timedelta(days=today.weekday()) + timedelta(days=n + 1)
            officer = lead
        else:
            day = today - timedelta(days=rng.randint(1, 730))
            officer = lead if n % 3 == 0 else rng.choice(officers)
        if n % 3 == 0:
            linked_venues = [rng.choice(venues)]
            linked_groups: list[CommunityGroup] = []
            kind, area = visit, linked_venues[0].area
        else:
            pool = by_area[rng.choice(list(by_area))]
            linked_groups = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
            linked_venues = []
            kind, area = rng.choice(others), linked_groups[0].area
        objs.append(
            Engagement(
                starts_at=_aware(day, rng.choice([10, 13, 18, 19, 21, 23])),
                kind=kind,
                lead_officer=officer,
                area=area,
                attendance=rng.randint(3, 120) if linked_groups else rng.randint(2, 8),
                summary=rng.choice(SUMMARIES),
            )
        )
        links.append((linked_groups, linked_venues))
    engagements: list[Engagement] = bulk_create_with_history(objs, Engagement, batch_size=500, default_user=lead)
    group_links, venue_links, lines, follow_ups = [], [], [], []
    materials = list(CampaignMaterial.objects.all())
    for n, (engagement, (linked_groups, linked_venues)) in enumerate(zip(engagements, links, strict=True)):
        group_links += [GroupLink(engagement_id=engagement.pk, communitygroup_id=g.pk) for g in linked_groups]
        venue_links += [VenueLink(engagement_id=engagement.pk, venue_id=v.pk) for v in linked_venues]
        if rng.random() < 0.7:
            for material in rng.sample(materials, rng.randint(1, 3)):
                lines.append(EngagementMaterial(engagement=engagement, material=material, quantity=rng.randint(5, 200)))
        if rng.random() < 0.35 or n < 12:
            day = timezone.localtime(engagement.starts_at).date()
            due = day + timedelta(days=rng.randint(7, 28))
            if n < 12:  # some for the demo officer due soon or overdue
                due = today + timedelta(days=rng.randint(-10, 6))
            done = None if due >= today - timedelta(days=14) or rng.random() < 0.1 else due - timedelta(days=2)
            follow_ups.append(
                FollowUpAction(
                    engagement=engagement,
                    description=rng.choice(
                        [
                            "Send more posters",
                            "Arrange a talk for members",
                            "Share reporting protocol",
                            "Check posters are displayed",
                        ]
                    ),
                    owner=lead if n < 12 else engagement.lead_officer,
                    due_on=due,
                    done_on=done,
                )
            )
    GroupLink.objects.bulk_create(group_links, batch_size=1000)
    VenueLink.objects.bulk_create(venue_links, batch_size=1000)
    bulk_create_with_history(lines, EngagementMaterial, batch_size=1000, default_user=lead)
    bulk_create_with_history(follow_ups, FollowUpAction, batch_size=1000, default_user=lead)
    past = [e for e in engagements if timezone.localtime(e.starts_at).date() < today]
    _outcomes(rng, past[::2], lead, lambda e: timezone.localtime(e.starts_at).date())
    return engagements


def _outcomes(rng: random.Random, subjects: list[Any], by: User, when: Callable[[Any], date]) -> None:
    if not subjects:
        return
    types = list(outcome_types_for(type(subjects[0])).filter(active=True))
    if not types:
        return
    content_type = ContentType.objects.get_for_model(type(subjects[0]))
    ratings = [Outcome.Rating.ACHIEVED] * 3 + [Outcome.Rating.PARTLY] * 2 + [Outcome.Rating.NOT_ACHIEVED]
    objs = [
        Outcome(
            content_type=content_type,
            object_id=subject.pk,
            date=when(subject),
            outcome_type=rng.choice(types),
            rating=rng.choice(ratings),
            description=rng.choice(
                [
                    "Members agreed to challenge abusive behaviour towards officers.",
                    "Campaign message shared with the group's network.",
                    "Reporting protocol now in use by staff.",
                    "Fewer incidents reported at closing time since the visit.",
                ]
            ),
            measure=Decimal(rng.randint(5, 400)) if rng.random() < 0.5 else None,
            recorded_by=by,
        )
        for subject in subjects
    ]
    bulk_create_with_history(objs, Outcome, batch_size=1000, default_user=by)
