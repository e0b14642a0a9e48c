"""`whodid serve` in a real browser: Playwright driving Debian's chromium (`make chromium`
installs it; `playwright install` cannot fetch its own browsers here) against a real server on
a loopback port. Load the page, filter, open an event and see its highlighted evidence, draw
the timeline and the network, and read an event on a phone-sized screen."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="whodid serve needs the serve extra (fastapi)")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the browser tests need Playwright's Python package")

from serve_store import make_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (`make chromium` installs it "
                "with apt-get, which needs root)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from whodid.serve.app import Settings, create_app

    db = make_store(tmp_path_factory.mktemp("browser") / "s.duckdb")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(Settings(db=db)), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            args=ARGS, headless=True, viewport={"width": 1280, "height": 900})
        yield b
        b.close()


@pytest.fixture
def page(browser):
    pg = browser.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    yield pg
    pg.close()
    assert errors == [], errors  # no script error, nothing that failed to load


def test_filter_then_open_an_event_and_see_its_evidence(server, page):
    page.goto(server + "/")
    assert page.locator("#total").inner_text() == "7"
    page.fill("input[name=actor]", "SRB")
    page.select_option("select[name=type]", "ACCUSE")
    page.click("button[type=submit]")
    page.wait_for_url("**/?actor=SRB*type=ACCUSE*")
    assert page.locator("#total").inner_text() == "2"
    page.locator("a.open").first.click()
    page.wait_for_url("**/events/*")
    trigger = page.locator("#article .hl-trigger")
    assert trigger.inner_text() == "accused" and trigger.is_visible()
    assert page.locator("#article .hl-actor").inner_text() == "Serbia"
    assert page.locator("#article .hl-recipient").inner_text() == "Kosovo"
    # the highlight is painted: its background is not the text's
    colour = trigger.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "found: recipient: dobj" in page.locator("table.why").inner_text()


def test_timeline_is_drawn(server, page):
    page.goto(server + "/timeline?a=SRB&b=KOS&period=week")
    page.wait_for_selector("#chart[data-drawn] canvas")
    assert page.locator("#chart").get_attribute("data-drawn") == "9"
    box = page.locator("#chart canvas").first.bounding_box()
    assert box["width"] > 250 and box["height"] > 150
    # the chart has painted bars: some canvas pixels are neither white nor transparent
    painted = page.locator("#chart canvas").first.evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 0; i < d.length; i += 4)"
        " if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240)) n++; return n; }")
    assert painted > 500


def test_network_is_drawn_and_a_side_opens_its_events(server, page):
    page.goto(server + "/network")
    page.wait_for_selector("#network[data-drawn] svg")
    assert page.locator("#network circle").count() == 3
    assert page.locator("#network path.edge").count() == int(
        page.locator("#edge-count").inner_text())
    for circle in page.locator("#network circle").all():
        box = circle.bounding_box()
        assert box and box["width"] > 4  # placed inside the drawing, not collapsed
    page.locator("#network circle[data-id=DEU]").click()
    page.wait_for_url("**/?country=DEU")
    assert page.locator("#total").inner_text() == "1"


def test_an_event_reads_on_a_phone(server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/events/2")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # nothing wider than the screen
    fields = page.locator("section.fields").bounding_box()
    article = page.locator("section.article").bounding_box()
    assert article["y"] >= fields["y"] + fields["height"] - 1  # one column
    assert page.locator("#article .hl-trigger").is_visible()
