"""The answers document: what a draft keeps, what submission needs (instrument.md)."""

from __future__ import annotations

import pytest

from app.assessments import content
from app.assessments.instrument import current_instrument
from tests.assessments.helpers import complete_answers


@pytest.fixture
def form(db_session):
    return current_instrument(db_session)


def fields(problems) -> set[str]:
    return {problem.field for problem in problems}


def test_a_complete_answer_can_be_submitted(db_session, form):
    document = content.from_form(form, complete_answers(db_session))
    assert content.submission_problems(form, document) == []
    assert content.coverage(form, document) == (14, 14)


def test_every_domain_must_be_set_actively_there_is_no_default(db_session, form):
    data = complete_answers(db_session)
    del data["R3-answer"]
    document = content.from_form(form, data)
    assert "R3-answer" in fields(content.submission_problems(form, document))


def test_evidence_is_required_for_a_risk_of_concern_but_not_for_a_risk_not_seen(db_session, form):
    data = complete_answers(
        db_session, overrides={"R2-evidence": "", "R4-answer": "0", "R4-evidence": ""}
    )
    problems = fields(content.submission_problems(form, content.from_form(form, data)))
    assert "R2-evidence" in problems
    assert "R4-evidence" not in problems


def test_every_resilience_rating_needs_evidence_even_absent(db_session, form):
    data = complete_answers(db_session, overrides={"P1-answer": "0", "P1-evidence": ""})
    assert "P1-evidence" in fields(content.submission_problems(form, content.from_form(form, data)))


def test_dont_know_needs_a_reason_but_no_evidence_source_or_confidence(db_session, form):
    data = complete_answers(
        db_session,
        overrides={
            "R6-answer": "dont_know",
            "R6-evidence": "",
            "R6-source": "",
            "R6-confidence": "",
        },
    )
    document = content.from_form(form, data)
    assert fields(content.submission_problems(form, document)) == {"R6-unknown_reason"}
    document["domains"]["R6"]["unknown_reason"] = "no_insight"
    assert content.submission_problems(form, document) == []
    assert content.rating(document, "R6") is None  # never counted as 0
    assert content.coverage(form, document) == (13, 14)


def test_values_of_the_wrong_shape_are_dropped_not_stored(db_session, form):
    data = complete_answers(
        db_session,
        overrides={
            "R1-answer": "7",
            "R1-source": "<script>",
            "worry": "11",
            "contact": "hourly",
        },
    )
    document = content.from_form(form, data)
    assert document["domains"]["R1"]["answer"] is None
    assert document["domains"]["R1"]["source"] is None
    assert document["worry"] is None and document["contact"] is None
    assert {"R1-answer", "contact"} <= fields(content.submission_problems(form, document))


def test_overlong_evidence_is_refused_with_a_message(db_session, form):
    data = complete_answers(db_session, overrides={"R1-evidence": "x" * 2001})
    problems = content.submission_problems(form, content.from_form(form, data))
    assert [str(p.message) for p in problems if p.field == "R1-evidence"] == [
        "At most 2000 characters."
    ]


def test_a_worry_needs_a_reason(db_session, form):
    data = complete_answers(db_session, overrides={"worry": "4"})
    assert "worry_reason" in fields(
        content.submission_problems(form, content.from_form(form, data))
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, False),
        ({"R5-answer": "2"}, True),
        ({"P2-answer": "2"}, False),  # a strong resource is no cause to notify
        ({"worry": "6", "worry_reason": "Uro."}, False),
        ({"worry": "7", "worry_reason": "Stor uro."}, True),
    ],
)
def test_the_duty_to_notify_notice_follows_a_risk_of_2_or_a_serious_worry(
    db_session, form, overrides, expected
):
    document = content.from_form(form, complete_answers(db_session, overrides=overrides))
    assert content.needs_notice(form, document, serious_worry=7) is expected


def test_a_draft_round_trips_through_the_form_fields(db_session, form):
    data = {
        "R1-answer": "dont_know",
        "R1-unknown_reason": "outside_setting",
        "P3-answer": "2",
        "P3-evidence": "Spiller fodbold.",
        "contact": "weekly",
    }
    document = content.from_form(form, data)
    assert content.as_form_data(document) == data
    assert content.loads(content.dumps(document)) == document
