"""Reading from a PostgreSQL streaming replica (DATABASE_REPLICA_URL), where it is safe.

The figures' readers — the dashboard, the board figures and PDF, exports and the API's
lists — run their queries on the replica when one is configured, through
`ReplicaRouter` and `read_from_replica()`. Everything else (every write, and every read
elsewhere) uses the primary. Three rules keep what people see right:

- **Their own writes.** A user who changed something within REPLICA_OWN_WRITES_SECONDS
  reads from the primary, so what they just saved is there. The moment of their last
  write is kept in the cache (share it between servers: CACHE_URL).
- **Lag.** The replica is used only while it is within REPLICA_MAX_LAG_SECONDS of the
  primary (checked at most every REPLICA_CHECK_SECONDS per process).
- **Outage.** If the replica cannot be reached, or fails during a request, that request
  is answered from the primary and the replica is left alone for REPLICA_RETRY_SECONDS.

Who may see what is decided from the primary: the user, their session and their API
token are always read there, so a revocation takes effect at once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from tracker.core.unavailable import is_database_unavailable

logger = logging.getLogger(__name__)

REPLICA = "replica"

# Read from the primary whatever the request: who a user is and what they may do.
PRIMARY_ONLY = {
    ("core", "user"),
    ("core", "apitoken"),
    ("core", "usersession"),
    ("sessions", "session"),
    ("auth", "group"),
    ("auth", "permission"),
    ("contenttypes", "contenttype"),
}
PRIMARY_ONLY_APPS = {"axes", "django_tasks_db"}

_reading: ContextVar[bool] = ContextVar("read_from_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


class _Health:
    """This process's view of the replica: usable or not, checked now and then."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = -1e9
        self.usable = False
        self.down_until = 0.0

    def mark_down(self, reason: object) -> None:
        with self.lock:
            self.usable = False
            self.down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning("Reading from the primary: the replica is not usable (%s).", reason)
        try:
            connections[REPLICA].close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped either way
            logger.debug("Closing the replica's connection failed.", exc_info=True)

    def check(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if now < self.down_until:
                return False
            if now - self.checked_at < settings.REPLICA_CHECK_SECONDS:
                return self.usable
            self.checked_at = now
        try:
            lag = replica_lag_seconds()
        except Exception as error:  # noqa: BLE001 - any failure to ask means "do not use it now"
            self.mark_down(error)
            return False
        usable = bool(lag <= settings.REPLICA_MAX_LAG_SECONDS)
        if not usable:
            logger.warning("Reading from the primary: the replica is %.1f s behind.", lag)
        with self.lock:
            self.usable = usable
        return usable


health = _Health()


def replica_lag_seconds() -> float:
    """How far the replica is behind the primary: 0 once it has replayed everything
    the primary had written when asked; else the age of the last transaction it
    replayed (an idle primary does not make a caught-up replica look behind)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (primary_lsn,) = cursor.fetchone()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()) <= 0, "
            "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
            [primary_lsn],
        )
        caught_up, age = cursor.fetchone()
    if caught_up:
        return 0.0
    return float(age) if age is not None else float("inf")


def _write_key(user_id: int) -> str:
    return f"replica:wrote:{user_id}"


def note_write(user_id: int) -> None:
    cache.set(_write_key(user_id), time.time(), timeout=settings.REPLICA_OWN_WRITES_SECONDS)


def wrote_lately(user_id: int | None) -> bool:
    if user_id is None:
        return False
    at = cache.get(_write_key(user_id))
    return at is not None and time.time() - float(at) < settings.REPLICA_OWN_WRITES_SECONDS


def may_read_replica(request: HttpRequest) -> bool:
    if not configured() or request.method not in {"GET", "HEAD"}:
        return False
    user = getattr(request, "user", None)
    user_id = getattr(user, "pk", None)
    return not wrote_lately(user_id) and health.check()


def reading_replica() -> bool:
    return _reading.get()


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads go to the replica (those the router allows)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def read_from_replica[T](request: HttpRequest, work: Callable[[], T]) -> T:
    """`work()` reading from the replica if `request` may; if the replica fails
    meanwhile, `work()` again from the primary, so the person never sees the failure.
    `work` must only read (GET and HEAD requests only)."""
    if not may_read_replica(request):
        return work()
    try:
        with replica_reads():
            result = work()
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        health.mark_down(error)
        return work()
    if isinstance(result, StreamingHttpResponse) and not isinstance(result, FileResponse) and not result.is_async:
        # A streamed export reads its rows as it is sent, after the view returned:
        # from the replica too. (Once sent, its headers cannot be taken back: a replica
        # failing mid-stream cuts that download short; the next one uses the primary.)
        result.streaming_content = _from_replica(cast(Iterator[bytes], result.streaming_content))
    return result


def _from_replica(chunks: Iterator[bytes]) -> Iterator[bytes]:
    # Set and restored by value: a generator closed late may run this in another context.
    previous = _reading.get()
    _reading.set(True)
    try:
        yield from chunks
    except Exception as error:
        if is_database_unavailable(error):
            health.mark_down(error)
        raise
    finally:
        _reading.set(previous)


def replica_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view decorator: the view's reads go to the replica when they may."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return read_from_replica(request, lambda: view(request, *args, **kwargs))

    wrapped.__name__ = getattr(view, "__name__", "view")
    wrapped.__doc__ = view.__doc__
    wrapped.__wrapped__ = view  # type: ignore[attr-defined]
    return wrapped


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica, except who users are and what
    they may do (PRIMARY_ONLY); every write, migration and other read to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _reading.get():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or (meta.app_label, meta.model_name) in PRIMARY_ONLY:
            return None
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"


class NoteWritesMiddleware:
    """Remembers when each user last changed something (a successful POST, PUT, PATCH
    or DELETE), so their next reads come from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if configured() and request.method not in {"GET", "HEAD", "OPTIONS"} and response.status_code < 400:
            # After the view: an API token's user is known only once DRF has run.
            user_id = getattr(getattr(request, "user", None), "pk", None)
            if user_id is not None:
                note_write(user_id)
        return response
