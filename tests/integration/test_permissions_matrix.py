"""What each role may open: one row per role, as documented in docs/permissions.md.

200 means the page opens; 403 means the role may not use it. Records inside the pages are
filtered further by unit, handling code and case membership (see the feature tests).
"""

import pytest

from tests.conftest import AuthActions

ROLES = ("admin", "analyst", "liaison", "investigator", "auditor", "handler", "committee")
EVERYONE = frozenset(ROLES)
RISK_READERS = EVERYONE - {"liaison", "handler"}

# Who may open each page: the "yes" cells of the table in docs/permissions.md, a row a
# page; every other role gets 403.
MAY_OPEN: dict[str, frozenset[str]] = {
    **dict.fromkeys(("/", "/reports/", "/search?q=x", "/explorer", "/cases/", "/tasks/",
                     "/watch/", "/notifications/", "/risk/score", "/hotline/tips",
                     "/dissemination/"), EVERYONE),
    "/reports/new": EVERYONE - {"committee"},
    "/reports/log": frozenset({"admin", "analyst", "liaison"}),
    "/sources/": frozenset({"admin", "analyst", "handler"}),
    "/kpi/": EVERYONE - {"liaison", "auditor", "handler"},
    **dict.fromkeys(("/risk/traders", "/risk/profiles", "/risk/thresholds"), RISK_READERS),
    "/risk/control": EVERYONE - {"handler"},
    "/pca/": RISK_READERS,
    "/merges/": frozenset({"admin", "analyst"}),
    "/assistance/": frozenset({"admin", "analyst", "investigator"}),
    "/admin/users": frozenset({"admin"}),
    "/admin/guidelines": frozenset({"admin"}),
    "/audit/": frozenset({"admin", "auditor"}),
}


def expected_row(role: str) -> dict[str, int]:
    return {page: 200 if role in roles else 403 for page, roles in MAY_OPEN.items()}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_row(role, app, make_user):
    make_user(f"{role}@customs.example", role=role)
    client = app.test_client()
    AuthActions(client).login(f"{role}@customs.example")
    actual = {page: client.get(page).status_code for page in MAY_OPEN}
    assert actual == expected_row(role)
