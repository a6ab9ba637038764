"""case_categories: each case's concern categories in one table, for the list's filter.

Through concern_persons and concern_category_links, PostgreSQL hashed both 10,000-row
tables for every category-filtered case list (issue 3). The links stay the record; this
table is derived from them and filled here from what they hold.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 08:19:18
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_categories",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_categories_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["concern_categories.id"],
            name=op.f("fk_case_categories_category_id_concern_categories"),
        ),
        sa.PrimaryKeyConstraint("category_id", "case_id", name=op.f("pk_case_categories")),
    )
    with op.batch_alter_table("case_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_categories_case_id"), ["case_id"], unique=False)
    op.execute(
        "INSERT INTO case_categories (category_id, case_id) "
        "SELECT DISTINCT links.category_id, persons.case_id "
        "FROM concern_category_links AS links "
        "JOIN concern_persons AS persons ON persons.concern_id = links.concern_id "
        "WHERE persons.case_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("case_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_categories_case_id"))
    op.drop_table("case_categories")
