"""A liaison officer on a phone (390×844) photographs a lorry's plate into the quick log,
loses the server's answer once, sends again: one report with one photo."""

import pytest
from playwright.sync_api import expect

from tests import evidence_samples as samples
from tests.e2e.test_intake_liaison import _sign_in_at_the_crossing

pytestmark = pytest.mark.e2e

STORED = ("MATCH (r:Report {channel: 'liaison'}) "
          "OPTIONAL MATCH (f:EvidenceFile)-[:ATTACHED_TO]->(r) "
          "RETURN r.id AS report, collect(f.name) AS files")


def test_a_photo_whose_answer_was_lost_stays_on_the_page_and_is_stored_once(
        phone, live_server, make_unit, make_user, graph, tmp_path):
    _sign_in_at_the_crossing(phone, live_server, make_unit, make_user)
    photo = tmp_path / "plate.jpg"
    photo.write_bytes(samples.jpeg_with_gps())
    camera = phone.get_by_label("Photo")
    assert camera.get_attribute("accept") == "image/*"
    assert camera.get_attribute("capture") == "environment"
    phone.get_by_label("Vehicle plate").fill("CA 1234 AB")
    phone.get_by_label("What did you see?").fill("Seal number does not match the CMR.")
    camera.set_input_files(str(photo))

    lost: list[int] = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)  # the log and photo reach the server...
        route.abort("connectionreset")  # ...but the answer never reaches the phone
        lost.append(answer.status)

    phone.route("**/reports/log*", lose_the_answer)
    phone.get_by_role("button", name="Log it").tap(no_wait_after=True)
    for _ in range(150):
        if lost:
            break
        phone.wait_for_timeout(200)
    assert lost == [302]
    expect(phone.get_by_role("alert")).to_contain_text("not confirmed")
    phone.unroute("**/reports/log*")
    first = graph.query(STORED)
    assert len(first) == 1 and first[0]["files"] == ["plate.jpg"]

    # nothing was lost on the page: the photo is still in its field, the log in the form
    assert camera.evaluate("input => input.files.length") == 1
    expect(phone.get_by_label("Vehicle plate")).to_have_value("CA 1234 AB")
    phone.get_by_role("button", name="Log it").tap()
    expect(phone.locator(".logged")).to_contain_text(first[0]["report"])
    assert graph.query(STORED) == first  # one report, one file
    expect(phone.get_by_label("Vehicle plate")).to_have_value("")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
