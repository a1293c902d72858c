"""The main menu, filled by the feature packages as they are imported.

A feature adds its pages with ``nav_item(...)`` next to its blueprint, so the base layout
needs no edit when a feature arrives, and each officer sees only what their role uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    title: str  # a lazy gettext string: shown in the page's language
    roles: frozenset[str] | None  # None: every signed-in role
    order: int
    badge: Callable[[], int] | None = None  # a count shown beside the title, e.g. unread
    # roles for whom the item stays on the bar when a phone folds the rest into "Menu"
    # (the liaison officer's quick log, everyone's alerts and tasks); None: every role
    pinned: frozenset[str] | None = frozenset()

    def pinned_for(self, role: str) -> bool:
        return self.pinned is None or role in self.pinned


NAV_ITEMS: list[NavItem] = []


def nav_item(
    endpoint: str,
    title: str,
    *,
    roles: set[str] | None = None,
    order: int = 50,
    badge: Callable[[], int] | None = None,
    pinned: set[str] | None = frozenset(),
) -> None:
    """``pinned``: the roles for whom the item stays visible on a phone (None: all)."""
    if any(item.endpoint == endpoint for item in NAV_ITEMS):
        return
    NAV_ITEMS.append(NavItem(endpoint, title, frozenset(roles) if roles else None, order, badge,
                             None if pinned is None else frozenset(pinned)))
    NAV_ITEMS.sort(key=lambda item: (item.order, item.endpoint))  # titles are translated later


def items_for(role: str) -> list[NavItem]:
    return [item for item in NAV_ITEMS if item.roles is None or role in item.roles]
