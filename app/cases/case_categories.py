"""Keeps case_categories equal to what the concern links say.

A case's categories only grow while concerns join it, so a new concern adds its own and
never deletes: two concerns about one young person recorded at the same moment (two
systems, or a group concern from each) each add what is theirs, and a row the other has
just added is skipped, not a conflict. Only a merge rewrites a case's rows from the links.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.cases.models import CaseCategory, ConcernCategoryLink, ConcernPerson


def derived_case_categories(case_ids: Collection[int] | None = None) -> Select:
    """(category_id, case_id) of every category of every concern linked to the cases."""
    query = (
        select(ConcernCategoryLink.category_id, ConcernPerson.case_id)
        .join(ConcernPerson, ConcernPerson.concern_id == ConcernCategoryLink.concern_id)
        .where(ConcernPerson.case_id.is_not(None))
        .distinct()
    )
    if case_ids is not None:
        query = query.where(ConcernPerson.case_id.in_(case_ids))
    return query


def _insert_missing(session: Session, rows: Select) -> None:
    """INSERT … SELECT that skips (category, case) pairs already there, on either database."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(CaseCategory)
        .from_select(["category_id", "case_id"], rows)
        .on_conflict_do_nothing()
    )


def add_concern_categories(session: Session, case_id: int, concern_id: int) -> None:
    """The concern's categories become the case's too (its links are flushed first)."""
    session.flush()
    _insert_missing(
        session,
        select(ConcernCategoryLink.category_id, literal(case_id)).where(
            ConcernCategoryLink.concern_id == concern_id
        ),
    )


def refresh_case_categories(session: Session, case_ids: Collection[int]) -> None:
    """Rewrite the cases' rows from their concerns' links, after concerns moved between them.

    Rewritten, not patched: the links are the record, and a rewrite cannot drift from them.
    """
    ids = sorted(set(case_ids))
    if not ids:
        return
    session.flush()
    session.execute(
        delete(CaseCategory)
        .where(CaseCategory.case_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    _insert_missing(session, derived_case_categories(ids))
