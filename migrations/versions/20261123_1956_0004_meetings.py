"""The weekly AVA meeting: schedule, meetings and members, agenda, recommendations with
actions from a catalogue, weekly action checks, and the measure catalogue (handlekatalog).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:56:52.484756
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

# The starting catalogue of measures; administrators may extend or retire entries later.
# (key, Danish label, English label, Danish help, English help)
ACTION_TYPES = [
    (
        "concern_talk",
        "Bekymringssamtale",
        "Structured talk (bekymringssamtale)",
        "Struktureret samtale med den unge og forældrene, ofte sammen med politiet.",
        "A structured talk with the young person and the parents, often with the police.",
    ),
    (
        "mentor",
        "Mentor eller fast voksen",
        "Mentor or trusted adult",
        "En voksen den unge kender, som følger op jævnligt.",
        "An adult the young person knows, who follows up regularly.",
    ),
    (
        "leisure_referral",
        "Henvisning til fritid eller klub",
        "Leisure or club referral",
        "Brobygning til klub, forening eller ungdomsskole — med en voksen der følger med.",
        "Bridging to a club, sports or youth school — with an adult who goes along.",
    ),
    (
        "school_meeting",
        "Skolemøde",
        "School meeting",
        "Møde på skolen om trivsel, fravær og fællesskab.",
        "A meeting at school about well-being, absence and belonging.",
    ),
    (
        "family_support",
        "Familiestøtte via Børn og Unge",
        "Family support via child services",
        "Forebyggende støtte til familien gennem Børn og Unge.",
        "Preventive support for the family through child services.",
    ),
    (
        "notification",
        "Underretning til Børn og Unge",
        "Notification to child services",
        "Underretning efter barnets lov § 133, når der er grund til at antage at barnet har "
        "brug for særlig støtte.",
        "Notification under barnets lov § 133 when there is reason to believe the child "
        "needs special support.",
    ),
    (
        "police_contact",
        "Kontakt fra politiet",
        "Police contact",
        "Lokalbetjenten tager kontakt til den unge eller familien.",
        "The community police officer contacts the young person or the family.",
    ),
    (
        "no_further_action",
        "Ingen yderligere handling",
        "No further action",
        "Udvalget vurderer, at der ikke er behov for mere nu.",
        "The committee finds that nothing more is needed now.",
    ),
]

# Handlekatalog: (domain key, action type key, weight, Danish rationale, English rationale).
# Resources (P) weigh more than risks (R): the effort leans on strengthening what is there.
MEASURE_RULES = [
    ("P1", "mentor", 3, "Der mangler en voksen den unge stoler på.", "A trusted adult is missing."),
    (
        "P2",
        "school_meeting",
        3,
        "Tilhørsforholdet til skolen er svagt.",
        "Belonging at school is weak.",
    ),
    ("P3", "leisure_referral", 3, "Ingen organiseret fritid.", "No organised leisure."),
    (
        "P4",
        "leisure_referral",
        2,
        "Få prosociale venner; et fællesskab kan hjælpe.",
        "Few prosocial friends; a community can help.",
    ),
    ("P4", "mentor", 1, "Få prosociale venner.", "Few prosocial friends."),
    (
        "P5",
        "concern_talk",
        3,
        "Samarbejdet med familien skal styrkes.",
        "Cooperation with the family needs strengthening.",
    ),
    (
        "P5",
        "family_support",
        2,
        "Familien kan have brug for støtte.",
        "The family may need support.",
    ),
    (
        "P6",
        "mentor",
        2,
        "Den unges egne styrker og håb skal have næring.",
        "The young person's own strengths and hopes need nourishing.",
    ),
    ("R1", "concern_talk", 2, "Hændelsen og lignende adfærd.", "The incident and similar conduct."),
    (
        "R1",
        "police_contact",
        1,
        "Hændelsen og lignende adfærd.",
        "The incident and similar conduct.",
    ),
    (
        "R2",
        "school_meeting",
        2,
        "Fravær eller lavt engagement i skolen.",
        "Absence or low engagement at school.",
    ),
    ("R3", "leisure_referral", 1, "Kammeratskab og gadeliv.", "Peer context and street life."),
    ("R3", "police_contact", 1, "Kammeratskab og gadeliv.", "Peer context and street life."),
    (
        "R4",
        "family_support",
        2,
        "Tilsyn og voksenkontakt i hjemmet.",
        "Home and adult supervision.",
    ),
    ("R4", "notification", 1, "Tilsyn og voksenkontakt i hjemmet.", "Home and adult supervision."),
    (
        "R5",
        "leisure_referral",
        2,
        "Ustruktureret tid og sene timer.",
        "Unstructured time and late hours.",
    ),
    ("R6", "family_support", 1, "Alkohol og stoffer.", "Alcohol and drugs."),
    ("R6", "concern_talk", 1, "Alkohol og stoffer.", "Alcohol and drugs."),
    ("R7", "school_meeting", 1, "Trivsel og selvregulering.", "Well-being and self-regulation."),
    (
        "R8",
        "notification",
        2,
        "Offer for udnyttelse eller pres.",
        "Victim of exploitation or pressure.",
    ),
    (
        "R8",
        "concern_talk",
        1,
        "Offer for udnyttelse eller pres.",
        "Victim of exploitation or pressure.",
    ),
]


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label_da", sa.String(length=100), nullable=False),
        sa.Column("label_en", sa.String(length=100), nullable=False),
        sa.Column("help_da", sa.String(length=500), nullable=False),
        sa.Column("help_en", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_types")),
        sa.UniqueConstraint("key", name=op.f("uq_action_types_key")),
    )
    op.create_table(
        "meeting_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_schedule")),
    )
    op.create_table(
        "measure_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_key", sa.String(length=16), nullable=False),
        sa.Column("action_type_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=False),
        sa.Column("rationale_da", sa.String(length=300), nullable=False),
        sa.Column("rationale_en", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_type_id"],
            ["action_types.id"],
            name=op.f("fk_measure_rules_action_type_id_action_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_rules")),
        sa.UniqueConstraint(
            "domain_key", "action_type_id", name=op.f("uq_measure_rules_domain_key")
        ),
    )
    with op.batch_alter_table("measure_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_rules_domain_key"), ["domain_key"], unique=False
        )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_meetings_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_status"), ["status"], unique=False)

    op.create_table(
        "meeting_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_members_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_meeting_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_members")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_meeting_members_meeting_id")),
    )
    with op.batch_alter_table("meeting_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_members_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("previous_status", sa.String(length=32), nullable=False),
        sa.Column("discussed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_agenda_items_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_items_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        sa.UniqueConstraint("meeting_id", "case_id", name=op.f("uq_agenda_items_meeting_id")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agenda_items_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_recommendations_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_recommendations_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_recommendations_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendations_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recommendations_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action_type_id", sa.Integer(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("not_done_reason", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_type_id"],
            ["action_types.id"],
            name=op.f("fk_actions_action_type_id_action_types"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_actions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_actions_owner_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_actions_recommendation_id_recommendations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_actions_owner_organisation_id"), ["owner_organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_actions_recommendation_id"), ["recommendation_id"], unique=False
        )
        batch_op.create_index("ix_actions_status_deadline", ["status", "deadline"], unique=False)

    op.create_table(
        "action_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_checks_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name=op.f("fk_action_checks_checked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_action_checks_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_checks")),
        sa.UniqueConstraint("meeting_id", "action_id", name=op.f("uq_action_checks_meeting_id")),
    )
    with op.batch_alter_table("action_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_checks_action_id"), ["action_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_checks_meeting_id"), ["meeting_id"], unique=False
        )

    seed_catalogues()


def seed_catalogues() -> None:
    action_types = sa.table(
        "action_types",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("label_da", sa.String),
        sa.column("label_en", sa.String),
        sa.column("help_da", sa.String),
        sa.column("help_en", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    ids = {key: n + 1 for n, (key, *_rest) in enumerate(ACTION_TYPES)}
    op.bulk_insert(
        action_types,
        [
            {
                "id": ids[k],
                "key": k,
                "label_da": lda,
                "label_en": len_,
                "help_da": hda,
                "help_en": hen,
                "position": ids[k],
                "active": True,
            }
            for k, lda, len_, hda, hen in ACTION_TYPES
        ],
    )
    rules = sa.table(
        "measure_rules",
        sa.column("domain_key", sa.String),
        sa.column("action_type_id", sa.Integer),
        sa.column("weight", sa.Numeric),
        sa.column("rationale_da", sa.String),
        sa.column("rationale_en", sa.String),
    )
    op.bulk_insert(
        rules,
        [
            {
                "domain_key": d,
                "action_type_id": ids[k],
                "weight": w,
                "rationale_da": rda,
                "rationale_en": ren,
            }
            for d, k, w, rda, ren in MEASURE_RULES
        ],
    )
    schedule = sa.table(
        "meeting_schedule",
        sa.column("id", sa.Integer),
        sa.column("weekday", sa.Integer),
        sa.column("start_time", sa.Time),
        sa.column("duration_minutes", sa.Integer),
        sa.column("location", sa.String),
    )
    # Odense's AVA committee meets weekly; Wednesday morning until the coordinator changes it.
    op.bulk_insert(
        schedule,
        [
            {
                "id": 1,
                "weekday": 2,
                "start_time": dt.time(9, 0),
                "duration_minutes": 90,
                "location": "",
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids above: move the sequences past them.
        op.execute("SELECT setval('action_types_id_seq', (SELECT max(id) FROM action_types))")
        op.execute("SELECT setval('meeting_schedule_id_seq', 1)")


def downgrade() -> None:
    with op.batch_alter_table("action_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_checks_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_checks_action_id"))

    op.drop_table("action_checks")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_status_deadline")
        batch_op.drop_index(batch_op.f("ix_actions_recommendation_id"))
        batch_op.drop_index(batch_op.f("ix_actions_owner_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_actions_case_id"))

    op.drop_table("actions")
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendations_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_recommendations_case_id"))

    op.drop_table("recommendations")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_items_case_id"))

    op.drop_table("agenda_items")
    with op.batch_alter_table("meeting_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_members_meeting_id"))

    op.drop_table("meeting_members")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_status"))
        batch_op.drop_index(batch_op.f("ix_meetings_held_on"))

    op.drop_table("meetings")
    with op.batch_alter_table("measure_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_rules_domain_key"))

    op.drop_table("measure_rules")
    op.drop_table("meeting_schedule")
    op.drop_table("action_types")
