"""Who may do what. Every view and API endpoint asks these questions; nowhere else
decides them.

Views declare the roles they admit with `@roles_required(...)` (or the class-view
mixin); `RoleRequiredMiddleware` refuses any view that declares nothing, so a view
cannot go live without a decision about who may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied

from tracker.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.views import View

    from tracker.core.models import User

F = TypeVar("F", bound=Callable[..., Any])

ANY_ROLE: frozenset[Role] = frozenset(Role)
ROLES_ATTRIBUTE = "allowed_roles"

# Which roles may use each part of the service.
PARTNERS = frozenset({Role.OFFICER, Role.ADMIN})
INTERVENTIONS = frozenset({Role.LIAISON, Role.OFFICER, Role.ADMIN})
REPORTS = ANY_ROLE
ADMINISTRATION = frozenset({Role.ADMIN})
# The consultation log, subject access, retention and disposal (issue #14).
DATA_PROTECTION = frozenset({Role.DPO, Role.ADMIN})
MY_WORK = frozenset({Role.OFFICER, Role.LIAISON, Role.ADMIN, Role.DPO})
# Who may reach the import pages at all; each kind says who may import it.
IMPORTS = frozenset({Role.OFFICER, Role.LIAISON, Role.ADMIN})


def user_has_any(user: User | AnonymousUser, roles: Iterable[Role]) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_role(*roles)


def roles_required(*roles: Role | Iterable[Role]) -> Callable[[F], F]:
    """Admit only signed-in users holding at least one of `roles`."""
    allowed: set[Role] = set()
    for role in roles:
        allowed.update([role] if isinstance(role, Role) else role)

    def decorator(view: F) -> F:
        setattr(view, ROLES_ATTRIBUTE, frozenset(allowed))
        return view

    return decorator


def any_role[F: Callable[..., Any]](view: F) -> F:
    """Admit every signed-in user who holds any role at all."""
    setattr(view, ROLES_ATTRIBUTE, ANY_ROLE)
    return view


# RolesRequiredMixin is combined with a class-based view; mypy checks it as one.
if TYPE_CHECKING:
    _ViewBase = View
else:
    _ViewBase = object


class RolesRequiredMixin(_ViewBase):
    """Class-based views: set `allowed_roles`; as_view() carries it to the middleware."""

    allowed_roles: frozenset[Role] = frozenset()

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., Any]:
        view = super().as_view(**initkwargs)
        setattr(view, ROLES_ATTRIBUTE, frozenset(cls.allowed_roles))
        return view


def require(user: User, *roles: Role) -> None:
    """Raise 403 unless `user` holds one of `roles`; for checks inside a view."""
    if not user.has_role(*roles):
        raise PermissionDenied


def can_see_personal_data_of_groups(user: User) -> bool:
    """Community-group contacts are personal data for officers and administrators only."""
    return user.has_role(Role.OFFICER, Role.ADMIN)


def can_manage_lists(user: User) -> bool:
    return user.has_role(Role.ADMIN)
