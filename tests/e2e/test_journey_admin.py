"""The administrator's day, end to end through the pages: build the unit tree (and be told
why a regional unit cannot sit under a crossing), rename and move a unit, open an account
for the crossing whose officer must choose a password at the first sign-in, revoke an API
token, adopt the informant guidelines, and read all of it back in the audit log. Setup
only through the account fixtures, the pages and `flask tokens create` (never Cypher)."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

INITIAL = "crossing-initial-phrase-42"
OWN = "my-own-border-phrase-9"


def _sign_in(page, live_server, email, password=PASSWORD, path="/"):
    page.goto(live_server + path)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _new_unit(page, name, kind, parent):
    form = page.locator("form", has=page.get_by_role("button", name="Create unit"))
    form.get_by_label("Name").fill(name)
    form.get_by_label("Kind").select_option(label=kind)
    form.get_by_label("Part of").select_option(parent)
    form.get_by_role("button", name="Create unit").click()


def test_an_admin_builds_the_tree_opens_an_account_and_reads_the_audit_log(
        page, phone, browser, live_server, make_user, runner, tmp_path):
    make_user("admin@customs.example", role="admin")
    make_user("ana@customs.example", role="analyst")
    _sign_in(page, live_server, "admin@customs.example", path="/admin/units")
    expect(page).to_have_url(live_server + "/admin/units")

    # the tree: a regional unit under HQ, a crossing under it; not a region under a crossing
    _new_unit(page, "South Region", "Regional unit", "HQ")
    expect(page.locator(".flash")).to_contain_text("Unit South Region created.")
    _new_unit(page, "Kapitan Andreevo", "Border crossing point", "South Region")
    expect(page.locator(".flash")).to_contain_text("Unit Kapitan Andreevo created.")
    _new_unit(page, "Bad Region", "Regional unit", "Kapitan Andreevo")
    expect(page.locator(".errors")).to_contain_text(
        "A regional unit sits under a headquarters, not under Kapitan Andreevo "
        "(border crossing point).")
    expect(page.locator("table")).not_to_contain_text("Bad Region")
    _new_unit(page, "East Region", "Regional unit", "HQ")

    # rename the crossing and move it to the East Region
    page.get_by_role("link", name="Kapitan Andreevo").click()
    page.get_by_label("Name").fill("Kapitan Andreevo BCP")
    page.get_by_label("Part of").select_option("East Region")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Unit Kapitan Andreevo BCP saved.")
    row = page.get_by_role("row", name=re.compile("Kapitan Andreevo BCP"))
    expect(row).to_contain_text("East Region")

    # an account for the crossing, with a password the officer must replace
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    form = page.locator("form", has=page.get_by_role("button", name="Create user"))
    form.get_by_label("E-mail").fill("liaison.ka@customs.example")
    form.get_by_label("Full name").fill("Lina Liaison")
    form.get_by_label("Role").select_option("liaison")
    form.get_by_label("Unit").select_option("Kapitan Andreevo BCP")
    form.get_by_label("Initial password").fill(INITIAL)
    form.get_by_role("button", name="Create user").click()
    expect(page.locator(".flash")).to_contain_text("User liaison.ka@customs.example created.")

    # the officer signs in on a phone and must choose their own password first
    _sign_in(phone, live_server, "liaison.ka@customs.example", INITIAL)
    expect(phone).to_have_url(live_server + "/account/password")
    expect(phone.locator("#must-change")).to_contain_text("Choose your own now")
    phone.goto(live_server + "/reports/log")
    expect(phone).to_have_url(live_server + "/account/password")
    phone.get_by_label("Current password").fill(INITIAL)
    phone.get_by_label("New password", exact=True).fill(OWN)
    phone.get_by_label("New password again").fill(OWN)
    phone.get_by_role("button", name=re.compile("Change password")).tap()
    expect(phone.locator(".flash")).to_contain_text("Your password is changed")
    phone.goto(live_server + "/reports/log")
    expect(phone).to_have_url(live_server + "/reports/log")

    # the users page fits the admin's phone too
    admin_phone = browser.new_context(viewport={"width": 390, "height": 844},
                                      is_mobile=True, has_touch=True).new_page()
    _sign_in(admin_phone, live_server, "admin@customs.example", path="/admin/users")
    expect(admin_phone.get_by_role("heading", level=1)).to_have_text("Users")
    admin_phone.wait_for_load_state("load")
    width = admin_phone.evaluate("document.documentElement.scrollWidth")
    wide = admin_phone.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > 390 && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className + ' '"
        " + Math.round(e.getBoundingClientRect().right)).slice(0, 8)")
    assert width <= 390, f"/admin/users scrolls sideways on a phone ({width}px): {wide}"
    admin_phone.context.close()

    # an analyst's API token is revoked
    issued = runner.invoke(args=["tokens", "create", "ana@customs.example"])
    assert issued.exit_code == 0, issued.output
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tokens").click()
    token_row = page.get_by_role("row", name=re.compile("ana@customs.example"))
    token_id = token_row.locator("code").inner_text()
    token_row.get_by_role("button", name=f"Revoke token {token_id}").click()
    expect(page.locator(".flash")).to_contain_text(f"Token {token_id} of ana@customs.example")
    expect(page.get_by_role("row", name=re.compile("ana@customs.example"))).to_contain_text(
        "revoked")

    # the informant guidelines the administration adopts
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Guidelines").click()
    page.get_by_label("Guidelines for informants").fill(
        "1. The controller approves every recruitment before the source is used.\n"
        "2. Every payment is logged with its amount and reason.")
    page.get_by_role("button", name="Adopt these guidelines").click()
    expect(page.locator(".flash")).to_contain_text("guidelines for informants are adopted")
    expect(page.locator("#guidelines-version")).to_contain_text("version 1")

    # the audit log holds each of these actions
    page.goto(live_server + "/audit/")
    log = page.locator("table.audit-log")
    for action, target in (("unit.create", "South Region"), ("unit.create", "Kapitan Andreevo"),
                           ("unit.update", "Kapitan Andreevo BCP"),
                           ("user.create", "liaison.ka@customs.example"),
                           ("account.password.change", "liaison.ka@customs.example"),
                           ("token.revoke", "ana@customs.example"),
                           ("guidelines.update", "informants")):
        expect(log.get_by_role("row").filter(has_text=action).filter(
            has_text=target).first).to_be_visible()
    expect(log).not_to_contain_text("Bad Region")
    page.screenshot(path=str(tmp_path / "journey-admin.png"), full_page=True)
