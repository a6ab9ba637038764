"""The case list: filters on plain, indexed columns; only the shown page's names are decrypted."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Row, Select, and_, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.cases.models import Case, CaseCategory, CaseEvent, Person
from app.cases.policy import visible_cases
from app.cases.workflow import Status

PER_PAGE = 50

# (key, label, youngest age, oldest age). Ages from the birth year: the exact date stays secret.
AGE_BANDS: list[tuple[str, object, int, int]] = [
    ("under_12", _l("Under 12"), 0, 11),
    ("12_14", _l("12–14"), 12, 14),
    ("15_17", _l("15–17"), 15, 17),
    ("18_24", _l("18–24"), 18, 24),
    ("25_plus", _l("25 and over"), 25, 200),
]
AGE_BAND_KEYS = [band[0] for band in AGE_BANDS]


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    area_id: int | None = None
    district_id: int | None = None
    age_band: str | None = None
    category_id: int | None = None
    overdue: bool = False
    mine: bool = False
    # Prompts (privacy.md 14), each with its threshold from the settings; None = no filter.
    inactive_months: int | None = None  # open, nothing on the timeline for this long
    age_ceiling: int | None = None  # open, the young person has reached this age

    def as_details(self) -> dict:
        """For the audit row: ids and codes only, never personal data."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, False)}


# What a list row shows of a case: plain columns only. Not the ORM object, whose encrypted
# views (parents', young person's) would be decrypted for every row on the page.
ROW_COLUMNS = (
    Case.id,
    Case.status,
    Case.area_id,
    Case.assigned_to_id,
    Case.birth_year,
    Case.next_review_on,
    Case.opened_at,
)


@dataclass(frozen=True)
class CaseRow:
    case: Row  # the ROW_COLUMNS of one case, by name: row.case.id, row.case.status, ...
    name: str


@dataclass
class CasePage:
    cases: list[CaseRow]
    total: int
    page: int
    per_page: int = PER_PAGE
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def age_band_years(key: str, today: dt.date) -> tuple[int, int]:
    """Birth years (oldest, youngest) of a band, as age = this year − birth year."""
    for band_key, _label, youngest, oldest in AGE_BANDS:
        if band_key == key:
            return today.year - oldest, today.year - youngest
    raise ValueError(key)


LIST_ORDER = (Case.next_review_on.asc().nulls_last(), Case.opened_at, Case.id)


def _filtered(
    query: Select,
    actor: Actor,
    criteria: CaseFilter,
    today: dt.date,
    district: ColumnElement[bool] | None,
) -> Select:
    if criteria.status:
        query = query.where(Case.status == criteria.status)
    if criteria.area_id:
        query = query.where(Case.area_id == criteria.area_id)
    if district is not None:
        query = query.where(district)
    if criteria.age_band:
        first, last = age_band_years(criteria.age_band, today)
        query = query.where(Case.birth_year.between(first, last))
    if criteria.category_id:
        # One range of case_categories' key, not the concern links joined to the cases.
        query = query.where(
            Case.id.in_(
                select(CaseCategory.case_id).where(CaseCategory.category_id == criteria.category_id)
            )
        )
    if criteria.overdue:
        query = query.where(and_(Case.next_review_on < today, Case.status != Status.CLOSED.value))
    if criteria.mine:
        query = query.where(Case.assigned_to_id == actor.user_id)
    if criteria.inactive_months:
        since = inactive_since(today, criteria.inactive_months)
        recent = select(CaseEvent.id).where(
            CaseEvent.case_id == Case.id, CaseEvent.occurred_at >= since
        )
        query = query.where(Case.status != Status.CLOSED.value, ~recent.exists())
    if criteria.age_ceiling:
        query = query.where(
            Case.status != Status.CLOSED.value,
            Case.birth_year <= today.year - criteria.age_ceiling,
        )
    return query


def prompt_criteria(config, *, inactive: bool, over_age: bool) -> dict:
    """The prompts' CaseFilter fields (privacy.md 14), with the municipality's thresholds."""
    return {
        "inactive_months": config["TIDLIG_INACTIVE_MONTHS"] if inactive else None,
        "age_ceiling": config["TIDLIG_AGE_CEILING"] if over_age else None,
    }


