"""The weekly digest for partnership officers: what each strand has for them this
week, as counts and record numbers with links (never a name or a note).

The strands contribute sections (`register()`, from their apps' ready()), since this
app sits below them. A section answers for every officer at once, in a bounded number
of queries however many officers there are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tracker.core.models import User

from .models import Kind
from .services import notify_each


@dataclass(frozen=True)
class Entry:
    """One record in a digest section: its number and where it is."""

    reference: str
    path: str


@dataclass(frozen=True)
class Section:
    title: str  # "Follow-up actions overdue"
    # The officers (all at once) and the digest's Monday → each officer's entries.
    entries: Callable[[Sequence[User], date], dict[int, list[Entry]]]
    order: int = 50


_sections: dict[str, Section] = {}
SHOWN = 10  # entries listed in each section; the rest are counted


def register(section: Section) -> None:
    _sections[section.title] = section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.title))


def officers() -> list[User]:
    return list(User.objects.filter(is_active=True, is_partnership_officer=True).exclude(email="").order_by("id"))


def key_for(user_id: int, monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"digest:{user_id}:{year}-W{week:02d}"


def lines_for(title: str, entries: list[Entry]) -> list[str]:
    lines = [f"{title}: {len(entries)}"]
    lines += [f"- {e.reference}: {settings.SITE_URL}{e.path}" for e in entries[:SHOWN]]
    if len(entries) > SHOWN:
        lines.append(f"- and {len(entries) - SHOWN} more")
    return lines


def send_digests(slot: datetime) -> str:
    """Queue this week's digest for each partnership officer with something in it;
    once a week each, however often the duty runs."""
    today = timezone.localdate(slot) if timezone.is_aware(slot) else slot.date()
    monday = today - timedelta(days=today.weekday())
    people = officers()
    by_section = [(section.title, section.entries(people, monday)) for section in sections()]
    emails: dict[int, tuple[str, str, str, str]] = {}
    for person in people:
        lines: list[str] = []
        for title, found in by_section:
            entries = found.get(person.pk, [])
            if entries:
                lines += [*lines_for(title, entries), ""]
        if lines:
            reference = f"Week of {monday.day} {monday:%B %Y}"
            emails[person.pk] = (reference, reverse("my-work"), key_for(person.pk, monday), "\n".join(lines).strip())
    queued = notify_each(Kind.WEEKLY_DIGEST, emails)
    return f"Queued {queued} weekly digest(s)."
