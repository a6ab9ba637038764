"""Area monitoring: populations, rollups of concerns, frozen releases with disclosure
control, indicators and classification, board memberships, action plans.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:27:08.695850
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_classification_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("class_key", sa.String(length=40), nullable=False),
        sa.Column("label_da", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("min_conditions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_classification_rules")),
    )
    op.create_table(
        "monitoring_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name_da", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("definition_da", sa.Text(), nullable=False),
        sa.Column("definition_en", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("higher_is_worse", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_indicators")),
        sa.UniqueConstraint("key", name=op.f("uq_monitoring_indicators_key")),
    )
    op.create_table(
        "area_populations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("youth_population", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_area_populations_area_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_populations")),
        sa.UniqueConstraint("area_id", "year", name=op.f("uq_area_populations_area_id")),
    )
    with op.batch_alter_table("area_populations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_populations_area_id"), ["area_id"], unique=False)

    op.create_table(
        "board_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_board_memberships_district_id_districts"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_board_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_memberships")),
        sa.UniqueConstraint("user_id", "district_id", name=op.f("uq_board_memberships_user_id")),
    )
    with op.batch_alter_table("board_memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "monitoring_action_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("focus_area_codes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_monitoring_action_plans_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_monitoring_action_plans_district_id_districts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_action_plans")),
    )
    with op.batch_alter_table("monitoring_action_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_action_plans_district_id"), ["district_id"], unique=False
        )

    op.create_table(
        "monitoring_area_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("class_key", sa.String(length=40), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_monitoring_area_classes_area_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_area_classes")),
        sa.UniqueConstraint("area_id", "year", name=op.f("uq_monitoring_area_classes_area_id")),
    )
    with op.batch_alter_table("monitoring_area_classes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_area_classes_area_id"), ["area_id"], unique=False
        )

    op.create_table(
        "monitoring_concern_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("concerns", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_monitoring_concern_cells_area_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_concern_cells")),
        sa.UniqueConstraint(
            "area_id",
            "month",
            "category",
            "age_band",
            "gender",
            name=op.f("uq_monitoring_concern_cells_area_id"),
        ),
    )
    with op.batch_alter_table("monitoring_concern_cells", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_concern_cells_month"), ["month"], unique=False
        )

    op.create_table(
        "monitoring_indicator_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_monitoring_indicator_values_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["monitoring_indicators.id"],
            name=op.f("fk_monitoring_indicator_values_indicator_id_monitoring_indicators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_indicator_values")),
        sa.UniqueConstraint(
            "indicator_id",
            "area_id",
            "period",
            name=op.f("uq_monitoring_indicator_values_indicator_id"),
        ),
    )
    with op.batch_alter_table("monitoring_indicator_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_indicator_values_area_id"), ["area_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_indicator_values_indicator_id"),
            ["indicator_id"],
            unique=False,
        )

    op.create_table(
        "monitoring_person_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_monitoring_person_marks_area_id_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_person_marks")),
        sa.UniqueConstraint(
            "person_key",
            "area_id",
            "month",
            "category",
            "age_band",
            "gender",
            name=op.f("uq_monitoring_person_marks_person_key"),
        ),
    )
    with op.batch_alter_table("monitoring_person_marks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_person_marks_month_area", ["month", "area_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_person_marks_person_key"), ["person_key"], unique=False
        )

    op.create_table(
        "monitoring_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("min_population", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_monitoring_releases_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_releases")),
        sa.UniqueConstraint(
            "period_kind",
            "period_start",
            "version",
            name=op.f("uq_monitoring_releases_period_kind"),
        ),
    )
    op.create_table(
        "monitoring_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("min_population", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_monitoring_settings_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_settings")),
    )
    op.create_table(
        "monitoring_plan_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("indicator_key", sa.String(length=60), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("unit_code", sa.String(length=80), nullable=True),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("baseline_period", sa.String(length=16), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["monitoring_action_plans.id"],
            name=op.f("fk_monitoring_plan_goals_plan_id_monitoring_action_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_plan_goals")),
    )
    with op.batch_alter_table("monitoring_plan_goals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_plan_goals_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "monitoring_release_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["monitoring_releases.id"],
            name=op.f("fk_monitoring_release_cells_release_id_monitoring_releases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_release_cells")),
        sa.UniqueConstraint(
            "release_id",
            "measure",
            "unit_code",
            "category",
            "age_band",
            "gender",
            name=op.f("uq_monitoring_release_cells_release_id"),
        ),
    )
    with op.batch_alter_table("monitoring_release_cells", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_release_cells_lookup",
            ["release_id", "measure", "unit_code"],
            unique=False,
        )

    op.create_table(
        "monitoring_release_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=80), nullable=True),
        sa.Column("member_codes", sa.Text(), nullable=False),
        sa.Column("youth_population", sa.Integer(), nullable=True),
        sa.Column("geometry", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["monitoring_releases.id"],
            name=op.f("fk_monitoring_release_units_release_id_monitoring_releases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_release_units")),
        sa.UniqueConstraint(
            "release_id", "code", name=op.f("uq_monitoring_release_units_release_id")
        ),
    )
    with op.batch_alter_table("monitoring_release_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_release_units_release_id"), ["release_id"], unique=False
        )

    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publish_with_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_areas_publish_with_id_areas"), "areas", ["publish_with_id"], ["id"]
        )
    settings = sa.table(
        "monitoring_settings",
        sa.column("id", sa.Integer),
        sa.column("k", sa.Integer),
        sa.column("min_population", sa.Integer),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        settings,
        [{"id": 1, "k": 5, "min_population": 200, "updated_at": dt.datetime.now(dt.UTC)}],
    )


def downgrade() -> None:
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_areas_publish_with_id_areas"), type_="foreignkey")
        batch_op.drop_column("publish_with_id")

    with op.batch_alter_table("monitoring_release_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_release_units_release_id"))

    op.drop_table("monitoring_release_units")
    with op.batch_alter_table("monitoring_release_cells", schema=None) as batch_op:
        batch_op.drop_index("ix_monitoring_release_cells_lookup")

    op.drop_table("monitoring_release_cells")
    with op.batch_alter_table("monitoring_plan_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_plan_goals_plan_id"))

    op.drop_table("monitoring_plan_goals")
    op.drop_table("monitoring_settings")
    op.drop_table("monitoring_releases")
    with op.batch_alter_table("monitoring_person_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_person_marks_person_key"))
        batch_op.drop_index("ix_monitoring_person_marks_month_area")

    op.drop_table("monitoring_person_marks")
    with op.batch_alter_table("monitoring_indicator_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_indicator_values_indicator_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_indicator_values_area_id"))

    op.drop_table("monitoring_indicator_values")
    with op.batch_alter_table("monitoring_concern_cells", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_concern_cells_month"))

    op.drop_table("monitoring_concern_cells")
    with op.batch_alter_table("monitoring_area_classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_area_classes_area_id"))

    op.drop_table("monitoring_area_classes")
    with op.batch_alter_table("monitoring_action_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_action_plans_district_id"))

    op.drop_table("monitoring_action_plans")
    with op.batch_alter_table("board_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_memberships_user_id"))

    op.drop_table("board_memberships")
    with op.batch_alter_table("area_populations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_populations_area_id"))

    op.drop_table("area_populations")
    op.drop_table("monitoring_indicators")
    op.drop_table("monitoring_classification_rules")
