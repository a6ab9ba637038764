"""Keeps case_categories equal to what the concern links say, for the cases given."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.cases.models import CaseCategory, ConcernCategoryLink, ConcernPerson


def derived_case_categories(case_ids: Collection[int] | None = None):
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


def refresh_case_categories(session: Session, case_ids: Collection[int]) -> None:
    """Rewrite the cases' rows from their concerns' links (flushed first, so they count).

    Rewritten, not patched: the links are the record, and a rewrite cannot drift from them
    whatever changed (a new concern, a merge moving concerns from one case to another).
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
    session.execute(
        insert(CaseCategory).from_select(["category_id", "case_id"], derived_case_categories(ids))
    )
