"""Issue 4's acceptance: no e-mail, log line or URL of the whole assessment flow contains the
child's full name or CPR. The flow runs over HTTP where there are routes (the API, the
invitation link, the form, decline) and through the daily command (reminders, overdue), with
the mail delivered to a real SMTP server; mail, log lines and every URL are then grepped.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from sqlalchemy import select

from app.assessments.models import AssessmentRequest
from app.auth.roles import Role
from app.mail.models import OutboxMessage
from tests.assessments.helpers import complete_answers
from tests.conftest import DEBUG_LOG
from tests.factories import make_case, make_person, make_user
from tests.smtp_sink import running_sink
from tests.support import extract_csrf
from tests.web.helpers import api_token_for, captured_logs, new_client

FIRST, LAST = "Kanarie", "Fuglesangsen"
CPR = "240711-2345"
FORBIDDEN = (LAST.lower(), CPR, CPR.replace("-", ""), f"{FIRST} {LAST}".lower())


class Recorder:
    """Every URL the browsers asked for or were sent to, and every page they got."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.pages: dict[str, str] = {}

    def __call__(self, client, method: str, path: str, **kwargs):
        response = client.open(path, method=method, **kwargs)
        self.urls.append(path)
        if "Location" in response.headers:
            self.urls.append(response.headers["Location"])
        self.pages[f"{method} {path} {len(self.pages)}"] = response.get_data(as_text=True)
        return response


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [needle for needle in FORBIDDEN if needle.lower() in lowered]


@pytest.fixture
def sink():
    with running_sink() as server:
        yield server


def _links_in(sink, recipient: str) -> list[str]:
    return [
        line.strip()
        for message in sink.to(recipient)
        for line in message.body.splitlines()
        if "/i/inv_" in line
    ]


def _answer(http, client, link: str, data: dict) -> None:
    opened = http(client, "GET", link.removeprefix("https://localhost"))
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/assessment")
    page = http(client, "GET", "/assessment")
    assert page.status_code == 200 and FIRST in page.get_data(as_text=True)
    csrf = extract_csrf(page.get_data(as_text=True))
    half = {key: value for key, value in data.items() if key.startswith(("R", "contact"))}
    saved = http(client, "POST", "/assessment", data={**half, "action": "save", "csrf_token": csrf})
    assert saved.status_code == 303
    http(client, "GET", "/assessment")  # as after a reload: the draft is back
    done = http(
        client, "POST", "/assessment", data={**data, "action": "submit", "csrf_token": csrf}
    )
    assert done.status_code == 303, done.get_data(as_text=True)[:500]
    assert http(client, "GET", done.headers["Location"]).status_code == 200
    assert http(client, "GET", link.removeprefix("https://localhost")).status_code == 410


def _decline(http, client, link: str) -> None:
    assert http(client, "GET", link.removeprefix("https://localhost")).status_code == 303
    page = http(client, "GET", "/assessment/decline")
    csrf = extract_csrf(page.get_data(as_text=True))
    declined = http(
        client, "POST", "/assessment/decline", data={"reason": "not_my_setting", "csrf_token": csrf}
    )
    assert declined.status_code == 303
    http(client, "GET", declined.headers["Location"])


def _run_reminders(app, runner, day: dt.date) -> str:
    # The command reads today's date: the clock is moved, not the code.
    with time_machine.travel(dt.datetime.combine(day, dt.time(7, 0), dt.UTC), tick=False):
        result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_whole_flow_leaks_neither_full_name_nor_cpr(app, runner, db_session, sink):
    app.config.update(MAIL_SERVER=sink.host, MAIL_PORT=sink.port)
    coordinator = make_user(db_session, Role.COORDINATOR, email="koordinator@kommune.dk")
    person = make_person(
        db_session,
        first_name=FIRST,
        last_name=LAST,
        cpr=CPR,
        birth_date=dt.date(2011, 7, 24),
        gender="female",
        commit=False,
    )
    case = make_case(db_session, person=person)
    token = api_token_for(db_session, coordinator)
    http, api = Recorder(), new_client(app)
    assessors = [
        {
            "name": f"Lærer {n}",
            "email": f"laerer{n}@skole.example",
            "setting": f"Tarup Skole, {n}. klasse",
            "setting_kind": "school",
        }
        for n in (1, 2, 3)
    ]
    with captured_logs("tidlig", "werkzeug") as logs:
        created = http(
            api,
            "POST",
            f"/api/v1/cases/{case.id}/assessment-requests",
            json={"question": "Hvordan trives hun?", "assessors": assessors},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201
        ids = [item["id"] for item in created.get_json()["items"]]
        db_session.rollback()
        due = db_session.get(AssessmentRequest, ids[0]).due_on
        assert "sent 3" in _run_reminders(app, runner, dt.date.today())  # the invitations

        _answer(
            http,
            new_client(app, ip="192.0.2.51"),
            _links_in(sink, "laerer1@skole.example")[0],
            complete_answers(
                db_session,
                risk="2",
                overrides={
                    "acknowledge_notice": "y",
                    "worry": "8",
                    "worry_reason": f"{FIRST} er meget bekymret.",
                },
            ),
        )
        _decline(
            http, new_client(app, ip="192.0.2.52"), _links_in(sink, "laerer2@skole.example")[0]
        )

        reminded = _run_reminders(app, runner, due - dt.timedelta(days=2))
        assert "reminders 1" in reminded and "sent 2" in reminded  # the decline notice too
        reminder_link = _links_in(sink, "laerer3@skole.example")[-1]
        assert (
            http(
                new_client(app, ip="192.0.2.53"),
                "GET",
                reminder_link.removeprefix("https://localhost"),
            ).status_code
            == 303
        )
        overdue = _run_reminders(app, runner, due + dt.timedelta(days=1))
        assert "overdue notices 1" in overdue and "sent 1" in overdue
        listed = http(
            api,
            "GET",
            f"/api/v1/cases/{case.id}/assessments",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert listed.status_code == 200
    for handler in logging.getLogger().handlers:
        handler.flush()

    db_session.rollback()
    kinds = sorted(db_session.scalars(select(OutboxMessage.kind)))
    assert kinds == sorted(
        ["assessment.invitation"] * 3
        + ["assessment.declined", "assessment.reminder", "assessment.overdue"]
    )
    assert len(sink.messages) == 6
    # The first name is meant to be in every mail (it is all they say about the child) ...
    assert all(FIRST in message.text for message in sink.messages)
    for message in sink.messages:
        assert not leaks(message.text), message.text
    # ... and on the assessor's form, but in no URL, no log line, and on no other page.
    assert not [url for url in http.urls if leaks(url) or FIRST.lower() in url.lower()]
    assert logs.lines, "the app logged the requests"
    assert not [line for line in logs.lines if leaks(line) or FIRST.lower() in line.lower()]
    suite_log = DEBUG_LOG.read_text(encoding="utf-8", errors="replace")
    assert not leaks(suite_log) and FIRST.lower() not in suite_log.lower()
    for key, page in http.pages.items():
        assert not leaks(page), key
        if not key.startswith(("GET /assessment ", "POST /assessment ")):
            assert FIRST not in page or key.startswith("GET /api/"), key
