"""The service navigation. Each app registers its sections when it loads, so core
needs to know nothing about the strands and each role sees only what it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from django.http import HttpRequest
from django.urls import reverse

from tracker.core.http import AuthenticatedHttpRequest
from tracker.core.roles import Role


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    roles: frozenset[Role]
    description: str = ""
    order: int = 50
    # Optional count shown beside the label (e.g. items due in My work).
    count: Callable[[AuthenticatedHttpRequest], int] | None = field(default=None, compare=False)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.url_name] = section


def sections_for(request: HttpRequest) -> list[dict[str, object]]:
    """The sections, once per request: the home page lists them and the layout's
    navigation shows them again, and their counts are queries."""
    cached: list[dict[str, object]] | None = getattr(request, "_navigation_sections", None)
    if cached is None:
        cached = _sections_for(request)
        request._navigation_sections = cached  # type: ignore[attr-defined]  # a per-request cache
    return cached


def _sections_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    visible = sorted(
        (s for s in _sections.values() if user.has_role(*s.roles)),
        key=lambda s: (s.order, s.label),
    )
    items = []
    for section in visible:
        url = section.url
        items.append(
            {
                "label": section.label,
                "url": url,
                "description": section.description,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
                "count": section.count(cast(AuthenticatedHttpRequest, request)) if section.count else None,
            }
        )
    return items
