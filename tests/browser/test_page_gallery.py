"""The main page types on a desktop and on a phone: no sideways scrolling, no console errors,
no CSP violations, and a screenshot of each in test-artifacts/browser/ to look at.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pyotp
import pytest
from playwright.sync_api import expect

from app.auth.roles import Role
from tests.assessments.helpers import ask, submit_answers, teacher
from tests.browser.conftest import PageProblems, horizontal_overflow
from tests.factories import make_user

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def path_of(url: str) -> str:
    return urlparse(url).path


class Visitor:
    """One person in one browser context, with the problems their pages reported."""

    def __init__(self, browser, base_url: str, viewport: str, shots) -> None:
        self.context = browser.new_context(locale="da-DK", **VIEWPORTS[viewport])
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.problems = PageProblems()
        self.problems.watch(self.page)
        self.base_url, self.viewport, self.shots = base_url, viewport, shots

    def submit(self) -> None:
        self.page.locator("#main-content form[method=post] button[type=submit]").first.click()

    def log_in(self, user, *, expect_path: str) -> None:
        self.page.goto(f"{self.base_url}/login")
        self.page.fill("#email", user.email)
        self.page.fill("#password", user.plain_password)
        self.submit()
        self.page.wait_for_url(lambda url: path_of(url) == expect_path)
        if expect_path == "/login/code":
            self.page.fill("#code", pyotp.TOTP(user.totp_secret).now())
            self.submit()
            self.page.wait_for_url(lambda url: path_of(url) == "/")

    def check(self, name: str) -> None:
        """The page fits the width, has one h1, and is saved as a screenshot."""
        page = self.page
        expect(page.locator("h1")).to_have_count(1)
        page.screenshot(path=self.shots / f"{name}-{self.viewport}.png", full_page=True)
        overflow = horizontal_overflow(page, VIEWPORTS[self.viewport]["viewport"]["width"])
        assert overflow == [], f"{name} is too wide on {self.viewport}: {overflow}"
        assert page.get_attribute("html", "lang") == "da"

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


def test_main_pages_fit_and_stay_clean(live_server, browser, db_session, screenshot_dir, viewport):
    admin = make_user(db_session, Role.ADMIN, full_name="Anne Administrator")
    auditor = make_user(db_session, Role.AUDITOR, full_name="Aksel Revisor")
    newcomer = make_user(db_session, Role.COORDINATOR, totp=False, full_name="Nina Nyansat")
    for number in range(3):
        make_user(db_session, Role.COORDINATOR, organisation=admin.organisation,
                  full_name=f"Koordinator Nummer {number + 1}")
    visitors: list[Visitor] = []

    def visitor() -> Visitor:
        visitors.append(Visitor(browser, live_server, viewport, screenshot_dir))
        return visitors[-1]

    try:
        anonymous = visitor()
        anonymous.page.goto(f"{live_server}/login")
        anonymous.submit()
        expect(anonymous.page.locator("[data-error-summary]")).to_be_visible()
        anonymous.check("login-errors")
        response = anonymous.page.goto(f"{live_server}/ingen-side-her")
        assert response.status == 404
        anonymous.check("error-404")

        enrolling = visitor()
        enrolling.log_in(newcomer, expect_path="/login/enrol")
        expect(enrolling.page.locator("[data-testid=totp-secret]")).to_be_visible()
        expect(enrolling.page.locator(".tidlig-qr svg")).to_be_visible()
        enrolling.check("enrol")

        administrator = visitor()
        administrator.log_in(admin, expect_path="/login/code")
        administrator.check("home-admin")
        administrator.page.goto(f"{live_server}/admin/users")
        expect(administrator.page.locator("table tbody tr")).to_have_count(6)
        administrator.check("admin-users")
        administrator.page.get_by_role("link", name="Koordinator Nummer 1").click()
        expect(administrator.page.locator("[data-testid=deactivate]")).to_be_visible()
        administrator.check("admin-user")
        for path, name in (("/admin/users/new", "admin-user-new"),
                           ("/admin/organisations", "admin-organisations"),
                           ("/admin/outbox", "admin-outbox"),
                           ("/account/", "account")):
            assert administrator.page.goto(f"{live_server}{path}").status == 200, path
            administrator.check(name)
        response = administrator.page.goto(f"{live_server}/ingen-side-her")
        assert response.status == 404
        administrator.check("error-404-logged-in")

        auditing = visitor()
        auditing.log_in(auditor, expect_path="/login/code")
        auditing.page.goto(f"{live_server}/audit/")
        expect(auditing.page.locator("table tbody tr").first).to_be_visible()
        auditing.check("audit-events")

        problems = [p for v in visitors for p in v.problems.all()]
        # The 404 pages log one console error each: the browser reporting the page's own status.
        # (A missing stylesheet, font or icon would still count: its URL is a different one.)
        problems = [p for p in problems if not ("404" in p and "/ingen-side-her)" in p)]
        assert problems == []
    finally:
        for v in visitors:
            v.close()


def test_case_and_concern_pages_fit_and_stay_clean(live_server, browser, db_session,
                                                   screenshot_dir, viewport):
    from tests.factories import make_case, make_person

    coordinator = make_user(db_session, Role.COORDINATOR, full_name="Karin Koordinator")
    cases = [make_case(db_session, person=make_person(db_session, first_name=name,
                                                      last_name="Nielsen"))
             for name in ("Alma", "Oscar", "Freja")]
    # Alma's case has a profile from two assessors (one open request besides): the grid,
    # its table and the request list must fit a phone as well.
    answered, other, _waiting = ask(db_session, cases[0], teacher(1), teacher(2), teacher(3))
    submit_answers(db_session, answered, risk="2")
    submit_answers(db_session, other, risk="0", resilience="2")
    db_session.commit()
    case_id, request_id = cases[0].id, answered.request.id
    visitor = Visitor(browser, live_server, viewport, screenshot_dir)
    try:
        visitor.log_in(coordinator, expect_path="/login/code")
        for path, name in (("/cases", "cases-list"), (f"/cases/{case_id}", "case-detail"),
                           (f"/cases/{case_id}/edit", "case-edit"),
                           (f"/cases/{case_id}/assessments/request", "assessment-request"),
                           (f"/cases/{case_id}/assessments/{request_id}", "assessment-detail"),
                           (f"/cases/{case_id}/assessments/{request_id}/correct",
                            "assessment-correct"),
                           ("/assessments/", "assessment-overview"),
                           ("/concerns/new", "concern-new"), ("/concerns/inbox", "concerns-inbox")):
            assert visitor.page.goto(f"{live_server}{path}").status == 200, path
            visitor.check(name)
        assert visitor.problems.all() == []
    finally:
        visitor.close()


def test_meeting_pages_fit_and_stay_clean(live_server, browser, db_session, screenshot_dir,
                                          viewport):
    """Planning, meeting mode, minutes, overdue actions and person corrections, with a held
    meeting behind them, on a desktop and on a phone."""
    import datetime as dt

    from app.auth.roles import OrganisationType
    from app.meetings import agenda, recommendations, running
    from tests.factories import make_case, make_organisation, make_person
    from tests.meetings.helpers import action_input, actor_for

    school = make_organisation(db_session, name="Rosengårdskolen", type=OrganisationType.SCHOOL)
    coordinator = make_user(db_session, Role.COORDINATOR, full_name="Karin Koordinator")
    make_user(db_session, Role.COMMITTEE, organisation=school, full_name="Susanne Skolesen")
    cases = [make_case(db_session, status="ready_for_review",
                       person=make_person(db_session, first_name=name, last_name="Kristiansen"))
             for name in ("Alma", "Oscar")]
    actor = actor_for(coordinator)
    today = dt.date.today()
    held = agenda.plan_meeting(db_session, actor, today=today, held_on=today)
    running.start_meeting(db_session, actor, held)
    recommendations.record_recommendation(
        db_session, actor, held, held.items[0],
        text="Skolemøde med forældrene og en mentor fra klubben.",
        next_review_on=today + dt.timedelta(days=28),
        actions=[action_input(db_session, school, "school_meeting", days=0, held_on=today)],
    )
    running.finish_meeting(db_session, actor, held)
    upcoming = agenda.plan_meeting(db_session, actor, today=today + dt.timedelta(days=1))
    db_session.commit()
    item = upcoming.items[0]
    visitor = Visitor(browser, live_server, viewport, screenshot_dir)
    try:
        visitor.log_in(coordinator, expect_path="/login/code")
        pages = (
            ("/meetings", "meetings"),
            (f"/meetings/{upcoming.id}", "meeting-planned"),
            ("/meetings/schedule", "meeting-schedule"),
            (f"/meetings/{upcoming.id}/run", "meeting-mode-open-actions"),
            (f"/meetings/{upcoming.id}/run/{item.id}", "meeting-mode-item"),
            (f"/meetings/{upcoming.id}/run/end", "meeting-mode-end"),
            (f"/meetings/{held.id}/minutes", "minutes"),
            (f"/cases/{cases[0].id}", "case-with-recommendation"),
            ("/actions/overdue", "actions-overdue"),
            (f"/persons/{cases[0].person_id}/edit", "person-edit"),
        )
        for path, name in pages:
            assert visitor.page.goto(f"{live_server}{path}").status == 200, path
            visitor.check(name)
        assert visitor.problems.all() == []
    finally:
        visitor.close()
