"""The profile (instrument.md "Showing it"): cells per assessor in the instrument's order,
"don't know" never a 0, coverage, discussion points, and change between rounds."""

from __future__ import annotations

from app.assessments.profile import suggestion_profile
from app.assessments.requests import AssessorInput
from tests.assessments.helpers import ask, submit_answers
from tests.assessments.profile_helpers import answered, profile_of, repeated, teacher
from tests.factories import make_case, make_user

RISKS = [f"R{n}" for n in range(1, 9)]
RESOURCES = [f"P{n}" for n in range(1, 7)]
DONT_KNOW = {"R3-answer": "dont_know", "R3-unknown_reason": "no_insight"}


def test_two_rows_of_cells_in_the_instruments_order_with_coverage(db_session):
    case = make_case(db_session)
    answered(db_session, case, (teacher(1), {**DONT_KNOW, "P2-answer": "not_relevant"}))
    (assessor,) = profile_of(db_session, case).latest.assessors
    assert [c.key for c in assessor.rows["risk"]] == RISKS
    assert [c.key for c in assessor.rows["resilience"]] == RESOURCES
    # "not relevant" is an answer; only "don't know" leaves a domain unknown.
    assert assessor.coverage == (13, 14)
    assert assessor.name == "Lærer 1" and assessor.setting == "Tarup Skole, 1. klasse"


def test_dont_know_and_not_relevant_are_states_never_a_zero(db_session):
    case = make_case(db_session)
    answered(db_session, case, (teacher(1), {**DONT_KNOW, "P2-answer": "not_relevant"}))
    assessor = profile_of(db_session, case).latest.assessors[0]
    dont_know, not_relevant = assessor.cell("R3"), assessor.cell("P2")
    assert (dont_know.state, dont_know.rating, dont_know.text) == ("dont_know", None, "Don't know")
    assert (not_relevant.state, not_relevant.rating) == ("not_relevant", None)
    assert not_relevant.text == "Not relevant"
    assert assessor.cell("R1").text == "Some concern (1)"


def test_suggestions_take_the_highest_known_risk_and_the_lowest_known_resource(db_session):
    case = make_case(db_session)
    answered(
        db_session,
        case,
        (teacher(1), {**DONT_KNOW, "R4-answer": "2", "P1-answer": "2"}),
        (teacher(2), {**DONT_KNOW, "R4-answer": "0", "P1-answer": "0"}),
    )
    profile = suggestion_profile(profile_of(db_session, case))
    assert profile["R3"] is None  # nobody knows: no guess, and never 0
    assert profile["R4"] == 2 and profile["P1"] == 0
    assert profile["R1"] == 1


def test_a_difference_of_two_is_a_discussion_point_and_of_one_is_not(db_session):
    case = make_case(db_session)
    answered(
        db_session,
        case,
        (teacher(1), {"R2-answer": "2", "R4-answer": "1", "R5-answer": "2", "P3-answer": "0"}),
        (
            teacher(2),
            {
                "R2-answer": "0",
                "R4-answer": "2",
                "R5-answer": "dont_know",
                "R5-unknown_reason": "outside_setting",
                "P3-answer": "2",
            },
        ),
    )
    latest = profile_of(db_session, case).latest
    assert [point.key for point in latest.discussion] == ["R2", "P3"]
    first, second = latest.assessors
    assert first.cell("R2").discussion and second.cell("R2").discussion
    assert not first.cell("R4").discussion  # 1 against 2
    assert not first.cell("R5").discussion  # 2 against "don't know": nothing to compare
    assert latest.discussion[0].ratings == [
        ("Lærer 1", "Clear concern (2)"),
        ("Lærer 2", "Looked for, not seen (0)"),
    ]


def test_change_only_where_both_rounds_know_and_unknown_to_known_is_new_information(
    db_session,
):
    case = make_case(db_session)
    answered(
        db_session,
        case,
        (teacher(1), {"R1-answer": "1", **DONT_KNOW, "R4-answer": "2", "P1-answer": "2"}),
    )
    repeated(
        db_session,
        case,
        {
            "R1-answer": "2",
            "R3-answer": "1",
            "R4-answer": "dont_know",
            "R4-unknown_reason": "no_insight",
            "P1-answer": "0",
        },
    )
    profile = profile_of(db_session, case)
    assert [r.number for r in profile.rounds] == [1, 2]
    now = profile.latest.assessors[0]
    assert now.continuity == "same" and not now.changed
    assert now.cell("R1").change == "up"
    assert now.cell("P1").change == "down"
    assert now.cell("R2").change == "same"
    assert now.cell("R3").change == "new_information"
    assert now.cell("R3").previous_text == "Don't know"
    assert now.cell("R4").change == "no_longer_known"
    # The round before is left as it was: it is shown beside, not rewritten.
    assert profile.previous.assessors[0].cell("R1").change is None


def test_a_change_of_assessor_or_setting_is_flagged(db_session):
    case = make_case(db_session)
    answered(db_session, case, (teacher(1), {}), (teacher(2), {}))
    moved = AssessorInput("Lærer 1", "LAERER1@skole.example", "Klubben Vollsmose", "club")
    issued = ask(db_session, case, moved, teacher(3))
    for item in issued:
        submit_answers(db_session, item)
    latest = profile_of(db_session, case).latest
    same_person, newcomer = latest.assessors
    assert same_person.continuity == "setting_changed" and same_person.changed
    assert same_person.cell("R1").change == "same"  # matched by e-mail, case-insensitively
    assert newcomer.continuity == "new_assessor" and newcomer.changed
    assert all(cell.change is None for cell in newcomer.cells)


def test_an_assessor_with_an_account_is_paired_by_user_before_e_mail(db_session):
    case = make_case(db_session)
    user = make_user(db_session, "assessor")
    first = AssessorInput("", "", "Tarup Skole", "school", user.id)
    answered(db_session, case, (first, {"R1-answer": "0"}))
    repeated(db_session, case, {"R1-answer": "2"})
    now = profile_of(db_session, case).latest.assessors[0]
    assert now.user_id == user.id and now.continuity == "same"
    assert now.cell("R1").change == "up"


def test_only_submitted_assessments_make_a_round(db_session):
    case = make_case(db_session)
    waiting, done = ask(db_session, case, teacher(1), teacher(2))
    submit_answers(db_session, done)
    profile = profile_of(db_session, case)
    assert [a.name for a in profile.latest.assessors] == ["Lærer 2"]
    assert profile.previous is None


def test_the_profile_feeds_meeting_modes_measure_suggestions(db_session):
    from app.assessments.queries import profile_for_suggestions
    from app.meetings.suggestions import PROFILE_PROVIDERS, suggestions_for_case

    case = make_case(db_session)
    assert profile_for_suggestions in PROFILE_PROVIDERS
    assert suggestions_for_case(db_session, case.id) is None  # nothing answered yet
    answered(db_session, case, (teacher(1), {"R3-answer": "2", "P3-answer": "0"}))
    assert profile_for_suggestions(db_session, case.id)["R3"] == 2
    assert suggestions_for_case(db_session, case.id)  # the catalogue has measures for these
