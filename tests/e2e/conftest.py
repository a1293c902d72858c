"""A live Cordon server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CORDON_CHROMIUM", "/usr/bin/chromium")

# CI machines are small and shared: wait for what a person would wait for, not 5 s. The
# first run of a write's query on a cold Neo4j is planned then (need-to-know makes the
# plans long): seen to pass 20 s on a loaded two-core machine.
expect.set_options(timeout=45_000)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    """The app served as `make run` serves it: each worker warms its hot queries up at start
    (gunicorn.conf.py runs app/warmup.py), so the first page a test opens is not the one
    that pays Neo4j's cold query planning."""
    from app.warmup import warm_up

    warm_up(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright per test session: a second ``sync_playwright()`` while one runs fails
    ("Sync API inside the asyncio loop"), so a test that needs its own browser launches it
    from this one."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's package")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:"))
            else None
        ),
    )
    yield page
    context.close()
    assert outside == [], f"the page loaded assets from outside the app: {outside}"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


def sign_in(page, live_server: str, email: str, path: str = "/") -> None:
    """Open ``path``, sign in on the login page it leads to, and land back on ``path``."""
    page.goto(live_server + path)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + path)
