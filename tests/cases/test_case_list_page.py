"""The case list page's cells and filters: the faster rendering shows exactly what it did."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import get_date_format
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.auth.roles import Role
from app.cases.workflow import Status
from app.core.forms import Form, QuickSelect
from app.core.i18n import compile_numeric_date_pattern
from tests.cases.case_helpers import district_with_areas
from tests.factories import make_case, make_person, make_user
from tests.support import login


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


def row_of(html: str, case_id: int) -> str:
    match = re.search(rf'<tr>\s*<td[^>]*><a href="/cases/{case_id}">.*?</tr>', html, re.S)
    assert match, f"no row for case {case_id}"
    return re.sub(r"\s+", " ", match.group(0))


def test_a_row_shows_name_age_status_and_dates_and_marks_overdue(app, client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    _district, (area,) = district_with_areas(db_session)
    today = dt.date.today()
    person = make_person(
        db_session,
        first_name="Vigga",
        last_name="Holm",
        area_id=area.id,
        birth_date=dt.date(today.year - 15, 1, 2),
        commit=False,
    )
    late = make_case(db_session, person=person, status=Status.IN_FOLLOW_UP.value, commit=False)
    late.next_review_on = today - dt.timedelta(days=2)
    closed = make_case(db_session, status=Status.CLOSED.value, commit=False)
    closed.next_review_on = today - dt.timedelta(days=2)
    unplanned = make_case(db_session, commit=False)
    db_session.commit()
    login(client, db_session, coordinator)

    html = client.get("/cases").get_data(as_text=True)

    review = late.next_review_on
    row = row_of(html, late.id)
    assert f"#{late.id}" in row and "Vigga Holm" in row and ">15<" in row
    assert "In follow-up" in row
    assert f"{review.month}/{review.day}/{review.year % 100:02d} <strong>overdue</strong>" in row
    zone = ZoneInfo(app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))
    opened = late.opened_at.astimezone(zone).date()
    assert f">{opened.month}/{opened.day}/{opened.year % 100:02d}<" in row
    assert "overdue" not in row_of(html, closed.id)  # closed cases are never overdue
    assert '<td data-title="Next review">—</td>' in row_of(html, unplanned.id)


def test_the_chosen_filters_stay_selected(app, client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    district, (area,) = district_with_areas(db_session)
    db_session.commit()
    login(client, db_session, coordinator)

    html = client.get(
        f"/cases?status=new&district_id={district.id}&area_id={area.id}&age_band=15_17"
    ).get_data(as_text=True)

    assert '<option selected value="new">' in html
    assert f'<option selected value="{district.id}">{district.name}</option>' in html
    assert f'<option selected value="{area.id}">{area.name}</option>' in html
    assert '<option selected value="15_17">' in html
    assert html.count("<option selected") == 5  # and the category's "All"


@pytest.mark.parametrize("locale", ["da", "en", "en_GB", "de", "fr", "ja"])
def test_the_compiled_short_date_is_babels(locale):
    pattern = get_date_format("short", locale=locale)
    formatter = compile_numeric_date_pattern(pattern.pattern)
    assert formatter is not None
    day = dt.date(1, 1, 1)
    while day.year < 9999:
        assert formatter(day) == pattern.apply(day, Locale.parse(locale)), day
        day += dt.timedelta(days=97)


def test_a_pattern_with_names_is_left_to_babel():
    assert compile_numeric_date_pattern("d. MMM y") is None
    assert compile_numeric_date_pattern("EEEE d/M") is None


class Choices(Form):
    class Meta:
        csrf = False

    kind = SelectField(
        "Kind",
        choices=[
            SelectChoice("", "All"),
            SelectChoice("a<b", 'Tom & "Jerry"'),
            SelectChoice("7", "<script>x</script>"),
        ],
        default="",
    )


@pytest.mark.parametrize("chosen", ["", "a<b", "7", "nothing"])
def test_the_quick_select_is_wtforms_select_html(app, chosen):
    with app.test_request_context():
        form = Choices(data={"kind": chosen})
        expected = str(form.kind(class_="form-select", **{"aria-describedby": "kind-error"}))
        form.kind.widget = QuickSelect()
        quick = str(form.kind(class_="form-select", **{"aria-describedby": "kind-error"}))
    assert quick == expected
    assert "<script>" not in quick


def test_labels_kept_per_language_follow_each_readers_language(app, client, db_session):
    # Statuses, column labels and filter choices are translated once per language and kept:
    # a reader in the other language, in the same process, must get their own.
    danish = make_user(db_session, Role.COORDINATOR)
    english = make_user(db_session, Role.COORDINATOR)
    make_case(db_session, status=Status.NEW.value, commit=False)
    db_session.commit()
    login(client, db_session, english)
    other = app.test_client()
    login(other, db_session, danish)
    assert other.submit("/language", {"locale": "da", "next": "/cases"}).status_code == 302

    for _round in range(2):
        in_english = client.get("/cases").get_data(as_text=True)
        in_danish = other.get("/cases").get_data(as_text=True)
        assert '<td data-title="Status">New</td>' in in_english
        assert '<td data-title="Status">Ny</td>' in in_danish
        assert '<option selected value="">All</option>' in in_english
        assert '<option selected value="">Alle</option>' in in_danish
        assert '<option value="new">New</option>' in in_english
        assert '<option value="new">Ny</option>' in in_danish


def test_a_page_past_the_end_says_so_and_links_back(app, client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    district, (area,) = district_with_areas(db_session)
    make_case(db_session, status=Status.NEW.value, commit=False)
    db_session.commit()
    login(client, db_session, coordinator)

    html = client.get(f"/cases?page=7&status=new&district_id={district.id}").get_data(as_text=True)
    assert "No cases match the filter." in html  # the district has none of them

    html = client.get("/cases?page=7&status=new").get_data(as_text=True)
    assert "There is no page 7: the list has 1 page." in html
    assert "No cases match the filter." not in html
    assert 'href="/cases?status=new">To the first page</a>' in html
