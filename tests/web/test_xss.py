"""SB-4.1: stored and reflected XSS/SSTI payloads in every text field that exists today.

The payloads go in through the real forms (organisation name, user full name, API token
name, login e-mail, audit filters, even the User-Agent shown in the sessions list) and must
come back escaped on every page that shows them, never as markup and never evaluated
(`{{7*7}}` must not turn into 49).
"""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.auth.models import ApiToken, Organisation, User
from app.auth.roles import Role
from tests.factories import make_user
from tests.support import fresh, login
from tests.web.helpers import api_token_for, new_client

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "template": "{{7*7}}",
    "url": "javascript:alert(1)",
}
RAW_MARKUP = ["<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>"]
JS_URL_IN_ATTRIBUTE = re.compile(
    r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I
)


def marked(kind: str, payload: str) -> str:
    """The payload between markers, so a page can be searched for exactly this value."""
    return f"Mk-{kind}-{payload}-kM"


def problems_on(html: str, value: str, where: str) -> list[str]:
    problems = []
    if str(escape(value)) not in html:
        problems.append(f"{where}: {value!r} is not shown (escaped)")
    for raw in RAW_MARKUP:
        if raw in html:
            problems.append(f"{where}: raw markup {raw!r} in the page")
    if JS_URL_IN_ATTRIBUTE.search(html):
        problems.append(f"{where}: a javascript: URL in an attribute")
    if "{{7*7}}" in value and value.replace("{{7*7}}", "49") in html:
        problems.append(f"{where}: the template expression was evaluated")
    return problems


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_stored_payloads_come_back_escaped_everywhere(app, db_session, kind):
    payload = PAYLOADS[kind]
    org_name, full_name = marked(kind, payload) + " org", marked(kind, payload) + " person"
    token_name, agent = marked(kind, payload) + " token", marked(kind, payload) + " agent"

    admin = make_user(db_session, Role.ADMIN)
    admin_client = new_client(app, ip="192.0.2.50")
    login(admin_client, db_session, admin)
    response = admin_client.submit("/admin/organisations",
                                   {"name": org_name, "type": "club", "is_section_115_party": "y"})
    assert response.status_code == 302, "the organisation form refused the payload"
    organisation = db_session.scalar(select(Organisation).where(Organisation.name == org_name))
    assert organisation is not None, "the name was not stored as given"
    response = admin_client.submit("/admin/users/new", {
        "full_name": full_name, "email": f"xss-{kind}@example.dk", "role": "assessor",
        "organisation_id": organisation.id,
    })
    assert response.status_code == 302, "the user form refused the payload"
    created = db_session.scalar(select(User).where(User.email == f"xss-{kind}@example.dk"))
    assert created.full_name == full_name

    # The same person with a password, logged in from a browser with a hostile User-Agent.
    person = make_user(db_session, Role.COORDINATOR, full_name=full_name, organisation=organisation)
    person_client = new_client(app, ip="192.0.2.51", user_agent=agent)
    login(person_client, db_session, person)
    response = person_client.submit("/account/tokens", {"name": token_name})
    assert response.status_code == 200
    db_session.rollback()
    stored = db_session.scalar(select(ApiToken.name).where(ApiToken.user_id == person.id))
    assert stored == token_name

    problems = []
    for path in ("/admin/users", f"/admin/users/{created.id}", f"/admin/users/{person.id}"):
        html = page(admin_client, path)
        problems += problems_on(html, full_name, path)
        problems += problems_on(html, org_name, path)  # organisation column / choice list
    problems += problems_on(page(admin_client, "/admin/organisations"), org_name, "organisations")
    problems += problems_on(page(admin_client, "/admin/users/new"), org_name, "new user form")
    problems += problems_on(page(person_client, "/"), full_name, "home page")
    overview = page(person_client, "/account/")
    problems += problems_on(overview, full_name, "account")
    problems += problems_on(overview, org_name, "account")
    problems += problems_on(overview, agent[:60].rstrip(), "sessions list")  # shown truncated
    problems += problems_on(page(person_client, "/account/tokens"), token_name, "token list")
    assert not problems, "\n".join(problems)

    # Rejected input is shown back in the form: escaped there too.
    response = admin_client.submit("/admin/organisations", {"name": org_name, "type": "club"})
    assert response.status_code == 200
    assert not problems_on(response.get_data(as_text=True), org_name, "form re-shown")

    # The API returns the stored value as JSON, never as HTML.
    token = api_token_for(db_session, person)
    response = new_client(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.mimetype == "application/json"
    assert response.get_json()["full_name"] == full_name
    assert response.get_json()["organisation"]["name"] == org_name
    assert fresh(db_session, User, person.id).full_name == full_name


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_reflected_payloads_come_back_escaped(app, client, db_session, kind):
    value = marked(kind, PAYLOADS[kind])
    response = client.submit("/login", {"email": value, "password": "wrong but long enough"})
    assert response.status_code == 200
    problems = problems_on(response.get_data(as_text=True), value, "login form")

    auditor = make_user(db_session, Role.AUDITOR)
    auditor_client = new_client(app, ip="192.0.2.52")
    login(auditor_client, db_session, auditor)
    for field in ("object_type", "object_id"):
        response = auditor_client.get("/audit/", query_string={field: value})
        assert response.status_code == 200
        problems += problems_on(response.get_data(as_text=True), value, f"audit filter {field}")
    response = auditor_client.get("/audit/", query_string={"action": value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    problems += [p for p in problems_on(html, value, "audit filter action") if "not shown" not in p]
    assert not problems, "\n".join(problems)


def test_the_check_would_notice_unescaped_output():
    value = marked("script", PAYLOADS["script"])
    assert problems_on(f"<td>{value}</td>", value, "raw")
    assert problems_on("<td>Mk-template-49-kM</td>", marked("template", "{{7*7}}"), "ssti")
    assert problems_on('<a href="javascript:alert(1)">x</a>', "x", "href")
    assert not problems_on(f"<td>{escape(value)}</td>", value, "escaped")
