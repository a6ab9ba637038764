"""Covering indexes for the case list's slowest filters (issue 3: the list at 10,000 cases).

Category (from a category to its concerns and on to their cases), overdue (review passed,
not closed), assigned to me with a status, and an age band in the list's order: each is
now answered from an index alone. The indexes they replace were prefixes of the new ones.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 05:03:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_review_order")
        batch_op.create_index(
            "ix_cases_review_order", ["next_review_on", "opened_at", "id", "status"], unique=False
        )
        batch_op.drop_index("ix_cases_assigned_to_id")
        batch_op.create_index(
            "ix_cases_assigned_status", ["assigned_to_id", "status"], unique=False
        )
        batch_op.drop_index("ix_cases_birth_year")
        batch_op.create_index(
            "ix_cases_birth_year_review",
            ["birth_year", "next_review_on", "opened_at"],
            unique=False,
        )
    with op.batch_alter_table("concern_category_links", schema=None) as batch_op:
        batch_op.drop_index("ix_concern_category_links_category_id")
        batch_op.create_index(
            "ix_concern_category_links_category_concern",
            ["category_id", "concern_id"],
            unique=False,
        )
    with op.batch_alter_table("concern_persons", schema=None) as batch_op:
        batch_op.drop_index("ix_concern_persons_concern_id")
        batch_op.create_index(
            "ix_concern_persons_concern_case", ["concern_id", "case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("concern_persons", schema=None) as batch_op:
        batch_op.drop_index("ix_concern_persons_concern_case")
        batch_op.create_index("ix_concern_persons_concern_id", ["concern_id"], unique=False)
    with op.batch_alter_table("concern_category_links", schema=None) as batch_op:
        batch_op.drop_index("ix_concern_category_links_category_concern")
        batch_op.create_index(
            "ix_concern_category_links_category_id", ["category_id"], unique=False
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_birth_year_review")
        batch_op.create_index("ix_cases_birth_year", ["birth_year"], unique=False)
        batch_op.drop_index("ix_cases_assigned_status")
        batch_op.create_index("ix_cases_assigned_to_id", ["assigned_to_id"], unique=False)
        batch_op.drop_index("ix_cases_review_order")
        batch_op.create_index(
            "ix_cases_review_order", ["next_review_on", "opened_at", "id"], unique=False
        )
