"""DRF's throttles, counting each client under the address tracker.core.client_address
finds, instead of DRF's own reading of X-Forwarded-For (which, without NUM_PROXIES,
takes the whole header as sent by the client, so a new header is a new count)."""

from __future__ import annotations

from typing import Any

from rest_framework import throttling

from tracker.core.client_address import client_address


class ClientAddressMixin:
    def get_ident(self, request: Any) -> str:
        return client_address(request) or ""


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass
