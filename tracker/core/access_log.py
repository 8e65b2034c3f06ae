"""Logging consultation of personal data. Law-enforcement data protection (Data
Protection Act 2018, Part 3) requires a record of who consulted whose data, not only
of changes: every response that shows a person's personal data is logged once,
naming every person it showed.

How a request is logged: `ConsultationLogMiddleware` opens a `Consultation` for each
request; whatever shows people marks them with `consulted()` — a view naming the
record a page is about, a list its rows, a form field its choices as they are
rendered, a serializer each person it writes out, an import check the people it
matched. When the response is ready the middleware writes ONE `AccessLog` row and one
`ConsultedPerson` row per person (two INSERTs, whatever the number of people).
Nothing is written for a refused request (status 400 and above): it showed nobody;
nor for a request that showed no person. Pages mark people only on the way to
rendering them; a redirect is logged only when it follows a check that consulted
people (an import check, whose result the next page shows).

A strand's record says which people it shows through `consulted_person_ids`
(an Offender shows itself, a referral its person); callers may also pass person ids
directly with `people`. Outside a request (a command, a scheduled task), call
`log_access` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest, HttpResponseBase

from tracker.core.client_address import client_address
from tracker.core.middleware import is_api_view
from tracker.core.models import AccessLog, ConsultedPerson, User


def people_shown(records: Iterable[models.Model]) -> set[int]:
    ids: set[int] = set()
    for record in records:
        ids.update(getattr(record, "consulted_person_ids", ()))
    return ids


@dataclass
class Consultation:
    """What one request showed. The first call that gives an action, a way in or the
    record the request is about decides each; every call adds its people."""

    action: str = ""
    way: str = ""
    record: models.Model | None = None
    people: set[int] = field(default_factory=set)

    def add(
        self,
        records: Iterable[models.Model] = (),
        *,
        about: models.Model | None = None,
        action: str = "",
        way: str = "",
        people: Iterable[int] = (),
    ) -> None:
        if about is not None:
            self.record = self.record or about
            self.people |= people_shown([about])
        self.action = self.action or action
        self.way = self.way or way
        self.people |= people_shown(records)
        self.people |= {int(pk) for pk in people if pk is not None}

    @property
    def worth_logging(self) -> bool:
        # A page about a record that shows nobody (a venue's partnership) is not a
        # consultation of personal data.
        return bool(self.people)


_current: ContextVar[Consultation | None] = ContextVar("consultation", default=None)


def consulted(
    records: Iterable[models.Model] = (),
    *,
    about: models.Model | None = None,
    action: str = "",
    way: str = "",
    people: Iterable[int] = (),
) -> None:
    """Mark what the current request shows: `records` (their people), `about` (the one
    record a page is about, and its people), or person ids. `action` and `way` say
    how (the first action given wins; `way` defaults to the API for API views and
    to a web page otherwise). Does nothing outside a request."""
    consultation = _current.get()
    if consultation is not None:
        consultation.add(records, about=about, action=action, way=way, people=people)


@contextmanager
def consultation_scope() -> Iterator[Consultation]:
    """A consultation for the code inside (a request; a test)."""
    consultation = Consultation()
    token = _current.set(consultation)
    try:
        yield consultation
    finally:
        _current.reset(token)


def log_access(
    user: User | None,
    records: Iterable[models.Model] = (),
    *,
    action: str,
    request: HttpRequest | None = None,
    way: str = AccessLog.Way.PAGE,
    people: Iterable[int] = (),
    about: models.Model | None = None,
    label: str = "",
) -> AccessLog:
    """Write one log row, naming every person shown (from `records`, `about` and
    `people`), with the page and the client's address when it comes from a request.
    A request about one record also names that record (`about`, or the only record
    given). Two INSERTs, whatever the number of people."""
    records = list(records)
    person_ids = people_shown(records) | {int(pk) for pk in people}
    single = about if about is not None else (records[0] if len(records) == 1 else None)
    if single is not None:
        person_ids |= people_shown([single])
    with transaction.atomic(savepoint=False):
        log = AccessLog.objects.create(
            user=user,
            action=action,
            way=way,
            record_type=(single._meta.model_name or "") if single is not None else "",
            record_id=single.pk if single is not None else None,
            record_label=(label or (str(getattr(single, "access_label", single)) if single is not None else ""))[:200],
            people=len(person_ids),
            path=request.path[:300] if request is not None else "",
            client_address=client_address(request) if request is not None else None,
        )
        if person_ids:
            ConsultedPerson.objects.bulk_create(ConsultedPerson(log=log, person_id=pk) for pk in sorted(person_ids))
    return log


def log_sign_in(request: HttpRequest, *, user: User | None, username: str = "", way: str = AccessLog.Way.PAGE) -> None:
    """Record a sign-in (the user given) or a refused one (`user` None): a refusal
    names the account tried if there is one, and keeps the username typed; never
    the password. Shown beside the consultations on the data protection pages."""
    if user is not None:
        log_access(user, action=AccessLog.Action.SIGN_IN, way=way, request=request)
        return
    tried = User._default_manager.filter(username=username).first() if username else None
    log_access(tried, action=AccessLog.Action.SIGN_IN_FAILED, way=way, request=request, label=username)


class ConsultationLogMiddleware:
    """One consultation per request, written as one log row once the response is
    ready (a response that shows personal data is not sent unless its log row is
    written). Place it after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with consultation_scope() as consultation:
            response = self.get_response(request)
        if consultation.worth_logging and response.status_code < 400:
            user = getattr(request, "user", None)
            log_access(
                user if isinstance(user, User) else None,
                about=consultation.record,
                action=consultation.action or self._default_action(request),
                way=consultation.way or self._default_way(request),
                people=consultation.people,
                request=request,
            )
        return response

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        # DRF authenticates inside the view; the request's user is set by then.
        request.consultation_way = AccessLog.Way.API if is_api_view(view_func) else AccessLog.Way.PAGE  # type: ignore[attr-defined]  # our own marker on the request

    @staticmethod
    def _default_way(request: HttpRequest) -> str:
        return str(getattr(request, "consultation_way", AccessLog.Way.PAGE))

    def _default_action(self, request: HttpRequest) -> str:
        return AccessLog.Action.API if self._default_way(request) == AccessLog.Way.API else AccessLog.Action.VIEW
