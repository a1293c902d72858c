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
    title: str
    roles: frozenset[str] | None  # None: every signed-in role
    order: int
    badge: Callable[[], int] | None = None  # a count shown beside the title, e.g. unread


NAV_ITEMS: list[NavItem] = []


def nav_item(
    endpoint: str,
    title: str,
    *,
    roles: set[str] | None = None,
    order: int = 50,
    badge: Callable[[], int] | None = None,
) -> None:
    if any(item.endpoint == endpoint for item in NAV_ITEMS):
        return
    NAV_ITEMS.append(NavItem(endpoint, title, frozenset(roles) if roles else None, order, badge))
    NAV_ITEMS.sort(key=lambda item: (item.order, item.title))


def items_for(role: str) -> list[NavItem]:
    return [item for item in NAV_ITEMS if item.roles is None or role in item.roles]
