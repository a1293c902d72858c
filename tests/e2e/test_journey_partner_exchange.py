"""Instance A's side of the partner exchange, in the browser: an analyst opens an evaluated
report, sends it to partner B (whose Cordon is served on this machine and takes the push
at its inbox), reads the delivery in the dissemination log, and downloads the report's
STIX 2.1 bundle. Setup through ``flask import`` and the admin pages (never Cypher)."""

import json

import pytest
import stix2
from playwright.sync_api import expect

from tests.conftest import AuthActions
from tests.e2e.conftest import sign_in
from tests.factories import report
from tests.integration.test_exchange_formats import (  # noqa: F401 (fixtures)
    ADMIN,
    ANALYST,
    TEXT,
    register_both,
    served_b,
)

pytestmark = pytest.mark.e2e


def test_an_analyst_pushes_a_report_to_a_partner_and_downloads_its_stix_bundle(
        app, page, live_server, client, make, make_user, served_b, tmp_path):  # noqa: F811
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    b, inbox = served_b
    # B reads the package (extraction included) while this process also serves the browser:
    # on a small shared machine that takes longer than a partner's usual answer
    app.config["PUSH_TIMEOUT_SECONDS"] = 240
    make_user(ADMIN, role="admin")
    make_user(ANALYST, role="analyst")
    register_both(client, b.test_client(), app, b, inbox)
    AuthActions(client).logout()
    make.import_lines(report("R-77", TEXT, channel="liaison", title="Cigarettes via Varna",
                             handling="open", status="evaluated", source_grade="B",
                             info_grade="2", received="2026-03-02T08:00:00Z"))

    sign_in(page, live_server, ANALYST, "/reports/R-77")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cigarettes via Varna")
    page.get_by_role("link", name="Disseminate").click()
    page.get_by_role("link", name="Send to partner").click()
    page.get_by_label("Partner", exact=True).select_option("Border Police B")
    page.get_by_label("Conditions of use").fill("Intelligence use only.")
    page.get_by_role("button", name="Send the package").click(timeout=300_000)
    expect(page.locator("body")).to_contain_text(
        "Package pushed to Border Police B: delivered.", timeout=300_000)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Dissemination", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dissemination log")
    log = page.locator("table").first
    expect(log).to_contain_text("Border Police B")
    expect(log).to_contain_text("Pushed: delivered")

    page.goto(live_server + "/dissemination/reports/R-77")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="STIX bundle").click()
    path = tmp_path / "bundle.json"
    downloaded.value.save_as(path)
    bundle = stix2.parse(path.read_text(), allow_custom=True)
    [item] = [o for o in bundle.objects if o["type"] == "report"]
    assert item["description"] == TEXT
    assert "NIGHTJAR" not in json.dumps(json.loads(path.read_text()))
    page.screenshot(path=str(tmp_path / "partner-journey.png"), full_page=True)
