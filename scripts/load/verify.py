"""The Django steps: run as `python -m scripts.load --reference | --counts | --verify
LEDGER` in a subprocess with one run's settings, each printing its result as JSON.

They run apart from the people because the people are the servers' clients and
must see only what a client sees; and because Django is set up once per process
for one database, while one load test goes through several. Nothing here is
imported until `django_setup()` has run.

The verification reads the database directly: every write the server acknowledged
must be stored, by its version in the history, with the values acknowledged; no
race loser's value may be anywhere in the history; and nothing may be half-written."""

import hashlib
import json
import os
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from scripts.load.common import ROOT
from scripts.load.ledger import Ack, Ledger, Reference, Verdict

# Ledger names that differ from the model's field names.
FIELDS = {"referral": "referral_id", "review": "next_review_on"}
CREATED = ("engagement", "session", "offender", "referral")  # the models the people create


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()


def reference_main() -> Reference:
    """Ids the simulated people need, read once from the fresh database."""
    from interventions.models import Programme, ReasonCode
    from partners.models import CommunityGroup, Engagement, EngagementKind, Partnership
    from tracker.core.models import Area, Organisation, User

    probation = Organisation.objects.get(kind=Organisation.Kind.PROBATION, users__username="liaison")
    prison = Organisation.objects.get(kind=Organisation.Kind.PRISON, users__username="liaison2")
    open_partnerships = list(
        Partnership.objects.exclude(status__in=Partnership.CLOSED).order_by("id").values_list("id", flat=True)
    )
    return {
        "officer_id": User.objects.get(username="officer").pk,
        "kinds": list(EngagementKind.objects.filter(active=True).values_list("id", flat=True)),
        "areas": list(Area.objects.values_list("id", flat=True)),
        "groups": list(CommunityGroup.objects.filter(active=True).values_list("id", flat=True)),
        "handlers": [probation.pk, prison.pk],
        "probation_id": probation.pk,
        "programmes": {
            str(p.pk): [t.pk for t in p.desired_outcomes.all()] for p in Programme.objects.filter(active=True)
        },
        "reasons": list(ReasonCode.objects.filter(active=True).values_list("id", flat=True)),
        # The racers keep a few records to themselves, so every change to them is a race.
        "race_engagements": list(Engagement.objects.order_by("id").values_list("id", flat=True)[:3]),
        "race_partnerships": open_partnerships[:2],
        "partnerships": open_partnerships[2:],
    }


def models() -> dict[str, Any]:
    """The models the ledger names. `Any`: their `history` manager is added by
    simple-history at run time, which the type stubs cannot see."""
    from interventions.models import Offender, Referral, Session
    from partners.models import Engagement, Partnership

    return {
        "engagement": Engagement,
        "partnership": Partnership,
        "referral": Referral,
        "session": Session,
        "offender": Offender,
    }


def counts_main() -> dict[str, int]:
    """Rows per model, before and after a run."""
    return {name: model.objects.count() for name, model in models().items()}


def _value(record: Any, name: str) -> Any:
    """A field of a record or history row as the API answers it (dates as ISO text)."""
    value = getattr(record, FIELDS.get(name, name))
    return value.isoformat() if isinstance(value, date) else value


def verify_main(ledger_path: str) -> Verdict:
    """Every acknowledged write is stored as acknowledged; no race loser's value was
    stored; no record is half-written; the counts add up; issued reports are whole."""
    ledger: Ledger = json.loads(Path(ledger_path).read_text())
    failures: list[str] = []
    checked: dict[str, int] = defaultdict(int)
    by_record: dict[tuple[str, int], list[Ack]] = defaultdict(list)
    for ack in ledger["acks"]:
        by_record[(ack["model"], ack["id"])].append(ack)
    _check_acknowledged(by_record, failures, checked)
    _check_races(ledger, failures, checked)
    _check_whole(failures, checked)
    _check_counts(ledger, failures, checked)
    _check_issued_reports(ledger, failures, checked)
    return {"failures": failures, "checked": dict(checked)}


def _check_acknowledged(
    by_record: dict[tuple[str, int], list[Ack]], failures: list[str], checked: dict[str, int]
) -> None:
    """Each acknowledged version is in the record's history with the acknowledged
    values, and the record is at least at its latest acknowledged version."""
    registry = models()
    for (name, pk), acks in by_record.items():
        model = registry[name]
        current = model.objects.filter(pk=pk).first()
        if current is None:
            failures.append(f"acknowledged {name} {pk} is not in the database")
            continue
        history = model.history.filter(id=pk)
        for ack in acks:
            row = history.filter(version=ack["version"]).order_by("history_id").last()
            if row is None:
                failures.append(f"{name} {pk}: no history of the acknowledged version {ack['version']}")
                continue
            for field_name, value in ack["fields"].items():
                if _value(row, field_name) != value:
                    failures.append(f"{name} {pk} v{ack['version']}: {field_name} stored as "
                                    f"{_value(row, field_name)!r}, acknowledged as {value!r}")  # fmt: skip
            checked["acknowledged writes"] += 1
        latest = max(acks, key=lambda a: a["version"])
        if current.version < latest["version"]:
            failures.append(f"{name} {pk} is at version {current.version}, below the acknowledged {latest['version']}")
        checked["records written"] += 1
    # The last acknowledged value of each field is what is stored now, unless a
    # later version exists (a write whose answer was lost in an outage).
    for (name, pk), acks in by_record.items():
        current = registry[name].objects.filter(pk=pk).first()
        if current is None:
            continue
        last_by_field: dict[str, tuple[int, Any]] = {}
        for ack in acks:
            for field_name, value in ack["fields"].items():
                if field_name not in last_by_field or ack["version"] > last_by_field[field_name][0]:
                    last_by_field[field_name] = (ack["version"], value)
        for field_name, (version, value) in last_by_field.items():
            if current.version == max(a["version"] for a in acks) and _value(current, field_name) != value:
                failures.append(f"{name} {pk}: {field_name} is {_value(current, field_name)!r}, "
                                f"the last acknowledged value was {value!r} (v{version})")  # fmt: skip


