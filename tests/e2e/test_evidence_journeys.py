"""Evidence files in the browser: a liaison officer on a phone (390×844) photographs a
lorry's plate into the quick log, loses the server's answer once, sends again: one report
with one photo; a tipster's PDF invoice reaches the analysts' review with its entities; a
case document is 404 for a colleague without the case."""

import socket
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests import evidence_samples as samples
from tests.e2e.test_intake_liaison import _sign_in_at_the_crossing

pytestmark = pytest.mark.e2e

STORED = ("MATCH (r:Report {channel: 'liaison'}) "
          "OPTIONAL MATCH (f:EvidenceFile)-[:ATTACHED_TO]->(r) "
          "RETURN r.id AS report, collect(f.name) AS files")


class LoseOneAnswer:
    """The network between the phone and the server: the first quick log POST reaches the
    app (which stores it), then the connection drops before the answer is sent. (Playwright
    cannot replay a request whose body holds a file, so the loss is made here.)"""

    def __init__(self, app) -> None:
        self.app = app
        self.lost: list[str] = []

    def __call__(self, environ, start_response):
        if (environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != "/reports/log"
                or self.lost):
            return self.app(environ, start_response)
        answer = {}

        def hold(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return lambda data: None

        for _ in self.app(environ, hold):  # the app runs to the end: the log is stored
            pass
        self.lost.append(answer["status"])
        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)  # ...and the answer is lost
        start_response(answer["status"], answer["headers"])
        return []


@pytest.fixture
def lossy_server(app):
    network = LoseOneAnswer(app)
    server = make_server("127.0.0.1", 0, network, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    network.url = f"http://127.0.0.1:{server.server_port}"
    yield network
    server.shutdown()
    thread.join(timeout=10)


def test_a_photo_whose_answer_was_lost_stays_on_the_page_and_is_stored_once(
        phone, lossy_server, make_unit, make_user, graph, tmp_path):
    _sign_in_at_the_crossing(phone, lossy_server.url, make_unit, make_user)
    photo = tmp_path / "plate.jpg"
    photo.write_bytes(samples.jpeg_with_gps())
    camera = phone.get_by_label("Photo")
    assert camera.get_attribute("accept") == "image/*"
    assert camera.get_attribute("capture") == "environment"
    phone.get_by_label("Vehicle plate").fill("CA 1234 AB")
    phone.get_by_label("What did you see?").fill("Seal number does not match the CMR.")
    camera.set_input_files(str(photo))

    phone.get_by_role("button", name="Log it").tap(no_wait_after=True)
    for _ in range(150):  # the server stores the log and photo, the answer never arrives
        if lossy_server.lost:
            break
        phone.wait_for_timeout(200)
    assert lossy_server.lost == ["302 FOUND"]
    expect(phone.get_by_role("alert")).to_contain_text("not confirmed")
    first = graph.query(STORED)
    assert len(first) == 1 and first[0]["files"] == ["plate.jpg"]

    # nothing was lost on the page: the photo is still in its field, the log in the form
    assert camera.evaluate("input => input.files.length") == 1
    expect(phone.get_by_label("Vehicle plate")).to_have_value("CA 1234 AB")
    # nor when the officer opens the quick log again: the photo waited in the tab too
    phone.goto(lossy_server.url + "/reports/log")
    expect(phone.locator(".network-note")).to_contain_text("was not confirmed")
    expect(phone.get_by_label("Vehicle plate")).to_have_value("CA 1234 AB")
    phone.wait_for_function(
        "() => document.querySelector('input[name=files]').files.length === 1")
    assert camera.evaluate("input => input.files[0].name") == "plate.jpg"
    phone.get_by_role("button", name="Log it").tap()
    expect(phone.locator(".logged")).to_contain_text(first[0]["report"])
    assert graph.query(STORED) == first  # one report, one file
    expect(phone.get_by_label("Vehicle plate")).to_have_value("")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def _sign_in(page, live_server, email, path):
    from tests.conftest import PASSWORD

    page.goto(live_server + path)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + path)


def test_a_tipsters_invoice_reaches_the_analysts_review_with_its_entities(
        phone, page, live_server, make_user, tmp_path):
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    make_user("ana@customs.example", role="analyst")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(samples.pdf_with_text(
        "Invoice 2026-114", "Goods shipped in container MSCU1234565"))
    phone.goto(live_server + "/hotline")
    phone.get_by_label("What happened?").fill("Undervalued cigarettes")
    phone.get_by_label("Documents or photos (optional)").set_input_files(str(invoice))
    phone.get_by_role("button", name="Send tip").tap()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("your tip was received")

    _sign_in(page, live_server, "ana@customs.example", "/hotline/tips")
    page.get_by_role("row", name="Undervalued cigarettes").get_by_role("link").click()
    expect(page.locator("#files")).to_contain_text("invoice.pdf")
    page.get_by_role("link", name="report's entities").click()
    entities = page.locator("#entities")
    expect(entities).to_contain_text("MSCU1234565")
    expect(entities).to_contain_text("(in invoice.pdf)")


def test_a_case_document_is_404_for_a_colleague_without_the_case(
        page, browser, live_server, make_user, make_unit, tmp_path):
    make_unit("South Region")
    make_user("inv@customs.example", role="investigator")
    make_user("other@customs.example", role="investigator", unit="South Region")
    document = tmp_path / "CMR.docx"
    document.write_bytes(samples.docx())
    _sign_in(page, live_server, "inv@customs.example", "/cases/")
    page.get_by_label("Title").fill("Cigarette ring")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cigarette ring")
    page.get_by_label("Attach files").set_input_files(str(document))
    page.locator("#files").get_by_role("button", name="Attach", exact=True).click()
    link = page.locator("#files").get_by_role("link", name="CMR.docx")
    expect(link).to_be_visible()
    url = live_server + link.get_attribute("href")

    colleague = browser.new_context().new_page()
    _sign_in(colleague, live_server, "other@customs.example", "/cases/")
    assert colleague.request.get(url).status == 404
    assert page.request.get(url).status == 200
    colleague.context.close()
