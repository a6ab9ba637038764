"""The assessor's form through HTTP: drafts, submission, the notice, declining, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.assessments.models import Assessment, AssessmentRequest
from app.audit.actor import Actor
from app.auth.roles import Role
from app.cases.models import CaseEvent
from app.mail.models import OutboxMessage
from tests.assessments.helpers import ask, complete_answers, teacher, token_of
from tests.factories import make_case, make_person, make_user
from tests.support import extract_csrf, fresh
from tests.web.helpers import new_client


@pytest.fixture
def app_settings(app_settings):
    # English texts, so the assertions do not depend on the Danish catalogue.
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def issued(db_session):
    coordinator = make_user(db_session, Role.COORDINATOR, full_name="Karin Koordinator")
    person = make_person(db_session, first_name="Emil", last_name="Bagger")
    case = make_case(db_session, person=person)
    (request,) = ask(db_session, case, teacher(), actor=Actor(user_id=coordinator.id))
    db_session.commit()
    return request


def opened(app, issued, ip: str = "192.0.2.30"):
    """A browser that followed the mailed link; (client, the form page's CSRF token)."""
    client = new_client(app, ip=ip)
    response = client.get(f"/i/{token_of(issued)}")
    assert response.status_code == 303, response.status_code
    page = client.get("/assessment")
    assert page.status_code == 200
    return client, extract_csrf(page.get_data(as_text=True))


def post_form(client, csrf, data, action):
    return client.post("/assessment", data={**data, "csrf_token": csrf, "action": action})


def saved_content(db_session, issued) -> str | None:
    db_session.rollback()
    draft = db_session.scalar(select(Assessment).where(Assessment.request_id == issued.request.id))
    return draft.content if draft else None


def test_the_form_shows_every_domain_with_no_answer_chosen(app, issued):
    client, _csrf = opened(app, issued)
    html = client.get("/assessment").get_data(as_text=True)
    for key in ("R1", "R8", "P1", "P6"):
        assert f'data-domain="{key}"' in html
    assert " checked" not in html  # no default: every area is set actively
    assert 'name="action" value="save"' in html and 'name="action" value="submit"' in html
    assert 'src="/static/js/assessment-form.js" defer' in html
    assert "<script>" not in html and "style=" not in html


def test_a_draft_saved_with_the_button_comes_back_after_opening_the_link_again(
    app, db_session, issued
):
    client, csrf = opened(app, issued)
    data = {
        "contact": "weekly",
        "R1-answer": "dont_know",
        "R1-unknown_reason": "no_insight",
        "R2-answer": "1",
        "R2-evidence": "Fravær 3/11 og 10/11.",
    }
    response = post_form(client, csrf, data, "save")
    assert response.status_code == 303 and response.headers["Location"].endswith("/assessment")
    assert "Your draft has been saved." in client.get("/assessment").get_data(as_text=True)

    # Another browser (the phone after the laptop): the link again, the values back.
    other, _ = opened(app, issued, ip="192.0.2.31")
    html = other.get("/assessment").get_data(as_text=True)
    assert 'id="contact-weekly" name="contact" value="weekly" checked>' in html
    assert 'id="R1-answer-dont_know" name="R1-answer" value="dont_know" checked>' in html
    assert "Fravær 3/11 og 10/11." in html
    # The first browser's session ended when the link was opened again.
    assert client.get("/assessment").status_code == 410


def test_autosave_needs_the_csrf_token_and_answers_json(app, db_session, issued):
    client, csrf = opened(app, issued)
    refused = client.post("/assessment/draft", data={"R3-answer": "0"})
    assert refused.status_code == 400
    response = client.post(
        "/assessment/draft", data={"R3-answer": "0"}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 200
    assert response.json["saved_at"] and response.json["message"].startswith("Draft saved ")
    assert '"R3"' in saved_content(db_session, issued)


def test_autosave_without_a_live_session_answers_410_json(app, issued):
    client, csrf = opened(app, issued)
    with client.session_transaction() as session:
        session.pop("assessment_link")
    response = client.post(
        "/assessment/draft", data={"R3-answer": "0"}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 410 and response.json["error"] == "gone"


def test_an_incomplete_submission_is_refused_with_a_summary_and_nothing_is_lost(
    app, db_session, issued
):
    client, csrf = opened(app, issued)
    data = complete_answers(db_session)
    del data["R4-answer"]
    data["R5-evidence"] = ""
    data["P2-evidence"] = "Spiller fodbold i klubben hver tirsdag."
    response = post_form(client, csrf, data, "submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "data-error-summary" in html
    assert 'href="#R4-answer-0"' in html and 'href="#R5-evidence"' in html
    assert 'id="R4-answer-error"' in html
    assert "Spiller fodbold i klubben hver tirsdag." in html  # typed text kept on the page
    # ...and in the saved draft, although the answer was a refusal.
    assert "Spiller fodbold i klubben hver tirsdag." in saved_content(db_session, issued)
    assert fresh(db_session, AssessmentRequest, issued.request.id).status == "open"


def test_a_complete_submission_thanks_and_the_assessment_is_then_read_only(app, db_session, issued):
    client, csrf = opened(app, issued)
    response = post_form(client, csrf, complete_answers(db_session), "submit")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/assessment/thanks")
    assert "Your assessment has been sent" in client.get("/assessment/thanks").get_data(
        as_text=True
    )
    assert fresh(db_session, AssessmentRequest, issued.request.id).status == "submitted"
    # Read-only: the session is gone, and the link answers 410 with whom to contact.
    assert client.get("/assessment").status_code == 410
    again = client.get(f"/i/{token_of(issued)}")
    assert again.status_code == 410
    text = again.get_data(as_text=True)
    assert "already been submitted or declined" in text
    assert "Karin Koordinator" in text


def test_a_risk_rated_2_needs_the_notice_acknowledged(app, db_session, issued):
    client, csrf = opened(app, issued)
    data = complete_answers(db_session, overrides={"R3-answer": "2"})
    refused = post_form(client, csrf, data, "submit")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'href="#acknowledge_notice"' in html
    assert 'data-testid="notice" hidden' not in html and "barnets lov § 133" in html
    assert app.config["TIDLIG_NOTIFICATION_CHANNEL"] in html
    # The saved draft has the 2: the notice is shown (not hidden) on the next visit too.
    page = client.get("/assessment").get_data(as_text=True)
    assert 'data-testid="notice" hidden' not in page

    done = post_form(client, csrf, {**data, "acknowledge_notice": "y"}, "submit")
    assert done.status_code == 303
    db_session.rollback()
    assessment = db_session.scalar(
        select(Assessment).where(Assessment.request_id == issued.request.id)
    )
    assert assessment.status == "submitted" and assessment.notify_acknowledged_at is not None


def test_the_notice_is_hidden_until_it_applies(app, issued):
    client, _csrf = opened(app, issued)
    assert 'data-testid="notice" hidden' in client.get("/assessment").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("R1-answer", "3", "Choose one of the options shown."),
        ("R1-source", "the-internet", "Choose one of the options shown."),
        ("contact", "hourly", "Choose one of the options shown."),
        ("worry", "11", "Choose one of the options shown."),
        ("R1-evidence", "x" * 2001, "At most 2000 characters."),
        ("worry_reason", "y" * 5000, "At most 1000 characters."),
    ],
)
def test_bad_input_gets_a_clear_message_and_422_never_500(
    app, db_session, issued, field, value, message
):
    client, csrf = opened(app, issued)
    for action in ("save", "submit"):
        data = complete_answers(db_session, overrides={field: value})
        response = post_form(client, csrf, data, action)
        assert response.status_code == 422, action
        html = response.get_data(as_text=True)
        assert f'id="{field}-error"' in html and message in html
    assert fresh(db_session, AssessmentRequest, issued.request.id).status == "open"


def test_declining_tells_the_coordinator_at_once(app, db_session, issued):
    client, _csrf = opened(app, issued)
    page = client.get("/assessment/decline")
    assert page.status_code == 200
    csrf = extract_csrf(page.get_data(as_text=True))
    refused = client.post("/assessment/decline", data={"csrf_token": csrf})
    assert refused.status_code == 422 and "Choose a reason." in refused.get_data(as_text=True)

    response = client.post(
        "/assessment/decline", data={"csrf_token": csrf, "reason": "not_my_setting"}
    )
    assert response.status_code == 303
    assert "declined=1" in response.headers["Location"]
    assert "You have declined" in client.get(response.headers["Location"]).get_data(as_text=True)
    request = fresh(db_session, AssessmentRequest, issued.request.id)
    assert (request.status, request.decline_reason) == ("declined", "not_my_setting")
    notice = db_session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "assessment.declined")
    )
    assert notice is not None
    assert f"https://localhost/cases/{request.case_id}" in notice.body
    kinds = db_session.scalars(
        select(CaseEvent.kind).where(CaseEvent.case_id == request.case_id)
    ).all()
    assert "assessment.declined" in kinds
    assert client.get(f"/i/{token_of(issued)}").status_code == 410


def test_the_form_is_danish_by_default_and_offers_the_language_switch(app, make_app, issued):
    keys = ("SECRET_KEY", "TIDLIG_DATA_KEYS", "TIDLIG_INDEX_KEY", "TIDLIG_AUDIT_KEY")
    danish = make_app(BABEL_DEFAULT_LOCALE="da", **{key: app.config[key] for key in keys})
    client, _csrf = opened(danish, issued)
    html = client.get("/assessment").get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Hændelsen og lignende adfærd før" in html  # the instrument's Danish text
    assert 'action="/language"' in html
