"""SB-4.3 for the assessor's form: NUL, RTL overrides, 1 MB strings, invalid UTF-8, missing
and repeated fields, in both encodings, with the same generators as tests/web/test_fuzz_forms.
The answer is 2xx, 3xx or 4xx, never a 500; the link stays usable for the real answer.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from app.audit.actor import Actor
from app.auth.roles import Role
from tests.assessments.helpers import ask, teacher, token_of
from tests.factories import make_case, make_user
from tests.web.helpers import new_client
from tests.web.test_fuzz_forms import Ctx, bodies, resolve, send

FIELDS = (
    "action",
    "contact",
    "R1-answer",
    "R1-unknown_reason",
    "R1-evidence",
    "R1-source",
    "P2-confidence",
    "worry",
    "worry_reason",
    "acknowledge_notice",
    "request_id",
)
GOOD = {
    "action": lambda: "save",
    "contact": lambda: "daily",
    "R1-answer": lambda: "dont_know",
    "R1-unknown_reason": lambda: "no_insight",
    "R1-evidence": lambda: "Set 3/11.",
    "R1-source": lambda: "own_observation",
    "P2-confidence": lambda: "high",
    "worry": lambda: "8",
    "worry_reason": lambda: "Mange fravær.",
    "acknowledge_notice": lambda: "y",
    "request_id": lambda: "1",
}


@pytest.mark.parametrize("path", ["/assessment", "/assessment/draft"])
def test_hostile_input_to_the_assessors_form_never_causes_a_server_error(app, db_session, path):
    coordinator = make_user(db_session, Role.COORDINATOR)
    (issued,) = ask(
        db_session, make_case(db_session), teacher(), actor=Actor(user_id=coordinator.id)
    )
    db_session.commit()
    client = new_client(app)
    assert client.get(f"/i/{token_of(issued)}").status_code == 303
    ctx = Ctx(app, db_session, client, "/assessment", GOOD, {})
    seen: set[int] = set()

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=bodies(FIELDS))
    def hostile(body):
        pairs, csrf, encoding = body
        response = send(ctx, path, resolve(ctx, pairs), csrf, encoding)
        seen.add(response.status_code)
        assert 200 <= response.status_code < 500, (response.status_code, [n for n, _ in pairs])

    hostile()
    assert seen & {200, 303, 422}, "no example got past the CSRF check"
    assert client.get("/assessment").status_code == 200  # the draft page still opens
