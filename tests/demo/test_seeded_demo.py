"""The seeded demo municipality: complete, believable, nothing readable at rest; its
meetings agree with the cases' statuses; a believable share of cases is assessed.

Seeding the demo takes ~25 s (six published releases, each with its LP disclosure audit),
so it runs once (the demo_snapshot fixture, which checks that `flask seed-demo` succeeds)
and every test gets its own copy of the result: milliseconds on SQLite, well under a
second on PostgreSQL (CREATE DATABASE ... TEMPLATE). One module, so that `--dist loadfile`
seeds it on one worker only. The commands on an empty or refused database: test_seed.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from app import config, create_app
from app.areas.models import Area, District
from app.assessments import content
from app.assessments.instrument import current_instrument
from app.assessments.listing import case_assessments
from app.assessments.models import Assessment, AssessmentRequest, Invitation
from app.audit.actor import Actor
from app.auth.models import User
from app.auth.roles import Role
from app.cases.cpr import birth_date_from_cpr
from app.cases.models import Case, CaseEvent, Person
from app.cases.policy import CaseAccess
from app.db import normalise_url
from app.mail.models import OutboxMessage
from app.meetings.models import Action, ActionCheck, AgendaItem, Meeting, Recommendation
from tests.conftest import POSTGRES_URL, migrate, worker_database
from tests.factories import make_user

# The seeded rows are encrypted and indexed with these: every copy's app needs the same.
KEY_SETTINGS = ("TIDLIG_DATA_KEYS", "TIDLIG_INDEX_KEY", "TIDLIG_AUDIT_KEY")


@dataclass(frozen=True)
class DemoSnapshot:
    url: str
    instance: Path
    keys: dict


def _admin_url() -> str:
    return worker_database(normalise_url(POSTGRES_URL))


def _recreate_postgres(admin_url: str, name: str, template: str | None = None) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        suffix = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    admin.dispose()
    return f"{admin_url.rsplit('/', 1)[0]}/{name}"


def _drop_postgres(admin_url: str, *names: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def demo_snapshot(request, tmp_path_factory):
    """`flask seed-demo` once, on the schema the migrations build; kept for copying."""
    directory = tmp_path_factory.mktemp("demo-snapshot")
    if POSTGRES_URL:
        admin_url = _admin_url()
        own = admin_url.rsplit("/", 1)[1]
        url = _recreate_postgres(admin_url, f"{own}_demo")
        migrate(url)
    else:
        url = f"sqlite:///{directory / 'tidlig.db'}"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), directory / "tidlig.db")
    instance = directory / "instance"
    app = create_app(
        {
            "TIDLIG_MODE": "testing",
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "TIDLIG_AUDIT_HEAD_FILE": str(instance / "audit-head.json"),
            "TIDLIG_BASE_URL": "https://localhost",
        }
    )
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.extensions["tidlig_db"].engine.dispose()
    assert result.exit_code == 0, result.output
    yield DemoSnapshot(url, instance, {k: app.config[k] for k in KEY_SETTINGS})
    if POSTGRES_URL:
        _drop_postgres(admin_url, f"{own}_demo", f"{own}_demo_copy")


@pytest.fixture
def database_url(demo_snapshot, tmp_path) -> str:
    """A private copy of the seeded database, and of the instance folder beside it."""
    # copytree keeps the files' modes: demo-logins.txt stays readable by its owner only.
    shutil.copytree(demo_snapshot.instance, tmp_path / "instance")
    if POSTGRES_URL:
        template = demo_snapshot.url.rsplit("/", 1)[1]
        return _recreate_postgres(_admin_url(), f"{template}_copy", template=template)
    source = Path(demo_snapshot.url.removeprefix("sqlite:///"))
    target = tmp_path / "tidlig.db"
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


@pytest.fixture
def app_settings(app_settings, demo_snapshot) -> dict:
    return {**app_settings, **demo_snapshot.keys}


# --- the whole demo ---------------------------------------------------------------------

def seed(runner, *args):
    return runner.invoke(args=["seed-demo", *args])


def check_areas_districts_people_and_one_login_per_role(db_session, app):
    assert db_session.scalar(select(func.count()).select_from(Area)) == 35
    assert db_session.scalar(select(func.count()).select_from(District)) == 10
    assert db_session.scalar(select(func.count()).select_from(Person)) == 400
    emails = set(db_session.scalars(select(User.email)))
    assert emails == {f"{role.value}@demo.tidlig.dk" for role in Role}
    logins = (Path(app.instance_path) / "demo-logins.txt").read_text().splitlines()
    assert len(logins) == 6
    assert (Path(app.instance_path) / "demo-logins.txt").stat().st_mode & 0o077 == 0


def check_persons_have_valid_format_cprs_matching_birth_date_and_gender(db_session):
    people = list(db_session.scalars(select(Person)))
    canary = [p for p in people if p.first_name == "Zorbatronix"]
    assert len(canary) == 1 and canary[0].cpr == "010203-1234"
    for person in people:
        assert len(person.cpr) == 11 and person.cpr[6] == "-"
        assert birth_date_from_cpr(person.cpr) == person.birth_date
        assert (int(person.cpr[-1]) % 2 == 1) == (person.gender == "male")
    young = [p for p in people if p is not canary[0]]
    ages = {(p.created_at.date() - p.birth_date).days // 365 for p in young}
    assert min(ages) >= 9 and max(ages) <= 24


def check_seeding_twice_changes_nothing(runner, db_session):
    again = seed(runner)
    assert again.exit_code == 0
    assert "already in place" in again.output
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Person)) == 400


def check_demo_code_prints_a_valid_code_for_demo_accounts_only(runner, db_session):
    import pyotp

    code = runner.invoke(args=["demo-code", "coordinator@demo.tidlig.dk"]).output.strip()
    db_session.rollback()
    user = db_session.scalar(select(User).where(User.email == "coordinator@demo.tidlig.dk"))
    assert pyotp.TOTP(user.totp_secret).verify(code)
    make_user(db_session, Role.ADMIN, email="real@odense.dk")
    assert runner.invoke(args=["demo-code", "real@odense.dk"]).exit_code == 1


def check_concerns_over_18_months_with_groups_cases_in_every_status_and_an_inbox(db_session):
    import datetime as dt

    from app.cases.models import Case, Concern, ConcernPerson, PersonSearchToken
    from app.cases.workflow import Status

    concerns = list(db_session.scalars(select(Concern)))
    recorded = [c for c in concerns if c.status == "recorded"]
    assert len(recorded) == 250
    assert 1 <= len([c for c in concerns if c.status == "inbox"]) <= 10
    oldest = min(c.occurred_on for c in recorded)
    assert dt.date.today() - oldest > dt.timedelta(days=365)
    assert all(dt.date.today() - c.occurred_on <= dt.timedelta(days=550) for c in concerns)
    sizes = [len(c.links) for c in recorded]
    assert max(sizes) <= 4 and len([s for s in sizes if s > 1]) >= 10
    assert len({c.area_id for c in recorded}) >= 10
    assert len({cat.key for c in recorded for cat in c.categories}) >= 8
    statuses = set(db_session.scalars(select(Case.status)))
    assert statuses == {s.value for s in Status}
    assert db_session.scalar(select(func.count()).select_from(ConcernPerson).where(
        ConcernPerson.case_id.is_(None))) == len(concerns) - len(recorded)
    assert db_session.scalar(select(func.count()).select_from(PersonSearchToken)) >= 1200
    canary = db_session.scalar(select(Person).where(Person.cpr_index.is_not(None))
                               .order_by(Person.id))
    assert canary.first_name == "Zorbatronix"
    assert db_session.scalar(select(Case).where(Case.person_id == canary.id)) is not None
    check_case_categories_match_the_concern_links(db_session)


def check_case_categories_match_the_concern_links(db_session):
    """The case list's category filter finds exactly the demo cases whose concerns say so."""
    from app.cases.case_categories import derived_case_categories
    from app.cases.models import CaseCategory

    stored = set(db_session.execute(select(CaseCategory.category_id, CaseCategory.case_id)))
    assert len(stored) >= 200
    assert stored == set(db_session.execute(derived_case_categories()))


