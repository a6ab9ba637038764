"""Real-browser fixtures: the app on a threaded WSGI server, Debian's Chromium via Playwright.

The app's production cookies (`__Host-` prefix, Secure) are refused by browsers over
http://127.0.0.1, so these tests use the demo mode's plain-http cookie settings.
Playwright's own browser downloads are never used: only /usr/bin/chromium.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"real-browser test: {CHROMIUM} is not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def app_settings(app_settings, live_port) -> dict:
    return {
        **app_settings,
        "SESSION_COOKIE_NAME": "tidlig_session",
        "SESSION_COOKIE_SECURE": False,
        "PREFERRED_URL_SCHEME": "http",
        "TIDLIG_BASE_URL": f"http://127.0.0.1:{live_port}",
    }


@pytest.fixture
def live_port() -> int:
    """A free port chosen before the app exists, so the app's base URL can name it."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(app, live_port):
    """The app on a real threaded HTTP server; yields its base URL."""
    server = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="tidlig-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{live_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"real-browser test: {CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """Console errors, uncaught exceptions, CSP violations and requests leaving the machine."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.csp_violations: list[str] = []
        self.external_requests: list[str] = []

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.csp_violations + self.external_requests

    def watch(self, page) -> None:
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(
            f"{message.text} ({message.location.get('url')})"))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", self._check_request)
        page.expose_function("tidligReportCsp", lambda text: self.csp_violations.append(text))
        page.add_init_script(CSP_LISTENER)

    def _check_request(self, request) -> None:
        """Everything (styles, fonts, icons) is vendored: no CDN, no external host, ever."""
        url = urlparse(request.url)
        if url.scheme in ("http", "https") and url.hostname != "127.0.0.1":
            self.external_requests.append(f"external request: {request.url}")


# Runs before any page script, through the DevTools protocol (not subject to the page's CSP).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.tidligReportCsp(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
                         + " at " + event.documentURI);
});
"""


@pytest.fixture
def browser_context(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser_context, page_problems):
    page = browser_context.new_page()
    page_problems.watch(page)
    return page


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# Elements sticking out to the right of the viewport, unless a scrolling (or clipping)
# container holds them. The document's own scrollWidth is not enough: dkfds gives the
# body overflow-x: hidden, which clips what sticks out instead of letting it scroll.
OVERFLOW_PROBE = """
() => {
  const limit = document.documentElement.clientWidth;
  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= limit + 1) continue;
    let parent = el.parentElement, held = false;
    while (parent && parent !== document.body) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(parent).overflowX)) {
        held = true;
        break;
      }
      parent = parent.parentElement;
    }
    if (!held) {
      const classes = String(el.className || "").trim().split(/\\s+/).filter(Boolean);
      const name = [el.tagName.toLowerCase(), ...classes].join(".");
      offenders.push(name + " right=" + Math.round(box.right));
    }
  }
  return {
    innerWidth: window.innerWidth,
    clientWidth: limit,
    scrollWidth: document.documentElement.scrollWidth,
    offenders: offenders.slice(0, 8),
  };
}
"""


def horizontal_overflow(page, width: int) -> list[str]:
    """What makes the page wider than `width` CSS pixels; empty when it fits."""
    probe = page.evaluate(OVERFLOW_PROBE)
    problems = list(probe["offenders"])
    if probe["innerWidth"] != width:
        problems.append(f"layout viewport grew to {probe['innerWidth']}px")
    if probe["scrollWidth"] > probe["clientWidth"]:
        problems.append(f"document scrolls sideways: {probe['scrollWidth']}px")
    return problems
