"""The home page's numbers: what waits for the coordinator and for a committee member, each
linked to its list, counted through the same policies as the lists."""

from __future__ import annotations

import datetime as dt
import re

from app.audit.actor import Actor
from app.auth.roles import OrganisationType, Role
from app.meetings import agenda, recommendations, running
from tests.factories import make_case, make_organisation, make_user
from tests.meetings.helpers import action_input
from tests.support import login

COORDINATOR = Actor(user_id=None, role="coordinator")


def figures(client) -> list[tuple[str, str]]:
    """(link target, number) for each figure on the home page, in order."""
    page = client.get("/").get_data(as_text=True)
    found = re.findall(
        r'data-testid="figure"><span class="tidlig-figure">(\d+)</span> <a href="([^"]+)"', page
    )
    return [(href, value) for value, href in found]


def held_meeting_with_overdue_action(db_session, owner):
    today = dt.date.today()
    meeting = agenda.plan_meeting(db_session, COORDINATOR, today=today - dt.timedelta(days=30),
                                  held_on=today - dt.timedelta(days=28))
    agenda.add_case(db_session, COORDINATOR, meeting, make_case(db_session, commit=False).id)
    running.start_meeting(db_session, COORDINATOR, meeting)
    recommendations.record_recommendation(
        db_session, COORDINATOR, meeting, meeting.items[0], text="Skolemøde.",
        next_review_on=None,
        actions=[action_input(db_session, owner, "school_meeting", days=7,
                              held_on=meeting.held_on)],
    )
    running.finish_meeting(db_session, COORDINATOR, meeting)
    db_session.commit()


def test_coordinator_sees_what_waits_and_links_to_it(client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    school = make_organisation(db_session, type=OrganisationType.SCHOOL)
    make_case(db_session, status="ready_for_review")
    held_meeting_with_overdue_action(db_session, school)
    login(client, db_session, coordinator)

    assert figures(client) == [
        ("/concerns/inbox", "0"),  # reports from professionals
        ("/concerns/inbox", "2"),  # § 133 not answered: both concerns
        ("/assessments/", "0"),  # assessments past their due date
        ("/assessments/", "0"),  # requests declined lately
        ("/cases", "1"),  # ready for review
        ("/cases?inactive=y", "0"),  # open, nothing on the timeline for 12 months
        ("/cases?over_age=y", "0"),  # open, the young person is 25 or older
        ("/actions/overdue", "1"),
        ("/meetings", "0"),  # the one meeting is held
    ]


def test_committee_member_sees_only_their_organisations_work(client, db_session):
    school = make_organisation(db_session, type=OrganisationType.SCHOOL)
    club = make_organisation(db_session, type=OrganisationType.CLUB)
    member = make_user(db_session, Role.COMMITTEE, organisation=club)
    held_meeting_with_overdue_action(db_session, school)
    login(client, db_session, member)

    assert figures(client) == [
        ("/meetings", "0"),
        ("/cases", "1"),  # a member of the held meeting: its case is assigned to them
        ("/actions/overdue", "0"),  # the overdue action is the school's, not the club's
    ]
