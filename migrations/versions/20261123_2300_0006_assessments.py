"""Assessments: instrument versions (v1 loaded here), requests, invitation links, answers,
the committee's judgements.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 23:00:00
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instrument_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("introduced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_instrument_versions_version")),
    )
    op.create_table(
        "assessment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("instrument_version_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessor_user_id", sa.Integer(), nullable=True),
        sa.Column("assessor_name", sa.Text(), nullable=False),
        sa.Column("assessor_email", sa.Text(), nullable=False),
        sa.Column("assessor_setting", sa.Text(), nullable=False),
        sa.Column("setting_kind", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.String(length=32), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_notice_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessor_user_id"],
            ["users.id"],
            name=op.f("fk_assessment_requests_assessor_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_assessment_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_version_id"],
            ["instrument_versions.id"],
            name=op.f("fk_assessment_requests_instrument_version_id_instrument_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_assessment_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_requests")),
    )
    with op.batch_alter_table("assessment_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_requests_assessor_user_id"),
            ["assessor_user_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_requests_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assessment_requests_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_requests_status"), ["status"], unique=False)

    op.create_table(
        "committee_judgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_committee_judgements_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_committee_judgements_meeting_id_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_committee_judgements_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_judgements")),
    )
    with op.batch_alter_table("committee_judgements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_committee_judgements_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "assessment_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_hash", sa.String(length=64), nullable=True),
        sa.Column("session_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["assessment_requests.id"],
            name=op.f("fk_assessment_invitations_request_id_assessment_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_invitations")),
        sa.UniqueConstraint("session_hash", name=op.f("uq_assessment_invitations_session_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_assessment_invitations_token_hash")),
    )
    with op.batch_alter_table("assessment_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_invitations_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("instrument_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notify_acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"], ["users.id"], name=op.f("fk_assessments_corrected_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_version_id"],
            ["instrument_versions.id"],
            name=op.f("fk_assessments_instrument_version_id_instrument_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["assessment_requests.id"],
            name=op.f("fk_assessments_request_id_assessment_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("request_id", "version", name=op.f("uq_assessments_request_id")),
    )

    load_instrument_v1()


# The definition as it was when this migration was written; later versions come as new
# files through `flask instrument load`, never as edits of this one.
INSTRUMENT_V1 = (
    Path(__file__).resolve().parents[2] / "app" / "assessments" / "data" / "instrument-v1.json"
)


def load_instrument_v1() -> None:
    definition = json.loads(INSTRUMENT_V1.read_text(encoding="utf-8"))
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    versions = sa.table(
        "instrument_versions",
        sa.column("version", sa.Integer),
        sa.column("definition", sa.Text),
        sa.column("content_hash", sa.String),
        sa.column("introduced_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        versions,
        [
            {
                "version": 1,
                "definition": text,
                "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "introduced_at": dt.datetime.now(dt.UTC),
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("assessments")
    with op.batch_alter_table("assessment_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_invitations_request_id"))

    op.drop_table("assessment_invitations")
    with op.batch_alter_table("committee_judgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_judgements_case_id"))

    op.drop_table("committee_judgements")
    with op.batch_alter_table("assessment_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_requests_status"))
        batch_op.drop_index(batch_op.f("ix_assessment_requests_due_on"))
        batch_op.drop_index(batch_op.f("ix_assessment_requests_case_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_requests_assessor_user_id"))

    op.drop_table("assessment_requests")
    op.drop_table("instrument_versions")
