"""Who may change assault incidents and workforce figures: partnership officers and
administrators import them (the "incidents" and "workforce" import kinds). Every
role reads the figures made from them, through the reports."""

from __future__ import annotations

from tracker.core.roles import Role

FIGURE_IMPORTERS = frozenset({Role.OFFICER, Role.ADMIN})
