"""A liaison officer on a phone (390×844) photographs a lorry's plate into the quick log,
loses the server's answer once, sends again: one report with one photo."""

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
