"""The hotline keeps its promise under the real server: a tip sent from Chromium through
gunicorn (started as `make serve` starts it) leaves the tipster's address, browser and
referrer in no log: not gunicorn's access or error log, not the app's, not Neo4j's folder.

The client address on loopback is 127.0.0.1, which appears elsewhere (Neo4j's own
connections, gunicorn's "Listening at"), so the browser and referrer carry distinctive
markers that are searched everywhere, and every access line for the hotline or an asset
must carry no address at all.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
MARK = uuid.uuid4().hex[:12]
BROWSER = f"TipsterBrowser-{MARK}/1.0"
# The browser reaches the server under a host name of its own, so the marker is in the
# referrer the browser would send but in no request line the log writes anyway.
REFERRER_MARK = f"tipref{MARK}.test"
CURL = f"ForgedClient-{MARK}/2.0"
OFFICER = f"OfficerBrowser-{MARK}/3.0"
FORWARDED = f"198.51.100.{int(MARK[:2], 16)}"  # a documentation address, only a header


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(app, app_config, tmp_path):
    """gunicorn with the flags of `make serve`, access log to stdout, on a free port."""
    port = _free_port()
    env = {**os.environ, "NEO4J_URI": app_config["NEO4J_URI"],
           "NEO4J_USER": app_config["NEO4J_USER"],
           "NEO4J_PASSWORD": app_config["NEO4J_PASSWORD"],
           "CORDON_DATA": str(tmp_path / "data"), "FLASK_APP": "wsgi.py"}
    out, err = tmp_path / "gunicorn.out", tmp_path / "gunicorn.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [str(REPO / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "8", "--timeout", "120", "--access-logfile", "-", "wsgi:app"],
            cwd=REPO, env=env, stdout=stdout, stderr=stderr)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start: " + err.read_text()[-2000:])
            time.sleep(0.5)
        try:
            yield base, out, err
        finally:
            process.terminate()
            process.wait(30)


def test_no_log_holds_the_tipsters_address_browser_or_referrer(served, tmp_path,
                                                               tmp_path_factory,
                                                               playwright_session):
    base, out, err = served
    named = base.replace("127.0.0.1", REFERRER_MARK)
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {REFERRER_MARK} 127.0.0.1"])
    try:
        _tip_from_a_browser(browser, named)
    finally:
        browser.close()

    # A POST whose CSRF token fails, with a forged browser name and referrer.
    forged = requests.post(
        f"{base}/hotline", data={"csrf_token": "forged", "details": "x"}, timeout=30,
        headers={"User-Agent": CURL, "Referer": f"{named}/hotline",
                 "X-Forwarded-For": FORWARDED})
    assert forged.status_code == 400
    # An asset asked for by a page of the hotline (its Referer says so).
    requests.get(f"{base}/static/css/cordon.css", timeout=30,
                 headers={"User-Agent": CURL, "Referer": f"{named}/hotline"})
    # An officer's request elsewhere is still logged in full: the log format does record
    # address and browser, so their absence above is the anonymisation at work.
    requests.get(f"{base}/healthz", timeout=30, headers={"User-Agent": OFFICER})

    deadline = time.monotonic() + 10
    while OFFICER not in out.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    access = out.read_text().splitlines()
    officer = [line for line in access if OFFICER in line]
    assert officer and "127.0.0.1" in officer[0], access

    anonymous = [line for line in access if re.search(r'"[A-Z]+ (/hotline|/static/|/favicon)',
                                                      line)]
    assert any('"POST /hotline ' in line and " 200 " in line for line in anonymous), access
    assert any('"POST /hotline ' in line and " 400 " in line for line in anonymous), access
    assert any("/static/css/cordon.css" in line for line in anonymous), access
    assert all("127.0.0." not in line for line in anonymous), anonymous

    # No file anywhere under the test session's folders (this server's logs and data, the
    # app data, the throwaway Neo4j's data and logs) holds a marker.
    leaks = []
    for path in Path(tmp_path_factory.getbasetemp()).rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            for marker in (BROWSER, CURL, REFERRER_MARK, FORWARDED):
                if marker.encode() in data:
                    leaks.append((str(path), marker))
    assert leaks == []
    assert "Traceback" not in err.read_text()


def _tip_from_a_browser(browser, base: str) -> None:
    context = browser.new_context(user_agent=BROWSER)
    page = context.new_page()
    page.set_default_timeout(180_000)  # the first tip's extraction on a small shared machine
    page.goto(f"{base}/hotline")
    page.fill("#what", "Cigarettes in a lorry")
    page.fill("#details", "Every Tuesday at the north gate.")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector("#tip-reference")
    page.click("a[href$='/hotline/follow-up']")  # the tip page as the referrer, were it sent
    page.wait_for_load_state()
    page.goto(f"{base}/hotline/no-such-page")
    context.close()
