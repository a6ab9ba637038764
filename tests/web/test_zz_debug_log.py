"""SB-6.1: the suite-wide DEBUG log holds no API token secret and no canary.

conftest's session fixture writes every log line of the run to test-artifacts/debug.log.
This module runs after the rest of tests/web (files run in name order) and greps that file
for every token secret those tests created, plus tokens it creates and uses itself (so it
proves something when run alone), plus the canary.
"""

from __future__ import annotations

import logging
import re

from app.auth.roles import Role
from tests.factories import make_user
from tests.support import login
from tests.web.helpers import CREATED_SECRETS, api_token_for, new_client, remember_secret

CANARY = ("zorbatronix", "0102031234")


def use_tokens_everywhere(app, db_session, runner) -> None:
    """Create tokens in all three ways and use them, so they pass through every logger."""
    user = make_user(db_session, Role.COORDINATOR)
    result = runner.invoke(args=["tokens", "create", "--user", user.email])
    assert result.exit_code == 0
    cli_token = remember_secret(result.output.strip().splitlines()[-1])
    service_token = api_token_for(db_session, user)
    browser = new_client(app)
    login(browser, db_session, user)
    page = browser.submit("/account/tokens", {"name": "debug log probe"}).get_data(as_text=True)
    web_token = remember_secret(re.search(r"tidlig_[A-Za-z0-9_\-]{40,}", page)[0])
    api = new_client(app)
    for token in (cli_token, service_token, web_token):
        response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        # …also where it does not belong: in a URL, a form field and a broken header.
        api.get(f"/api/v1/me?token={token}")
        api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}x"})
        browser.submit("/login", {"email": token, "password": token}, page="/account/")


def test_debug_log_holds_no_token_secret_and_no_canary(app, db_session, runner,
                                                       debug_log_capture):
    use_tokens_everywhere(app, db_session, runner)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = debug_log_capture.read_text(encoding="utf-8", errors="replace")
    assert text, "the debug log is empty: the capture is not working"
    leaked = [secret[:12] + "…" for secret in set(CREATED_SECRETS) if secret in text]
    assert not leaked, f"API token secrets in {debug_log_capture}: {leaked}"
    lowered = text.lower()
    assert not [c for c in CANARY if c in lowered], f"canary in {debug_log_capture}"
    assert len(CREATED_SECRETS) >= 3
