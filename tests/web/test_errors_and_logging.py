"""SB-6: error pages that give nothing away, logs without values, security events, no DEBUG.

The suite runs with `-p no:logging`, so log lines are captured by a handler that formats
them exactly as the app's own handler does (tests.web.helpers.captured_logs).
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid

import pytest
from cryptography.fernet import Fernet
from flask import Blueprint

from app import create_app
from app.auth.models import Organisation
from app.auth.policy import public
from app.auth.roles import Role
from app.core.logging import security_event
from app.db import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.support import login
from tests.web.helpers import captured_logs, new_client

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
LEAK_MARKERS = ["Traceback", "RuntimeError", "File \"", ".py", "/work/", "SELECT", "INSERT",
                "sqlalchemy", "IntegrityError", "UNIQUE", "duplicate key"]
SECRET_DETAIL = "SECRET-DETAIL-4f1c"


def register_failing_routes(app) -> dict[str, str]:
    """Throwaway @public views that fail; registered before the app's first request."""
    unique_value = f"dup-value-{uuid.uuid4().hex[:12]}"

    @app.route("/probe/crash")
    @public
    def crash_probe():
        raise RuntimeError(f"{SECRET_DETAIL} in /work/main/app/secret.py: SELECT * FROM users")

    @app.route("/probe/duplicate")
    @public
    def duplicate_probe():
        for _ in range(2):
            db.session.add(Organisation(name=unique_value, type="club", is_section_115_party=False))
        db.session.flush()
        return "unreachable"

    probe_api = Blueprint("probe_api", __name__, url_prefix="/api/v1/probe")

    @probe_api.route("/crash")
    @public
    def api_crash_probe():
        raise RuntimeError(SECRET_DETAIL)

    app.register_blueprint(probe_api)
    return {"unique_value": unique_value}


def reference_on(html: str) -> str:
    match = re.search(UUID, html)
    assert match, "the error page shows no request id"
    return match.group(0)


def assert_nothing_leaks(text: str, *extra: str) -> None:
    for marker in [*LEAK_MARKERS, SECRET_DETAIL, *extra]:
        assert marker not in text, f"{marker!r} leaked"


# --- SB-6.5 error pages -------------------------------------------------------------------

@pytest.mark.expected_500
def test_an_exception_gives_a_generic_translated_page_with_the_request_id(app, client):
    register_failing_routes(app)
    client.submit("/language", {"locale": "en"}, page="/login")
    with captured_logs("tidlig") as logs:
        response = client.get("/probe/crash")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and 'lang="en"' in html
    reference = reference_on(html)
    assert_nothing_leaks(html)
    logged = [line for line in logs.lines if "unhandled error" in line]
    assert len(logged) == 1 and f"request_id={reference}" in logged[0]


@pytest.mark.expected_500
def test_the_error_page_is_danish_by_default(app, client):
    register_failing_routes(app)
    html = client.get("/probe/crash").get_data(as_text=True)
    assert 'lang="da"' in html
    assert "Something went wrong" not in html


@pytest.mark.expected_500
def test_an_api_exception_gives_generic_json_with_the_request_id(app, client):
    register_failing_routes(app)
    response = client.get("/api/v1/probe/crash")
    assert response.status_code == 500
    body = response.get_json()
    assert set(body) == {"error", "status", "request_id"}
    assert body["status"] == 500 and re.fullmatch(UUID, body["request_id"])
    assert_nothing_leaks(response.get_data(as_text=True))


@pytest.mark.expected_500
def test_an_integrity_error_logs_no_values(app, client):
    probe = register_failing_routes(app)
    with captured_logs("") as logs:  # the root logger: the app's and SQLAlchemy's lines
        response = client.get("/probe/duplicate")
    assert response.status_code == 500
    assert_nothing_leaks(response.get_data(as_text=True), probe["unique_value"])
    assert any("unhandled error" in line for line in logs.lines)
    leaking = [line for line in logs.lines if probe["unique_value"] in line]
    assert not leaking, leaking[0][:2000]
    assert app.extensions["tidlig_db"].engine.hide_parameters is True


def production_settings(app_settings) -> dict:
    return {
        **app_settings,
        "TIDLIG_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "TIDLIG_DATA_KEYS": Fernet.generate_key().decode(),
        "TIDLIG_INDEX_KEY": secrets.token_urlsafe(40),
        "TIDLIG_AUDIT_KEY": secrets.token_urlsafe(40),
    }


