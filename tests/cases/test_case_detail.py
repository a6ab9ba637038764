"""The case page: person, concerns, timeline, who has seen it; group concerns hide peers."""

from __future__ import annotations

import datetime as dt

from app.auth.roles import Role
from app.cases import case_services
from app.cases.policy import check_case_access
from tests.cases.case_helpers import (
    actor_for,
    audit_rows,
    details,
    district_with_areas,
    group_concern,
    in_english,
    new_person,
)
from tests.factories import make_case, make_person, make_user
from tests.support import login
from tests.web.helpers import new_client

PURPOSE = "Forberedelse af mødet om skolens uro"


def test_view_case_gathers_the_page_and_audits_the_look(db_session):
    _district, (area,) = district_with_areas(db_session)
    person = make_person(db_session, first_name="Signe", last_name="Holm", area_id=area.id,
                         birth_date=dt.date(2011, 4, 17), commit=False)
    person.institution = "Hunderup Skole"
    case = make_case(db_session, person=person, categories=("violence", "threats"),
                     narrative="Truede en elev i frikvarteret.")
    coordinator = make_user(db_session, Role.COORDINATOR)
    actor = actor_for(coordinator)
    access = check_case_access(db_session, actor, case.id)
    detail = case_services.view_case(db_session, actor, access, today=dt.date(2026, 11, 23))
    assert (detail.name, detail.age, detail.area_name, detail.institution) == (
        "Signe Holm", 15, area.name, "Hunderup Skole")
    [concern] = detail.concerns
    assert [c.key for c in concern.categories] == ["violence", "threats"]
    assert concern.narrative == "Truede en elev i frikvarteret." and not concern.is_group
    assert {e.kind for e in detail.timeline} == {"case.opened", "concern.added"}
    db_session.commit()
    [row] = audit_rows(db_session, "case.view", case.id)
    assert row.purpose == "case work" and row.outcome == "ok" and row.details is None
    assert detail.viewers is not None


def test_who_has_seen_lists_every_viewer_for_the_coordinator_only(app, client, db_session):
    case = make_case(db_session)
    coordinator = make_user(db_session, Role.COORDINATOR, full_name="Karen Koordinator")
    member = make_user(db_session, Role.COMMITTEE, full_name="Per Politi")
    member_client = new_client(app, ip="192.0.2.41")
    login(member_client, db_session, member)
    member_page = member_client.submit(f"/cases/{case.id}/purpose", {"purpose": PURPOSE},
                                       page=f"/cases/{case.id}")
    assert member_page.status_code == 200
    assert 'data-testid="viewers"' not in member_page.get_data(as_text=True)

    login(client, db_session, coordinator)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    panel = html.split('data-testid="viewers"', 1)[1]
    assert "Per Politi" in panel and PURPOSE in panel and member.organisation.name in panel
    assert "Karen Koordinator" in panel  # this very look is listed too
    db_session.rollback()
    viewers = case_services.who_has_seen(db_session, case)
    assert [v.user_name for v in viewers] == ["Karen Koordinator", "Per Politi"]
    assert [v.outside_assignment for v in viewers] == [False, True]
    assert viewers[1].role == Role.COMMITTEE.value


def test_a_group_concern_never_names_or_counts_the_peers(app, client, db_session):
    anna = new_person(db_session, "Annabella", "Skovgaard")
    peers = [new_person(db_session, name, "Fjeldsted") for name in ("Bertram", "Cornelius")]
    _concern, (case, *peer_cases) = group_concern(db_session, [anna, *peers])
    coordinator = make_user(db_session, Role.COORDINATOR)
    actor = actor_for(coordinator)
    detail = case_services.view_case(db_session, actor, check_case_access(db_session, actor,
                                                                           case.id))
    [concern] = detail.concerns
    assert concern.is_group
    assert "persons" not in vars(concern) and "count" not in str(vars(concern))
    db_session.commit()

    login(client, db_session, coordinator)
    in_english(client)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Annabella" in html and "Group concern" in html
    for forbidden in ("Bertram", "Cornelius", "Fjeldsted", f"/cases/{peer_cases[0].id}\"",
                      "3 persons", "2 others"):
        assert forbidden not in html
    assert " 2 " not in html.split("Group concern", 1)[1].split("</p>", 1)[0]


def test_the_told_record_and_the_review_date_are_shown(app, client, db_session):
    case = make_case(db_session, commit=False)
    case.parents_informed, case.parents_view = True, "Mor er bekymret og vil gerne samarbejde."
    case.young_person_informed = False
    case.next_review_on = dt.date(2026, 12, 7)
    db_session.commit()
    coordinator = make_user(db_session, Role.COORDINATOR)
    login(client, db_session, coordinator)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    told = html.split('data-testid="informed"', 1)[1].split("</dl>", 1)[0]
    assert "Mor er bekymret og vil gerne samarbejde." in told
    assert told.count("<dd>") == 4
    assert "07.12.2026" in html or "12/7/26" in html


def test_the_purpose_is_audited_for_outside_assignment_views(db_session):
    case = make_case(db_session)
    actor = actor_for(make_user(db_session, Role.COMMITTEE))
    access = check_case_access(db_session, actor, case.id, PURPOSE)
    detail = case_services.view_case(db_session, actor, access)
    assert detail.viewers is None
    db_session.commit()
    [row] = audit_rows(db_session, "case.view", case.id)
    assert row.purpose == PURPOSE and details(row) == {"outside_assignment": True}
