"""A person's first minutes in Tidlig, in a real Chromium: log in, switch language, log out.

Screenshots go to test-artifacts/browser/ so people can look at the pages.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pyotp
import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from app.auth.roles import Role
from tests.browser.conftest import PageProblems, horizontal_overflow
from tests.factories import make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DANISH_CATALOGUE = Path(__file__).resolve().parents[2] / "translations/da/LC_MESSAGES/messages.po"


def danish(msgid: str) -> str | None:
    """The Danish text for msgid as translations/da has it, or None while untranslated."""
    with DANISH_CATALOGUE.open("rb") as handle:
        message = read_po(handle, locale="da").get(msgid)
    return message.string if message is not None and message.string else None


def path_of(url: str) -> str:
    return urlparse(url).path


def submit_main_form(page) -> None:
    """Press the page's own submit button (the header's language buttons submit too)."""
    page.locator("#main-content form[method=post] button[type=submit]").first.click()


def test_coordinator_logs_in_switches_language_logs_out_and_back_shows_nothing(
    live_server, page, page_problems, db_session, screenshot_dir
):
    user = make_user(db_session, Role.COORDINATOR, full_name="Mette Sørensen Testbruger")

    # The login page, in Danish without anyone asking for it.
    response = page.goto(f"{live_server}/login")
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"]
    assert page.get_attribute("html", "lang") == "da"
    assert page.locator("h1").count() == 1
    assert page.locator("#email").get_attribute("autocomplete") == "username"
    assert page.locator("#password").get_attribute("type") == "password"
    assert page.locator("[data-testid=logout]").count() == 0
    page.screenshot(path=screenshot_dir / "login-da.png", full_page=True)

    # Password, then the six-digit code.
    page.fill("#email", user.email)
    page.fill("#password", user.plain_password)
    submit_main_form(page)
    page.wait_for_url("**/login/code")
    assert page.get_attribute("html", "lang") == "da"
    assert page.locator("#code").get_attribute("autocomplete") == "one-time-code"
    assert user.full_name not in page.content(), "the password alone must not reveal who this is"
    assert page.locator("nav").count() == 0
    page.screenshot(path=screenshot_dir / "code-da.png", full_page=True)
    page.fill("#code", pyotp.TOTP(user.totp_secret).now())
    submit_main_form(page)
    page.wait_for_url(lambda url: path_of(url) == "/")

    # The coordinator's home page, in Danish.
    assert page.get_attribute("html", "lang") == "da"
    heading_da = page.locator("h1").inner_text()
    assert user.full_name in heading_da
    welcome = danish("Welcome, %(name)s")
    if welcome:  # the Danish catalogue is filled in separately; once it has this text, it shows
        assert heading_da == welcome % {"name": user.full_name}, "run `make translations`?"
    assert page.locator("[data-testid=role-purpose]").inner_text().strip()
    assert user.full_name in page.locator("header").inner_text()
    assert page.locator("nav a[aria-current=page]").count() >= 1
    assert page.locator("[data-testid=logout]").is_visible()
    page.screenshot(path=screenshot_dir / "home-da.png", full_page=True)

    # Switch to English with the header's language button.
    page.locator("header button[name=locale][value=en]").click()
    # (wait_for_function would need eval, which the CSP rightly forbids.)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert path_of(page.url) == "/"
    heading_en = page.locator("h1").inner_text()
    assert heading_en == f"Welcome, {user.full_name}"
    if welcome:
        assert heading_en != heading_da
    assert page.locator("[data-testid=logout]").inner_text().strip() == "Log out"
    page.screenshot(path=screenshot_dir / "home-en.png", full_page=True)

    # Log out, then press Back: the browser must ask the server again and land on login.
    page.locator("[data-testid=logout]").click()
    page.wait_for_url(lambda url: path_of(url) == "/login")
    assert page.locator("[data-testid=logout]").count() == 0
    expect(page.locator("#main-content .alert")).to_be_visible()  # "You have been logged out."
    page.screenshot(path=screenshot_dir / "logged-out-en.png", full_page=True)
    with page.expect_response(lambda r: path_of(r.url) == "/") as back_response:
        page.go_back(wait_until="load")
    # A 302 from the server proves a new request: no cached copy, no back-forward cache.
    assert back_response.value.status == 302
    page.wait_for_url(lambda url: path_of(url) == "/login")
    assert page.locator("#email").is_visible()
    html = page.content()
    for personal in (user.full_name, user.email, "Mette", "Sørensen"):
        assert personal not in html, f"{personal!r} is still on the page after logout + Back"
    page.screenshot(path=screenshot_dir / "after-logout-back.png", full_page=True)

    assert page_problems.all() == []


def test_login_page_fits_a_phone_without_horizontal_scrolling(
    live_server, browser, screenshot_dir
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="da-DK")
    try:
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        page.goto(f"{live_server}/login")
        assert horizontal_overflow(page, PHONE["width"]) == []
        assert page.locator("#email").is_visible()
        assert page.locator("#password").is_visible()
        box = page.locator("#email").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        page.screenshot(path=screenshot_dir / "login-phone.png", full_page=True)
        assert problems.all() == []
    finally:
        context.close()
