"""My work: what needs doing by the signed-in user. Each strand registers a provider
when it loads; the core page and the navigation count ask every provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from tracker.core.models import User
from tracker.core.roles import Role


@dataclass
class WorkItem:
    label: str
    url: str
    due: date | None = None
    overdue: bool = False
    detail: str = ""


@dataclass
class WorkSection:
    title: str
    items: list[WorkItem] = field(default_factory=list)
    empty_text: str = "Nothing here."


@dataclass(frozen=True)
class Provider:
    name: str
    roles: frozenset[Role]
    sections: Callable[[User], list[WorkSection]]
    # A cheap aggregate for the navigation badge: items due or overdue.
    count: Callable[[User], int]


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _providers[provider.name] = provider


def providers_for(user: User) -> list[Provider]:
    return [p for p in _providers.values() if user.has_role(*p.roles)]


def sections_for(user: User) -> list[WorkSection]:
    return [section for provider in providers_for(user) for section in provider.sections(user)]


def count_for(user: User) -> int:
    return sum(provider.count(user) for provider in providers_for(user))
