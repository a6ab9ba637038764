"""SB-4.2: the security headers on every route, every method, and on every kind of error."""

from __future__ import annotations

import re

import pytest

from app.auth.policy import public
from app.auth.roles import Role
from tests.factories import make_user
from tests.support import login
from tests.web.helpers import api_token_for, build_world, new_client, send, walk

REQUIRED_CSP = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}
# Further directives may only narrow what default-src 'self' allows.
UNSAFE_SOURCES = {"*", "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "http:", "https:",
                  "data:", "blob:", "'strict-dynamic'"}
SAFE_EXTRA = {"img-src": {"data:"}}  # inline SVG/QR images only, never scripts or styles
ONE_YEAR = 365 * 24 * 3600


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            name = words[0].lower()
            assert name not in directives, f"directive {name} given twice"
            directives[name] = words[1:]
    return directives


def header_problems(response, *, logged_in: bool, static: bool = False) -> list[str]:
    headers = response.headers
    problems = []
    csp = headers.get("Content-Security-Policy")
    if csp is None:
        problems.append("no Content-Security-Policy")
    else:
        directives = csp_directives(csp)
        for name, sources in REQUIRED_CSP.items():
            if directives.get(name) != sources:
                problems.append(f"CSP {name} is {directives.get(name)}, expected {sources}")
        for name, sources in directives.items():
            unsafe = set(sources) & (UNSAFE_SOURCES - SAFE_EXTRA.get(name, set()))
            if unsafe:
                problems.append(f"CSP {name} allows {sorted(unsafe)}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options {headers.get('X-Content-Type-Options')!r}")
    if headers.get("Referrer-Policy") != "no-referrer":
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    hsts = re.search(r"max-age=(\d+)", headers.get("Strict-Transport-Security", ""))
    if not hsts or int(hsts.group(1)) < ONE_YEAR:
        problems.append(f"HSTS {headers.get('Strict-Transport-Security')!r}")
    if logged_in and not static:
        cache = [d.strip().lower() for d in headers.get("Cache-Control", "").split(",")]
        if "no-store" not in cache:
            problems.append(f"Cache-Control {headers.get('Cache-Control')!r} while logged in")
    return problems


def register_failing_route(app) -> None:
    @app.route("/probe/crash")
    @public
    def crash_probe():
        raise RuntimeError("boom")


@pytest.mark.parametrize("role", ["anonymous", Role.ADMIN.value, Role.COORDINATOR.value])
def test_every_route_and_method_sends_the_security_headers(app, db_session, role):
    world = build_world(db_session, None if role == "anonymous" else role)
    client = new_client(app)
    if world.user:
        login(client, db_session, world.user)
    csrf = client.csrf_token("/login" if role == "anonymous" else "/account/")
    problems, statuses = [], set()
    for rule, method, path in walk(app, world):
        token = world.api_token if rule.rule.startswith("/api/") else None
        response = send(client, method, path, csrf=csrf, token=token)
        statuses.add(response.status_code)
        logged_in = role != "anonymous" and rule.endpoint != "auth.logout"
        for problem in header_problems(response, logged_in=logged_in,
                                       static=rule.endpoint == "static"):
            problems.append(f"{method} {path} ({response.status_code}): {problem}")
    assert not problems, "\n".join(problems)
    # The walk met answers of several kinds, not just one page.
    assert {200, 302} <= statuses
    assert (403 in statuses) == (role != "anonymous")


@pytest.mark.expected_500
def test_error_responses_send_the_security_headers_too(app, db_session):
    register_failing_route(app)  # before the first request
    admin = make_user(db_session, Role.ADMIN)
    token = api_token_for(db_session, admin)
    anonymous = new_client(app, ip="192.0.2.30")
    browser = new_client(app, ip="192.0.2.31")
    login(browser, db_session, admin)

    def api(path):
        return new_client(app).get(path, headers={"Authorization": f"Bearer {token}"})

    cases = {
        "404 page": (browser.get("/no/such/page"), 404, True),
        "404 anonymous": (anonymous.get("/no/such/page"), 404, False),
        "404 static": (anonymous.get("/static/no-such-file.css"), 404, False),
        "404 api": (api("/api/v1/no-such-thing"), 404, False),
        "405": (browser.get("/logout"), 405, True),
        "400 csrf": (browser.post("/language", data={"locale": "en"}), 400, True),
        "401 api": (anonymous.get("/api/v1/me"), 401, False),
        "413": (anonymous.post("/login", data={"email": "x" * (3 * 1024 * 1024)}), 413, False),
        "500": (browser.get("/probe/crash"), 500, True),
    }
    coordinator = make_user(db_session, Role.COORDINATOR)
    other = new_client(app, ip="192.0.2.32")
    login(other, db_session, coordinator)
    cases["403"] = (other.get("/admin/users"), 403, True)
    limited = new_client(app, ip="192.0.2.33")
    for _attempt in range(5):
        limited.submit("/password/forgot", {"email": "nobody@example.dk"})
    cases["429"] = (limited.submit("/password/forgot", {"email": "nobody@example.dk"}), 429, False)

    problems = []
    for name, (response, status, logged_in) in cases.items():
        if response.status_code != status:
            problems.append(f"{name}: status {response.status_code}, expected {status}")
        problems += [f"{name}: {p}" for p in header_problems(response, logged_in=logged_in)]
        response.close()
    assert not problems, "\n".join(problems)


def test_header_check_catches_a_weakened_policy(app, client):
    """The checker itself: a response without the headers, or with a loose CSP, fails it."""
    response = client.get("/login")
    assert header_problems(response, logged_in=True) == []
    response.headers["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline'; object-src *"
    response.headers["Strict-Transport-Security"] = "max-age=86400"
    response.headers["Cache-Control"] = "private"
    problems = " ".join(header_problems(response, logged_in=True))
    for expected in ("default-src", "object-src", "base-uri", "frame-ancestors", "HSTS",
                     "Cache-Control", "unsafe-inline"):
        assert expected in problems