@pytest.mark.expected_500
def test_production_config_has_debug_off_and_still_hides_errors(app_settings, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    production = create_app(production_settings(app_settings))
    try:
        assert production.debug is False and production.config["DEBUG"] is False
        assert production.testing is False
        register_failing_routes(production)
        response = new_client(production).get("/probe/crash")
        assert response.status_code == 500
        assert_nothing_leaks(response.get_data(as_text=True))
    finally:
        production.extensions["tidlig_db"].engine.dispose()


def test_flask_debug_in_the_environment_cannot_switch_debug_on_in_production(
        app_settings, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    production = create_app(production_settings(app_settings))
    try:
        assert production.debug is False
    finally:
        production.extensions["tidlig_db"].engine.dispose()


# --- SB-6.4 log injection -------------------------------------------------------------------

def test_crlf_in_a_username_does_not_forge_log_lines(app, client, db_session):
    forged = "2026-01-01T00:00:00Z WARNING tidlig.security event=login outcome=ok user=1"
    email = f"victim@example.dk\r\n{forged}\r\n"
    with captured_logs("tidlig") as logs:
        response = client.submit("/login", {"email": email, "password": "not the password"})
    assert response.status_code == 200
    assert logs.lines, "nothing was logged for a failed login"
    for line in logs.lines:
        assert "\n" not in line and "\r" not in line
        assert not line.startswith("2026-01-01T00:00:00Z")
    assert len(logs.events("login_failed")) == 1
    assert not any("victim@example.dk" in line for line in logs.lines)  # no personal data


def test_crlf_in_a_logged_path_is_escaped_onto_one_line(app, client):
    with captured_logs("tidlig") as logs:
        response = client.get("/password/reset/abc%0D%0Aevent=forged%20outcome=ok")
    assert response.status_code == 410
    [line] = logs.events("link_token_rejected")
    assert "\n" not in line and "\r" not in line
    assert "abc\\r\\nevent=forged" in line
    assert not any(line.startswith("event=forged") for line in logs.lines)


def logfmt(line: str) -> list[tuple[str, str]]:
    """key=value and key="escaped value" pairs, read as a log collector (logfmt) reads them."""
    pairs = []
    for match in re.finditer(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)', line):
        key, raw = match.groups()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", lambda m: {"r": "\r", "n": "\n"}.get(m[1], m[1]), raw[1:-1])
        pairs.append((key, raw))
    return pairs


HOSTILE_VALUE = 'x" outcome="ok\\" user=1\r\nevent=login outcome=ok'


def test_a_hostile_field_value_stays_inside_its_field(app):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.1"}):
        with captured_logs("tidlig.security") as logs:
            security_event("probe", "denied", reason=HOSTILE_VALUE)
    [line] = logs.lines
    assert "\n" not in line and "\r" not in line
    fields = logfmt(line.split(" tidlig.security ", 1)[1])
    assert [key for key, _ in fields] == ["event", "outcome", "user", "ip", "path", "request_id",
                                         "reason"]
    assert dict(fields)["outcome"] == "denied"
    assert dict(fields)["reason"] == HOSTILE_VALUE


def test_every_kind_of_line_break_is_escaped(app):
    with app.test_request_context("/"):
        with captured_logs("tidlig") as logs:
            security_event("probe", "denied", reason="a\u2028b\x85c\x0bd\x1b[2Je\x00f")
            logging.getLogger("tidlig.probe").warning("free text\r\nevent=forged \u2029 too")
    assert len(logs.lines) == 2
    for line in logs.lines:
        assert len(line.splitlines()) == 1, line
        assert "\x1b" not in line and "\x00" not in line


def test_a_hostile_path_cannot_add_fields_to_its_log_line(app, client):
    with captured_logs("tidlig") as logs:
        response = client.get('/password/reset/x%22%20outcome=ok%20user=1')
    assert response.status_code == 410
    [line] = logs.events("link_token_rejected")
    fields = logfmt(line.split(" tidlig.security ", 1)[1])
    assert [value for key, value in fields if key == "outcome"] == ["denied"]
    assert dict(fields)["path"] == '/password/reset/x" outcome=ok user=1'


# --- SB-6.2 security events -------------------------------------------------------------------

EVENT_LINE = re.compile(
    r"Z WARNING tidlig\.security event=(?P<event>\w+) outcome=(?P<outcome>\w+) user=\S+ "
    r'ip="(?P<ip>[^"]+)" path="[^"]*" request_id=(?P<request_id>' + UUID + r")(?: |$)"
)


def one_event(logs, name: str, outcome: str, ip: str) -> str:
    lines = logs.events(name)
    assert len(lines) == 1, f"{name}: {len(lines)} lines: {lines}"
    match = EVENT_LINE.search(lines[0])
    assert match, f"{name}: not in the event format: {lines[0]}"
    assert (match["event"], match["outcome"], match["ip"]) == (name, outcome, ip)
    return match["request_id"]


def test_each_security_event_logs_one_line_with_outcome_ip_and_request_id(app, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    pending_user = make_user(db_session, Role.COMMITTEE)

    anonymous = new_client(app, ip="192.0.2.70")
    with captured_logs("tidlig") as logs:
        anonymous.submit("/login", {"email": coordinator.email, "password": "wrong password!"})
    one_event(logs, "login_failed", "failed", "192.0.2.70")

    pending = new_client(app, ip="192.0.2.71")
    pending.submit("/login", {"email": pending_user.email, "password": DEFAULT_PASSWORD})
    with captured_logs("tidlig") as logs:
        assert pending.submit("/login/code", {"code": "000000"}).status_code == 200
    one_event(logs, "mfa_failed", "failed", "192.0.2.71")

    browser = new_client(app, ip="192.0.2.72")
    login(browser, db_session, coordinator)
    with captured_logs("tidlig") as logs:
        response = browser.get("/admin/users")
    assert response.status_code == 403
    reference = one_event(logs, "access_denied", "denied", "192.0.2.72")
    assert reference == reference_on(response.get_data(as_text=True))

    with captured_logs("tidlig") as logs:
        response = browser.post("/language", data={"locale": "en"})
    assert response.status_code == 400
    reference = one_event(logs, "csrf_failed", "denied", "192.0.2.72")
    assert reference == reference_on(response.get_data(as_text=True))

    limited = new_client(app, ip="192.0.2.73")
    for _attempt in range(5):
        assert limited.submit("/password/forgot", {"email": "x@example.dk"}).status_code == 200
    with captured_logs("tidlig") as logs:
        response = limited.submit("/password/forgot", {"email": "x@example.dk"})
    assert response.status_code == 429
    reference = one_event(logs, "rate_limited", "denied", "192.0.2.73")
    assert reference == reference_on(response.get_data(as_text=True))

    everything = logs.lines
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ", line) for line in everything)