def _check_races(ledger: Ledger, failures: list[str], checked: dict[str, int]) -> None:
    """No decided race's losing change is anywhere in the record's history (for a
    raced acceptance: the referral was accepted exactly once)."""
    from interventions.models import ReferralTransition
    from partners.models import Engagement, Partnership

    for race in ledger["races"]:
        if race["interrupted"] or "loser_value" not in race:
            continue
        if race["what"] == "engagement":
            stored = Engagement.history.filter(id=race["id"], summary=race["loser_value"]).exists()
        elif race["what"] == "partnership":
            stored = Partnership.history.filter(id=race["id"], next_review_on=race["loser_value"]).exists()
        else:
            accepted = ReferralTransition.objects.filter(referral_id=race["id"], to_status="accepted").count()
            stored = accepted != 1
        if stored:
            failures.append(f"race on {race['what']} {race['id']}: the losing change was stored")
        checked["races decided"] += 1


def _check_whole(failures: list[str], checked: dict[str, int]) -> None:
    """Nothing half-written: every engagement has its creation history, every
    referral's and partnership's status is that of its last transition, and every
    ended referral has its follow-up."""
    from interventions.models import FollowUp, Referral, ReferralTransition
    from partners.models import Engagement, Partnership, PartnershipTransition

    no_history = Engagement.objects.exclude(pk__in=Engagement.history.filter(history_type="+").values("id"))
    for pk in no_history.values_list("pk", flat=True)[:10]:
        failures.append(f"engagement {pk} has no creation history")
    checked["engagements"] = Engagement.objects.count()
    for referral in Referral.objects.prefetch_related("transitions"):
        moves = sorted(referral.transitions.all(), key=lambda t: t.pk)
        expected = moves[-1].to_status if moves else "draft"
        if referral.status != expected:
            failures.append(f"referral {referral.pk} is {referral.status}, its last transition says {expected}")
        checked["referrals"] += 1
    ended = Referral.objects.filter(status__in=["completed", "not_completed"])
    missing = ended.exclude(pk__in=FollowUp.objects.values("referral_id")).count()
    if missing:
        failures.append(f"{missing} ended referrals have no follow-up")
    for partnership in Partnership.objects.prefetch_related("transitions"):
        partnership_moves = sorted(partnership.transitions.all(), key=lambda t: t.pk)
        if partnership_moves and partnership.status != partnership_moves[-1].to_status:
            failures.append(f"partnership {partnership.pk} is {partnership.status}, its last transition says "
                            f"{partnership_moves[-1].to_status}")  # fmt: skip
        checked["partnerships"] += 1
    checked["transition events"] = ReferralTransition.objects.count() + PartnershipTransition.objects.count()


def _check_counts(ledger: Ledger, failures: list[str], checked: dict[str, int]) -> None:
    """Every acknowledged create is a new row; new rows beyond those can only be
    creates whose answer was lost (no answer, or a 5xx)."""
    after = counts_main()
    acked_creates: dict[str, set[int]] = defaultdict(set)
    for ack in ledger["acks"]:
        if ack["model"] in CREATED and ack["version"] == 1:
            acked_creates[ack["model"]].add(ack["id"])
    unknown = ledger["notes"].get("unanswered_creates", {})
    for name in CREATED:
        new = after[name] - ledger["before"][name]
        acked = len(acked_creates[name])
        if not acked <= new <= acked + unknown.get(name, 0):
            failures.append(f"{name}: {new} new rows, {acked} acknowledged creates, "
                            f"{unknown.get(name, 0)} unanswered")  # fmt: skip
        checked[f"new {name} rows"] = new


def _check_issued_reports(ledger: Ledger, failures: list[str], checked: dict[str, int]) -> None:
    """Every issued report's file is whole (size and SHA-256), and the report the
    browser downloaded from the other server is the one stored."""
    from django.conf import settings

    from tracker.reports.models import IssuedReport

    media = Path(settings.MEDIA_ROOT)
    for report in IssuedReport.objects.all():
        path = media / (report.file.name or "")
        if not report.file.name or not path.exists():
            failures.append(f"issued report {report.pk} has no file")
            continue
        content = path.read_bytes()
        if len(content) != report.size or hashlib.sha256(content).hexdigest() != report.sha256:
            failures.append(f"issued report {report.pk}: the file does not match its size and SHA-256")
        checked["issued reports"] += 1
    download = ledger["notes"].get("issued_download")
    if download:
        downloaded = IssuedReport.objects.filter(pk=download["id"]).first()
        if downloaded is None or downloaded.sha256 != download["sha256"]:
            failures.append("the report downloaded from the other server is not the one stored")
