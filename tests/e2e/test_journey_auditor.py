"""The post-clearance auditor's day, end to end through the real pages: the committee
plans an audit from the PCA plan and assigns it; the auditor, on a phone, takes the task,
records the findings, closes the task and sees the trader's hit rate and score move.
Setup only through `flask import` and the pages (never Cypher)."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_journeys import _import

pytestmark = pytest.mark.e2e

DAY = [(date.today() - timedelta(days=n)).isoformat() for n in range(200)]
TRADER = {"kind": "trader", "id": "BG204567890", "name": "Rila Imports OOD", "country": "BG"}
OTHER = {"kind": "trader", "id": "BG209999999", "name": "Pirin Trade EOOD", "country": "BG",
         "aeo_history": [{"status": "granted", "date": DAY[150], "level": "AEOF"}]}


def _declaration(number: int, importer: str, day: str) -> dict:
    return {"kind": "declaration", "id": f"DEC-2026-{number:06d}", "date": day,
            "flow": "import", "office": "BGSOF001", "importer": importer, "origin": "CN",
            "items": [{"hs": "8471.30", "description": "laptops", "quantity": 100,
                       "value": 9000.0 + number, "weight_kg": 200.0}]}


CLEAN = {"kind": "trader", "id": "BG205555555", "name": "Osogovo Foods AD", "country": "BG"}


def _clean_history() -> list[dict]:
    """Another importer's negative controls: the average the audit's finding stands out of."""
    lines = []
    for n in range(10, 14):
        lines += [_declaration(n, "BG205555555", DAY[60 + n]),
                  {"kind": "control", "declaration": f"DEC-2026-{n:06d}", "date": DAY[59 + n],
                   "lane": "red", "result": "negative"}]
    return lines


def _plan_row(page, ref):
    return page.locator(f'#pca-plan tr[data-trader="{ref}"]')


def test_the_auditor_takes_the_audit_records_findings_and_sees_the_trader_change(
        page, phone, live_server, make_user, runner, tmp_path):
    _import(runner, tmp_path, TRADER, OTHER, CLEAN, *_clean_history(),
            _declaration(1, "BG204567890", DAY[20]), _declaration(2, "BG204567890", DAY[45]),
            _declaration(3, "BG204567890", DAY[80]), _declaration(4, "BG209999999", DAY[30]),
            {"kind": "control", "declaration": "DEC-2026-000001", "date": DAY[19],
             "lane": "red", "result": "negative"})
    make_user("cora@customs.example", role="committee")
    make_user("petra.auditor@customs.example", role="auditor")

    # the committee member plans the audit of the riskiest trader and assigns it
    sign_in(page, live_server, "cora@customs.example", "/pca/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-clearance audit plan")
    row = _plan_row(page, "BG204567890")
    expect(row).to_contain_text("Rila Imports OOD")
    row.get_by_role("link", name="Plan audit of BG204567890").click()
    form = page.locator("#plan-audit")
    expect(form.get_by_label("Trader")).to_have_value("BG204567890")
    form.get_by_label("Auditor").select_option("petra.auditor@customs.example")
    form.get_by_role("button", name="Assign audit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rila Imports OOD")
    expect(page.locator("#covered")).to_contain_text("DEC-2026-000003")

    # the auditor, on the phone: the plan shows the trader before the audit
    sign_in(phone, live_server, "petra.auditor@customs.example", "/pca/")
    before = _plan_row(phone, "BG204567890")
    expect(before.locator(".hit-rate")).to_have_text("0%")
    score_before = float(before.locator(".score").inner_text())

    phone.goto(live_server + "/tasks/")
    phone.locator("#my-tasks").get_by_role(
        "link", name="Post-clearance audit of Rila Imports OOD (BG204567890)").tap()
    phone.get_by_role("combobox", name="Status").select_option("in_progress")
    phone.get_by_role("button", name="Update").tap()
    expect(phone.locator(".task-facts")).to_contain_text("In progress")
    phone.get_by_role("link", name=re.compile(r"^Post-clearance audit A-")).tap()

    expect(phone.get_by_role("heading", level=1)).to_contain_text("Rila Imports OOD")
    phone.get_by_label("Result of DEC-2026-000002").select_option("positive")
    phone.get_by_label("Revenue found on DEC-2026-000002").fill("3150")
    phone.get_by_label("Result of DEC-2026-000003").select_option("negative")
    phone.get_by_label("Finding", exact=True).fill("Laptops declared at half their price")
    phone.screenshot(path=str(tmp_path / "auditor-findings-phone.png"), full_page=True)
    phone.get_by_role("button", name="Record findings").tap()
    # recording rescores the trader: allow a loaded machine its time
    expect(phone.locator("main")).to_contain_text("Findings recorded as 2 control results",
                                                  timeout=90_000)
    expect(phone.locator("#covered")).to_contain_text("positive (3,150 EUR) · this audit")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the audit page scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(tmp_path / "auditor-audit-phone.png"), full_page=True)

    # the task is done; the plan shows the trader's new hit rate and a higher score
    phone.locator("#audit-facts").get_by_role("link", name=re.compile("Post-clearance audit of")
                                              ).tap()
    phone.get_by_role("combobox", name="Status").select_option("done")
    phone.get_by_role("button", name="Update").tap()
    expect(phone.locator(".task-facts")).to_contain_text("Done")

    phone.goto(live_server + "/pca/")
    after = _plan_row(phone, "BG204567890")
    expect(after.locator(".hit-rate")).to_have_text("33%")
    expect(after).to_contain_text("3,150")
    assert float(after.locator(".score").inner_text()) > score_before
    expect(phone.locator("#audits")).to_contain_text("Done")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the audit plan scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(tmp_path / "auditor-plan-phone.png"), full_page=True)
