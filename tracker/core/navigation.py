"""The service navigation. Each app registers its sections when it loads, so core
needs to know nothing about the strands and each role sees only what it may use.

Sections that share a `group` appear in the top navigation as one item (leading to
the first of them the user may use) and, on their pages, as a sub-navigation: so the
navigation fits one line however many sections a role has."""

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
    # The top-navigation item this section sits under, if it shares one.
    group: str = ""
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
    urls = [section.url for section in visible]
    # The section whose address is the longest start of the path: /interventions/offenders/
    # is "People referred", not also "Referrals" at /interventions/.
    matching = [url for url in urls if request.path == url or (url != "/" and request.path.startswith(url))]
    current = max(matching, key=len, default=None)
    items = []
    for section, url in zip(visible, urls, strict=True):
        items.append(
            {
                "label": section.label,
                "url": url,
                "description": section.description,
                "group": section.group,
                "active": url == current,
                "count": section.count(cast(AuthenticatedHttpRequest, request)) if section.count else None,
            }
        )
    return items


def menu_for(request: HttpRequest) -> list[dict[str, object]]:
    """The top navigation: ungrouped sections as they are, each group as one item
    with its sections as `children` (shown as the sub-navigation on their pages)."""
    menu: list[dict[str, object]] = []
    groups: dict[str, dict[str, object]] = {}
    for item in sections_for(request):
        group = str(item["group"])
        if not group:
            menu.append(item)
            continue
        if group not in groups:
            groups[group] = {"label": group, "url": item["url"], "active": False, "count": None, "children": []}
            menu.append(groups[group])
        entry = groups[group]
        cast(list[dict[str, object]], entry["children"]).append(item)
        entry["active"] = bool(entry["active"] or item["active"])
    for entry in groups.values():
        children = cast(list[dict[str, object]], entry["children"])
        counts = [int(cast(int, c["count"])) for c in children if c["count"]]
        entry["count"] = sum(counts) or None
        if len(children) == 1:  # a group of one is just that section
            menu[menu.index(entry)] = children[0]
    return menu


def subnavigation_for(request: HttpRequest) -> dict[str, object] | None:
    """The active group, when the current page belongs to one."""
    for entry in menu_for(request):
        if entry.get("children") and entry["active"]:
            return entry
    return None
