"""The teacher's journey on a phone, in a real Chromium: the mailed link, the form with a
draft saved midway (and a reload), submission, the thank-you page, and the dead link after.

Also measured here: every area of the form fits one phone screen, and the form page
(document, CSS, JS, fonts) weighs under 500 KB.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from app.assessments.instrument import current_instrument
from app.assessments.requests import AssessorInput, LinkSettings, request_assessments
from app.audit.actor import Actor
from app.auth.roles import Role
from app.mail.services import deliver_pending
from tests.browser.conftest import PageProblems, horizontal_overflow
from tests.factories import make_case, make_person, make_user
from tests.smtp_sink import running_sink

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGE_WEIGHT_LIMIT = 500_000
SAVED = re.compile(r"\d{1,2}[:.]\d{2}")  # "Draft saved 14:05", in either language


def mailed_link(db_session, live_server: str) -> str:
    """Ask a teacher for an assessment; the link as the e-mail delivered over SMTP has it."""
    coordinator = make_user(db_session, Role.COORDINATOR, full_name="Karin Koordinator")
    person = make_person(db_session, first_name="Emil", last_name="Zorbatronix", cpr="010203-1234")
    case = make_case(db_session, person=person)
    request_assessments(
        db_session,
        Actor(user_id=coordinator.id),
        case,
        [AssessorInput("Lærer Lise", "lise@skole.example", "Tarup Skole, 7.b")],
        "Hvordan har Emil det i skolen?",
        dt.date.today() + dt.timedelta(days=7),
        LinkSettings(live_server, dt.timedelta(days=14)),
    )
    db_session.commit()
    with running_sink() as sink:
        assert deliver_pending(db_session, sink.settings()) == (1, 0)
    (mail,) = sink.to("lise@skole.example")
    assert "zorbatronix" not in mail.text.lower() and "010203" not in mail.text
    return re.search(r"http://127\.0\.0\.1:\d+/i/\S+", mail.body).group(0)


def answer_area(page, key: str, answer: str, evidence: str) -> None:
    page.check(f"#{key}-answer-{answer}")
    page.fill(f"#{key}-evidence", evidence)
    page.select_option(f"#{key}-source", "own_observation")
    page.select_option(f"#{key}-confidence", "medium")


def wait_until_saved(page) -> None:
    expect(page.locator("[data-autosave-status]")).to_have_text(SAVED)
    expect(page.locator("form[data-autosave-state=idle]")).to_have_count(1)


def area_heights(page) -> dict[str, float]:
    return page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll("[data-domain], [data-testid=about-you]")].map(
            (el) => [el.dataset.domain || "about-you", el.getBoundingClientRect().height]))""")


def group_heights(page) -> dict[str, float]:
    return page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll("[data-testid$=-domains]")].map(
            (el) => [el.dataset.testid, el.getBoundingClientRect().height]))""")


def test_teacher_fills_the_form_on_a_phone(live_server, browser, db_session, screenshot_dir):
    link = mailed_link(db_session, live_server)
    domains = current_instrument(db_session).domains
    risks = [d.key for d in domains if d.is_risk]
    strengths = [d.key for d in domains if not d.is_risk]

    context = browser.new_context(locale="da-DK", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    responses = []
    page.on("response", lambda response: responses.append(response))
    try:
        # 1. The mailed link: swapped for a session, and on to a URL without the token.
        page.goto(link)
        assert page.url == f"{live_server}/assessment"
        page.wait_for_load_state("networkidle")
        weight = {
            r.url.replace(live_server, ""): len(r.body())
            for r in responses
            if r.ok and r.status < 300
        }
        assert sum(weight.values()) < PAGE_WEIGHT_LIMIT, weight
        expect(page.locator("[data-testid=child]")).to_contain_text("Emil")
        assert "Zorbatronix" not in page.content()
        heights = area_heights(page)
        too_tall = {key: h for key, h in heights.items() if h > PHONE["height"]}
        assert too_tall == {}
        # Before any answer an area is its question and answers (evidence and source come
        # with a rating), so the eight risk areas take under two and a half screens.
        groups = group_heights(page)
        assert groups["risk-domains"] < 2.5 * PHONE["height"], groups
        assert horizontal_overflow(page, PHONE["width"]) == []
        page.screenshot(path=screenshot_dir / "teacher-form-top-phone.png")

        # 2. About you, and the risk areas; one "don't know" with its reason.
        page.check("#contact-weekly")
        page.check("#known_for-over_1_year")
        for key in risks:
            if key == "R6":
                page.check("#R6-answer-dont_know")
                page.check("#R6-unknown_reason-no_insight")
            else:
                answer_area(page, key, "1", f"Set i timen 3/11 ({key}).")
        wait_until_saved(page)
        page.screenshot(path=screenshot_dir / "teacher-form-phone.png", full_page=False)

        # 3. Reload: everything typed so far is still there.
        page.reload()
        expect(page.locator("#contact-weekly")).to_be_checked()
        expect(page.locator("#R1-answer-1")).to_be_checked()
        expect(page.locator("#R6-unknown_reason-no_insight")).to_be_checked()
        expect(page.locator("#R8-evidence")).to_have_value("Set i timen 3/11 (R8).")
        expect(page.locator("#R8-confidence")).to_have_value("medium")

        # 4. The rest, and submit.
        for key in strengths:
            answer_area(page, key, "2", f"Kommer i klubben hver uge ({key}).")
        page.select_option("#worry", "3")
        page.fill("#worry_reason", "Enkelte episoder, ellers trives han.")
        # The duty-to-notify notice appears the moment a risk is a clear concern.
        notice = page.locator("[data-testid=notice]")
        expect(notice).to_be_hidden()
        page.check("#R2-answer-2")
        expect(notice).to_be_visible()
        page.check("#R2-answer-1")
        expect(notice).to_be_hidden()
        wait_until_saved(page)
        answered_heights = area_heights(page)
        assert {k: h for k, h in answered_heights.items() if h > PHONE["height"]} == {}
        page.click("[data-testid=submit]")
        page.wait_for_url(f"{live_server}/assessment/thanks")
        expect(page.locator("[data-testid=thanks]")).to_be_visible()
        assert problems.all() == []  # before the dead link: the 410 itself is a console error

        # 5. The link is dead now, and the page says whom to contact.
        dead = page.goto(link)
        assert dead.status == 410
        expect(page.locator("[data-testid=gone-contact]")).to_contain_text("Karin Koordinator")
    finally:
        context.close()
    measured = {
        "page_weight_bytes": weight,
        "total_bytes": sum(weight.values()),
        "area_heights_px": heights,
        "area_heights_answered_px": answered_heights,
        "group_heights_before_answers_px": groups,
        "viewport": PHONE,
    }
    (screenshot_dir / "teacher-journey-measurements.json").write_text(
        json.dumps(measured, indent=2), encoding="utf-8"
    )
    print(json.dumps(measured))
