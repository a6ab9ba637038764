"""Indexes for the case list: its sort order (next review, opened), the age-band filter and
the category filter.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_birth_year"), ["birth_year"], unique=False)
        batch_op.create_index(
            "ix_cases_review_order", ["next_review_on", "opened_at", "id"], unique=False
        )
    with op.batch_alter_table("concern_category_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_category_links_category_id"), ["category_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("concern_category_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_category_links_category_id"))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_review_order")
        batch_op.drop_index(batch_op.f("ix_cases_birth_year"))
