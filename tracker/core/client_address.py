"""The client's network address, found one way for everything that uses it: the
sign-in lockout (django-axes), the API throttles and the consultation log.

`TRUSTED_PROXY_COUNT` says how many reverse proxies stand in front of the app:

- 0 (the default): the app is reached directly. Forwarded headers are written by the
  client and ignored; the socket's address (`REMOTE_ADDR`) is the client.
- N: each trusted proxy appends the address it received the request from to
  `X-Forwarded-For`, so the N-th address from the right was written by the outermost
  trusted proxy and is the client. Addresses further left were sent by the client and
  could be anything, so they are never read.

A header with fewer addresses than N, or whose chosen entry is not an IP address, was
not written by the proxies as configured; the socket's address is used instead, so a
client cannot pick the address it is counted under."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def client_address(request: Any) -> str | None:
    """The address `request` came from (an HttpRequest or a DRF Request), or None if
    the server gave none (a Unix socket, say)."""
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",")] if forwarded else []
    if len(entries) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-proxies]))
    except ValueError:
        return remote