def test_one_seeding_builds_the_whole_demo_and_a_second_changes_nothing(runner, db_session, app):
    """The seeding is the demo_snapshot fixture's (which checks that it succeeded)."""
    check_areas_districts_people_and_one_login_per_role(db_session, app)
    check_persons_have_valid_format_cprs_matching_birth_date_and_gender(db_session)
    check_concerns_over_18_months_with_groups_cases_in_every_status_and_an_inbox(db_session)
    check_seeding_twice_changes_nothing(runner, db_session)
    # Last: it adds a real account, after which seeding refuses the database.
    check_demo_code_prints_a_valid_code_for_demo_accounts_only(runner, db_session)


def test_two_installations_get_different_demo_passwords(make_app, app, tmp_path):
    first = (Path(app.instance_path) / "demo-logins.txt").read_text()
    # Its own keys, as another installation has (make_app would reuse the snapshot's).
    own_keys = {k: v for k, v in config.testing_settings().items() if k in KEY_SETTINGS}
    other = make_app(INSTANCE_PATH=str(tmp_path / "other-instance"),
                     DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}", **own_keys)
    from sqlalchemy import create_engine

    from app.db import Base

    engine = create_engine(other.config["DATABASE_URL"])
    Base.metadata.create_all(engine)
    engine.dispose()
    # One release instead of six: the passwords are made before any monitoring data.
    assert other.test_cli_runner().invoke(args=["seed-demo", "--quarters", "1"]).exit_code == 0
    second = (Path(other.instance_path) / "demo-logins.txt").read_text()
    passwords = lambda text: {line.split()[2] for line in text.splitlines()}  # noqa: E731
    assert passwords(first).isdisjoint(passwords(second))


