"""Who may do what with figures and reports. Every reports view, import kind and
service asks these; nowhere else decides them.

- Every role reads the dashboard and downloads board reports (`REPORTS` in core).
- Partnership officers and administrators issue (archive) board reports.
- The exact, unsuppressed figures (the board JSON) are for the staff who keep the
  records, not for board members, who read the published figures.
  (Who imports the figures' inputs: tracker.assaults.permissions.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.core.roles import Role

if TYPE_CHECKING:
    from tracker.core.models import User

ISSUERS = frozenset({Role.OFFICER, Role.ADMIN})


def can_issue(user: User) -> bool:
    return user.has_role(*ISSUERS)


# Who may choose any dates. Everyone else (board members above all) gets whole
# months, quarters and financial years that have ended, so that no two reports
# they can ask for differ by a few days' small counts.
FREE_DATES = frozenset({Role.OFFICER, Role.ADMIN})


def can_choose_dates(user: User) -> bool:
    return user.has_role(*FREE_DATES)


# The exact figures (/api/v1/reports/board/): not suppressed, so not for the board,
# whose figures are the published ones (dashboard and report, disclosure.py).
EXACT_FIGURES = frozenset(Role) - {Role.BOARD}
