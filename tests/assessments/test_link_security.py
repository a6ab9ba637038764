"""SB-D2 (security-battery.md, "D2 Invitation links"), items 1–7, one test (or more) each."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
import threading

import pytest
import time_machine
from sqlalchemy import inspect, select, text

from app.assessments import answering, requests
from app.assessments.links import LinkGone
from app.assessments.models import Assessment, AssessmentRequest, Invitation
from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.auth.policy import rule_for
from app.auth.roles import Role
from app.cases.models import Case
from app.mail.models import OutboxMessage
from tests.assessments.helpers import ask, complete_answers, teacher, token_of
from tests.factories import make_case, make_person, make_user
from tests.support import extract_csrf, fresh
from tests.web.helpers import build_world, captured_logs, new_client, send, walk

SURNAME, CPR = "Zorbatronix", "010203-1234"  # the suite's canary (tests/conftest.py)


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, Role.COORDINATOR, full_name="Karin Koordinator")


@pytest.fixture
def case(db_session):
    person = make_person(db_session, first_name="Emil", last_name=SURNAME, cpr=CPR)
    return make_case(db_session, person=person)


@pytest.fixture
def issued(db_session, case, coordinator):
    (request,) = ask(db_session, case, teacher(1), actor=Actor(user_id=coordinator.id))
    db_session.commit()
    return request


def open_link(app, token: str, ip: str = "192.0.2.40"):
    client = new_client(app, ip=ip)
    return client, client.get(f"/i/{token}")


def link_session_of(client) -> str:
    with client.session_transaction() as session:
        return session["assessment_link"]


# --- SB-D2.1 -------------------------------------------------------------------------------


def every_stored_value(db_session):
    """Every value of every column of every table, as the database holds it."""
    connection = db_session.connection()
    for table in inspect(connection).get_table_names():
        for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
            yield from (str(value) for value in row if value is not None)


def test_sb_d2_1_token_is_256_bit_only_its_hash_is_stored_and_it_lives_14_days(
    app, db_session, issued
):
    raw = token_of(issued)
    secret = raw.removeprefix("inv_")
    assert len(base64.urlsafe_b64decode(secret + "=")) == 32  # 256 bits from secrets
    client, response = open_link(app, raw)
    assert response.status_code == 303
    session_token = link_session_of(client)

    invitation = fresh(db_session, Invitation, issued.request.invitations[0].id)
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert invitation.session_hash == hashlib.sha256(session_token.encode()).hexdigest()
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        dt.timedelta(days=14), abs=dt.timedelta(seconds=5)
    )
    assert invitation.used_at is None
    leaks = [v for v in every_stored_value(db_session) if secret in v or session_token in v]
    assert leaks == []


# --- SB-D2.2 -------------------------------------------------------------------------------


def test_sb_d2_2_two_simultaneous_submits_one_succeeds(app, db_session, issued):
    data = complete_answers(db_session)
    invitation_id = issued.request.invitations[0].id
    factory = app.extensions["tidlig_db"].session_factory
    start, outcomes = threading.Barrier(2), []

    def submit_in_own_session(number: int) -> None:
        start.wait()  # before the first statement: SQLite's BEGIN IMMEDIATE would deadlock
        with app.app_context(), factory() as session:
            invitation = session.get(Invitation, invitation_id)
            try:
                answering.submit(
                    session,
                    Actor(user_id=None, request_id=f"thread-{number}"),
                    invitation,
                    data,
                    notice_acknowledged=True,
                )
                session.commit()
                outcomes.append("submitted")
            except LinkGone as gone:
                session.rollback()
                outcomes.append(f"gone:{gone.reason}")

    threads = [threading.Thread(target=submit_in_own_session, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["gone:used", "submitted"]
    db_session.rollback()
    assessments = db_session.scalars(
        select(Assessment).where(Assessment.request_id == issued.request.id)
    ).all()
    assert [a.status for a in assessments] == ["submitted"]
    submits = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assessment.submit")
    ).all()
    assert len(submits) == 1


def test_sb_d2_2_any_reuse_of_a_used_link_answers_410(app, db_session, issued):
    client, _ = open_link(app, token_of(issued))
    csrf = extract_csrf(client.get("/assessment").get_data(as_text=True))
    data = {**complete_answers(db_session), "csrf_token": csrf, "action": "submit"}
    assert client.post("/assessment", data=data).status_code == 303
    # The same browser, another browser, and a replayed submission: all 410.
    assert client.get(f"/i/{token_of(issued)}").status_code == 410
    _other, again = open_link(app, token_of(issued), ip="192.0.2.41")
    assert again.status_code == 410
    assert client.post("/assessment", data=data).status_code == 410


# --- SB-D2.3 -------------------------------------------------------------------------------


def test_sb_d2_3_after_14_days_and_1_second_the_link_answers_410(app, db_session, issued):
    invitation = fresh(db_session, Invitation, issued.request.invitations[0].id)
    client, _ = open_link(app, token_of(issued))  # a draft session opened in time
    with time_machine.travel(invitation.expires_at - dt.timedelta(seconds=1), tick=False):
        assert open_link(app, token_of(issued), ip="192.0.2.42")[1].status_code == 303
    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1), tick=False):
        _late, response = open_link(app, token_of(issued), ip="192.0.2.43")
        assert response.status_code == 410
        assert "The link has expired." in response.get_data(as_text=True)
        assert "Karin Koordinator" in response.get_data(as_text=True)
        assert client.get("/assessment").status_code == 410
    # The refused open is in the audit trail, although a 410 rolls its request back.
    db_session.rollback()
    denied = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "assessment.link_open", AuditEvent.outcome == "denied"
        )
    ).all()
    assert len(denied) == 1 and "expired" in denied[0].details


def test_sb_d2_3_a_revoked_link_answers_410_at_once(app, db_session, issued, coordinator):
    client, _ = open_link(app, token_of(issued))
    assert client.get("/assessment").status_code == 200
    case = db_session.get(Case, issued.request.case_id)
    requests.revoke_request(db_session, Actor(user_id=coordinator.id), case, issued.request.id)
    db_session.commit()
    # The draft's session ended with the link; the link itself says why.
    assert client.get("/assessment").status_code == 410
    _again, response = open_link(app, token_of(issued), ip="192.0.2.44")
    assert response.status_code == 410
    assert "withdrawn" in response.get_data(as_text=True)


# --- SB-D2.4 -------------------------------------------------------------------------------


def test_sb_d2_4_a_link_session_gets_403_on_every_signed_in_route(app, db_session):
    world = build_world(db_session, None)
    client, response = open_link(app, world.invitation_token)
    assert response.status_code == 303
    csrf = extract_csrf(client.get("/assessment").get_data(as_text=True))
    problems, checked = [], 0
    for rule, method, path in walk(app, world):
        kind = rule_for(app.view_functions[rule.endpoint]) if rule.endpoint != "static" else None
        if (
            kind is None
            or kind.kind in ("public", "invitation")
            or method == "OPTIONS"
            or rule.rule.startswith("/api/")
            or rule.endpoint == "auth.logout"
        ):
            continue
        answer = send(client, method, path, csrf=csrf, token=None)
        checked += 1
        if answer.status_code != 403:
            problems.append(f"{method} {path}: {answer.status_code}")
    assert checked > 60
    assert problems == []
    # The session still opens its own form, and nothing else came with it.
    assert client.get("/assessment").status_code == 200


def test_sb_d2_4_a_tampered_request_id_is_ignored(app, db_session, case, coordinator):
    mine, other = ask(db_session, case, teacher(1), teacher(2), actor=Actor(user_id=coordinator.id))
    db_session.commit()
    client, _ = open_link(app, token_of(mine))
    page = client.get(f"/assessment?request_id={other.request.id}")
    html = page.get_data(as_text=True)
    assert "Tarup Skole, 1. klasse" in html and "Tarup Skole, 2. klasse" not in html
    csrf = extract_csrf(html)
    tampered = {
        "csrf_token": csrf,
        "action": "save",
        "R1-answer": "1",
        "request_id": str(other.request.id),
        "assessment_id": str(other.request.id),
    }
    assert (
        client.post(f"/assessment?request_id={other.request.id}", data=tampered).status_code == 303
    )
    assert client.post("/assessment/draft", data=tampered).status_code == 200
    db_session.rollback()
    drafts = db_session.scalars(select(Assessment.request_id)).all()
    assert drafts == [mine.request.id]


# --- SB-D2.5 -------------------------------------------------------------------------------


def test_sb_d2_5_the_page_and_the_mail_show_first_name_age_setting_and_no_canary(
    app, db_session, issued
):
    client, _ = open_link(app, token_of(issued))
    html = client.get("/assessment").get_data(as_text=True)
    assert "Emil" in html and "Tarup Skole, 1. klasse" in html
    assert "15 years" in html or "14 years" in html or "16 years" in html
    pages = [html, client.get("/assessment/decline").get_data(as_text=True)]
    db_session.rollback()
    mails = db_session.scalars(select(OutboxMessage)).all()
    assert [m.kind for m in mails] == ["assessment.invitation"]
    assert "Emil" in mails[0].subject + mails[0].body
    texts = pages + [m.subject + m.body for m in mails]
    for needle in (SURNAME, CPR, CPR.replace("-", "")):
        assert not [t for t in texts if needle.lower() in t.lower()], needle
    # Nor the concern that opened the case.
    assert "Slog en anden elev" not in html


# --- SB-D2.6 -------------------------------------------------------------------------------


def test_sb_d2_6_first_get_swaps_and_redirects_to_a_token_free_url(app, issued):
    raw = token_of(issued)
    with captured_logs("tidlig", "werkzeug") as logs:
        client, response = open_link(app, raw)
        assert response.status_code == 303
        assert response.headers["Location"] == "/assessment"
        assert raw not in response.headers["Location"]
        page = client.get("/assessment")
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert page.headers["Cache-Control"] == "no-store"
        # A mistyped link is logged with its path masked; so is a server's access log line.
        assert open_link(app, raw[:-2] + "xx", ip="192.0.2.45")[1].status_code == 404
        logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /i/%s HTTP/1.1" 303 -', raw)
    assert any("/i/***" in line for line in logs.events("invitation_link_unknown"))
    assert any("/i/***" in line for line in logs.lines if "werkzeug" in line)
    assert not [line for line in logs.lines if raw[4:20] in line]


# --- SB-D2.7 -------------------------------------------------------------------------------


def test_sb_d2_7_twenty_bad_tokens_a_minute_from_one_address_then_429(app, issued):
    client = new_client(app, ip="192.0.2.50")
    for attempt in range(20):
        bad = "inv_" + secrets.token_urlsafe(32)
        assert client.get(f"/i/{bad}").status_code == 404, attempt
    assert client.get(f"/i/inv_{secrets.token_urlsafe(32)}").status_code == 429
    # Even the right link is held back for this address; another address is not.
    assert client.get(f"/i/{token_of(issued)}").status_code == 429
    assert open_link(app, token_of(issued), ip="192.0.2.51")[1].status_code == 303


def test_sb_d2_7_opening_ones_own_link_often_is_not_counted(app, issued):
    client = new_client(app, ip="192.0.2.52")
    for attempt in range(25):
        assert client.get(f"/i/{token_of(issued)}").status_code == 303, attempt


def test_sb_d2_7_dead_links_count_too(app, db_session, issued, case, coordinator):
    requests.revoke_request(
        db_session, Actor(user_id=coordinator.id), db_session.get(Case, case.id), issued.request.id
    )
    db_session.commit()
    client = new_client(app, ip="192.0.2.53")
    for attempt in range(20):
        assert client.get(f"/i/{token_of(issued)}").status_code == 410, attempt
    assert client.get(f"/i/{token_of(issued)}").status_code == 429
    assert fresh(db_session, AssessmentRequest, issued.request.id).status == "revoked"