def test_raw_sqlite_files_hold_no_demo_names_or_cprs(db_session, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("raw-file check reads the SQLite file and its WAL")
    people = list(db_session.scalars(select(Person)))
    db_session.rollback()
    path = Path(database_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    lowered = raw.lower()
    needles = set()
    for person in people:
        full = f"{person.first_name} {person.last_name}"
        needles |= {full, person.cpr, person.cpr.replace("-", "")}
    needles |= {"Zorbatronix", "0102031234"}
    found = [n for n in needles if in_raw_bytes(n, raw, lowered)]
    assert found == []


def in_raw_bytes(needle: str, raw: bytes, lowered: bytes) -> bool:
    """The needle as written, or lowercased, anywhere in the raw bytes.

    bytes.lower() lowers ASCII only. Where that gives the same as lowercasing the text
    (every needle without a non-ASCII capital), a hit in `raw` is also one in `lowered`,
    so one search of the 9 MB answers both: half the time of the check.
    """
    written, lower = needle.encode(), needle.lower().encode()
    if written.lower() != lower and written in raw:
        return True
    return lower in lowered


def test_the_raw_byte_search_finds_a_name_as_written_or_lowercased():
    for name in ("Åse Ærø-Zorbatronix", "Emil Jensen", "010203-1234"):
        for raw in (b"..%s.." % name.encode(), b"..%s.." % name.lower().encode()):
            assert in_raw_bytes(name, raw, raw.lower()), (name, raw)
    assert in_raw_bytes("Emil Jensen", b"..EMIL JENSEN..", b"..emil jensen..")
    assert not in_raw_bytes("Åse Ærø", b"..Ase Aero..", b"..ase aero..")


# --- its meetings ------------------------------------------------------------------------

def test_demo_has_six_held_meetings_and_the_next_one_planned_with_an_agenda(db_session):
    today = dt.date.today()
    meetings = list(db_session.scalars(select(Meeting).order_by(Meeting.held_on)))
    held, planned = meetings[:-1], meetings[-1]
    assert [m.status for m in meetings] == ["held"] * 6 + ["planned"]
    assert all(m.held_on < today for m in held) and planned.held_on >= today
    assert {(b.held_on - a.held_on).days for a, b in zip(meetings, meetings[1:], strict=False)} == {
        7
    }
    assert all(m.members for m in meetings) and all(m.location for m in meetings)
    assert {mm.attended for m in held for mm in m.members} == {True, False}
    assert planned.items and all(item.kind in ("review", "follow_up") for item in planned.items)

    actions = list(db_session.scalars(select(Action)))
    assert {a.status for a in actions} == {"open", "done", "not_done"}
    assert any(a.status == "open" and a.deadline < today for a in actions)  # overdue
    assert {a.outcome for a in actions} >= {"effect_seen", "no_effect", None}
    assert len({a.owner_organisation_id for a in actions}) >= 5
    reasons = set(
        db_session.scalars(select(ActionCheck.reason).where(ActionCheck.result == "not_done"))
    )
    assert len(reasons) >= 2
    sizes = [len(r.actions) for r in db_session.scalars(select(Recommendation))]
    assert max(sizes) == 3 and sizes.count(0) == 2


def test_demo_case_statuses_agree_with_the_meetings(db_session):
    recommended = set(db_session.scalars(select(Recommendation.case_id)))
    planned = db_session.scalar(select(Meeting).where(Meeting.status == "planned"))
    on_next_agenda = set(
        db_session.scalars(select(AgendaItem.case_id).where(AgendaItem.meeting_id == planned.id))
    )
    with_open_action = set(
        db_session.scalars(select(Action.case_id).where(Action.status == "open"))
    )
    cases = list(db_session.scalars(select(Case)))
    for case in cases:
        if case.status == "in_follow_up":
            assert case.id in recommended
            assert case.next_review_on or case.id in with_open_action
        elif case.status == "recommendation_made":
            assert case.id in recommended
        elif case.status == "on_agenda":
            assert case.id in on_next_agenda
    assert {c.id for c in cases if c.status == "on_agenda"} == on_next_agenda
    assert db_session.scalar(select(func.count()).select_from(Recommendation)) >= 40


# --- its assessments ---------------------------------------------------------------------

def check_about_forty_cases_have_two_assessors_and_some_two_rounds(db_session):
    requests = db_session.scalars(select(AssessmentRequest)).all()
    by_case_round = Counter((r.case_id, r.round) for r in requests)
    cases = {case_id for case_id, _round in by_case_round}
    assert 35 <= len(cases) <= 45
    assert set(by_case_round.values()) == {2}
    second = {case_id for case_id, number in by_case_round if number == 2}
    assert len(second) >= 4
    statuses = Counter(r.status for r in requests)
    assert statuses["submitted"] >= 60 and statuses["open"] >= 5
    assert 1 <= statuses["declined"] <= 3
    assert {r.setting_kind for r in requests} >= {"school", "club", "youth_school"}
    # Waiting requests: some due soon, some overdue, as a daily reminder run would find them.
    today = dt.date.today()
    waiting = [r for r in requests if r.status == "open"]
    assert any(r.due_on < today for r in waiting) and any(r.due_on >= today for r in waiting)
    assert all(r.requested_at.date() <= today for r in requests)


def check_answers_have_dont_knows_and_show_change_between_rounds(db_session):
    form = current_instrument(db_session)
    submitted = db_session.scalars(select(Assessment).where(Assessment.status == "submitted")).all()
    documents = {a.request_id: content.loads(a.content) for a in submitted}
    assert all(not content.submission_problems(form, d) for d in documents.values())
    states = Counter(content.state(d, key.key) for d in documents.values() for key in form.domains)
    assert states["dont_know"] >= 20 and states["not_relevant"] >= 1
    assert {states[str(r)] > 0 for r in (0, 1, 2)} == {True}
    requests = {r.id: r for r in db_session.scalars(select(AssessmentRequest))}
    rounds = defaultdict(dict)
    for request_id, document in documents.items():
        request = requests[request_id]
        rounds[(request.case_id, request.assessor_email)][request.round] = document
    changed = [
        key.key
        for pair in rounds.values()
        if 1 in pair and 2 in pair
        for key in form.domains
        if None not in (content.rating(pair[1], key.key), content.rating(pair[2], key.key))
        and content.rating(pair[1], key.key) != content.rating(pair[2], key.key)
    ]
    assert len(changed) >= 5
    # Drafts for some waiting requests: half-filled forms.
    drafts = db_session.scalars(select(Assessment).where(Assessment.status == "draft")).all()
    assert drafts and all(requests[d.request_id].status == "open" for d in drafts)


def check_times_are_the_storys_and_case_statuses_are_kept(db_session):
    requests = db_session.scalars(select(AssessmentRequest)).all()
    for request in requests:
        invitation = db_session.scalar(
            select(Invitation).where(Invitation.request_id == request.id).limit(1)
        )
        assert invitation.created_at == request.requested_at
        if request.closed_at:
            assert request.closed_at > request.requested_at
    case_ids = {r.case_id for r in requests}
    events = db_session.scalars(
        select(CaseEvent).where(
            CaseEvent.case_id.in_(case_ids), CaseEvent.kind == "assessments.requested"
        )
    ).all()
    asked = {r.requested_at for r in requests}
    assert events and all(e.occurred_at in asked for e in events)
    statuses = Counter(db_session.get(Case, case_id).status for case_id in case_ids)
    assert statuses["new"] == 0 and statuses["in_follow_up"] >= 4
    assert statuses["assessments_requested"] >= 3


def check_no_demo_mail_names_the_canary_and_every_mail_is_marked_sent(db_session):
    mails = db_session.scalars(select(OutboxMessage)).all()
    assert len(mails) >= 80
    assert {m.kind for m in mails} >= {"assessment.invitation", "assessment.declined"}
    for mail in mails:
        text = f"{mail.subject}\n{mail.body}".lower()
        assert "zorbatronix" not in text and "mikkelsen" not in text
        assert mail.sent_at is not None and mail.sent_at > mail.created_at
    canary_case = next(
        c for c in db_session.scalars(select(Case)) if c.person.first_name == "Zorbatronix"
    )
    assert not db_session.scalars(
        select(AssessmentRequest).where(AssessmentRequest.case_id == canary_case.id)
    ).all()


def check_a_demo_case_lists_through_the_api_service(db_session):
    case_id = db_session.scalar(
        select(AssessmentRequest.case_id).where(AssessmentRequest.round == 2).limit(1)
    )
    case = db_session.get(Case, case_id)
    rows = case_assessments(
        db_session, Actor.system("tests"), CaseAccess(case, None, outside_assignment=False)
    )
    assert [r.request.round for r in rows] == [1, 1, 2, 2]
    assert all(r.answers["coverage"]["total"] == 14 for r in rows if r.answers)


def check_the_next_meetings_cases_have_their_assessments(db_session):
    from app.meetings.models import AgendaItem, Meeting

    upcoming = set(db_session.scalars(
        select(AgendaItem.case_id).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.status == "planned")
    ))
    answered = set(db_session.scalars(
        select(AssessmentRequest.case_id).where(AssessmentRequest.status == "submitted")
    ))
    assert upcoming and upcoming <= answered


def test_the_demo_assessments(db_session):
    """All the checks on one copy of the seeded demo."""
    check_about_forty_cases_have_two_assessors_and_some_two_rounds(db_session)
    check_answers_have_dont_knows_and_show_change_between_rounds(db_session)
    check_times_are_the_storys_and_case_statuses_are_kept(db_session)
    check_no_demo_mail_names_the_canary_and_every_mail_is_marked_sent(db_session)
    check_a_demo_case_lists_through_the_api_service(db_session)
    check_the_next_meetings_cases_have_their_assessments(db_session)