def inactive_since(today: dt.date, months: int) -> dt.datetime:
    """The start of the day `months` calendar months before `today` (the day clamped to the
    month's length), in UTC: a timeline entry from then on counts as activity."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return dt.datetime(year, month + 1, day, tzinfo=dt.UTC)


def district_condition(session: Session, district_id: int) -> ColumnElement[bool]:
    """Cases in the district's areas, in the form each database plans well.

    PostgreSQL is given the areas' ids: from a subquery it cannot tell how many cases the
    district holds, so it hashed the whole cases table for each of the list's statements
    (and planning around the subquery cost as much again). SQLite keeps no statistics: given
    a list of ids it starts from the area index and probes every case there, while from the
    subquery it starts from the other filters (a category's few cases) and checks the area.
    """
    from app.areas.models import Area

    areas = select(Area.id).where(Area.district_id == district_id)
    if session.get_bind().dialect.name == "postgresql":
        return Case.area_id.in_(list(session.scalars(areas)))
    return Case.area_id.in_(areas)


def filtered_cases(session: Session, actor: Actor, criteria: CaseFilter, today: dt.date) -> Select:
    """The cases `actor` may see that match `criteria`, in no order."""
    district = district_condition(session, criteria.district_id) if criteria.district_id else None
    return _filtered(visible_cases(actor), actor, criteria, today, district)


def count_statement(base: Select) -> Select:
    # count(*), not count(id): SQLite answers it from the smallest index without reading rows.
    return base.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)


def page_ids_statement(base: Select, page: int) -> Select:
    """The ids of the shown rows, chosen on the cases table alone (its order is an index)."""
    return (
        base.with_only_columns(Case.id)
        .order_by(*LIST_ORDER)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )


def rows_statement(case_ids: list[int]) -> Select:
    """The shown rows with their persons' two name columns, the only ones decrypted.

    By id, in a second statement: as a subquery, PostgreSQL hashed the whole cases table
    to find the fifty (1-2 ms on every list); a list of ids is fifty index lookups.
    """
    return (
        select(*ROW_COLUMNS, Person.first_name, Person.last_name)
        .join(Person, Person.id == Case.person_id)
        .where(Case.id.in_(case_ids))
        .order_by(*LIST_ORDER)
    )


def list_cases(
    session: Session,
    actor: Actor,
    criteria: CaseFilter,
    page: int = 1,
    today: dt.date | None = None,
) -> CasePage:
    """One page of the cases `actor` may see, soonest review first; the search is audited."""
    today = today or dt.date.today()
    page = max(1, page)
    base = filtered_cases(session, actor, criteria, today)
    case_ids = list(session.scalars(page_ids_statement(base, page)))
    if page == 1 and len(case_ids) < PER_PAGE:
        total = len(case_ids)  # everything is on this page: no count needed
    else:
        total = session.scalar(count_statement(base)) or 0
    rows = session.execute(rows_statement(case_ids)).all() if case_ids else []
    width = len(ROW_COLUMNS)
    cases = [CaseRow(row, f"{row[width]} {row[width + 1]}") for row in rows]
    record(
        session,
        actor,
        "case.list",
        object_type="case",
        purpose="case list",
        details={**criteria.as_details(), "page": page, "shown": len(cases)},
    )
    return CasePage(cases, total, page, PER_PAGE)


def age_on(birth_year: int | None, today: dt.date) -> int | None:
    return None if birth_year is None else today.year - birth_year


def today() -> dt.date:
    return dt.date.today()


def locale_code() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "da")


def filter_options(session: Session, locale: str) -> dict[str, list[tuple[int, str]]]:
    """Areas and districts by name, active categories in their order: one round trip.

    Keyed "area", "district" and "category"; the list's filter form needs all three on
    every request, and three queries cost three round trips to the database.
    """
    from app.areas.models import Area, District
    from app.cases.models import ConcernCategory

    label = ConcernCategory.label_en if locale.startswith("en") else ConcernCategory.label_da
    options = union_all(
        select(literal("area").label("kind"), Area.id, Area.name.label("label"), literal(0)),
        select(literal("district"), District.id, District.name, literal(0)),
        select(literal("category"), ConcernCategory.id, label, ConcernCategory.position).where(
            ConcernCategory.active.is_(True)
        ),
    ).subquery()
    found: dict[str, list[tuple[int, str]]] = {"area": [], "district": [], "category": []}
    for kind, key, text, _position in session.execute(
        select(options).order_by(options.c.kind, options.c[3], options.c.label)
    ):
        found[kind].append((key, text))
    return found
