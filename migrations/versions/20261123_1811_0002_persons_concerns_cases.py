"""Persons (guardians, search tokens, birth year, institution, merges), concerns with
categories and persons, cases and their timeline.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:11:51.254224
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The starting list of concern categories; administrators may extend or retire them later.
# (key, Danish label, English label, Danish help, English help)
CATEGORIES = [
    (
        "violence",
        "Vold",
        "Violence",
        "Fysisk vold mod andre, også slåskampe. Skriv hvad der skete, ikke en vurdering.",
        "Physical violence against others, fights included. Describe what happened, "
        "not a judgement.",
    ),
    (
        "threats",
        "Trusler",
        "Threats",
        "Trusler mod personer, direkte eller online, også mod ansatte.",
        "Threats against people, in person or online, staff included.",
    ),
    (
        "theft_burglary",
        "Tyveri og indbrud",
        "Theft and burglary",
        "Butikstyveri, tyveri fra personer, indbrud og hælervirksomhed.",
        "Shoplifting, theft from people, burglary and handling stolen goods.",
    ),
    (
        "vandalism",
        "Hærværk",
        "Vandalism",
        "Ødelæggelse af ting, graffiti, ildspåsættelse.",
        "Damage to property, graffiti, arson.",
    ),
    (
        "weapons",
        "Våben",
        "Weapons",
        "Knive, slagvåben eller andre våben båret eller vist frem.",
        "Knives, clubs or other weapons carried or shown.",
    ),
    (
        "drugs",
        "Rusmidler",
        "Drugs",
        "Brug, besiddelse eller salg af euforiserende stoffer; også alkohol i en bekymrende grad.",
        "Use, possession or dealing of drugs; alcohol too when it gives cause for concern.",
    ),
    (
        "group_association",
        "Grupper og bander",
        "Groups and gangs",
        "Tilknytning til grupper, hvor kriminalitet er en del af fællesskabet.",
        "Association with groups where crime is part of belonging.",
    ),
    (
        "unrest",
        "Uro",
        "Unrest",
        "Uro i det offentlige rum, der skaber utryghed for andre.",
        "Disturbances in public spaces that make others feel unsafe.",
    ),
    (
        "online",
        "Kriminalitet eller krænkelser online",
        "Online crime or harassment",
        "Deling af krænkende billeder, chikane, svindel eller trusler på nettet.",
        "Sharing abusive images, harassment, fraud or threats online.",
    ),
    (
        "radicalisation",
        "Radikalisering",
        "Radicalisation",
        "Tegn på ekstremistiske holdninger, der accepterer vold. Brug også kommunens infohus.",
        "Signs of extremist views that accept violence. Involve the municipality's info house.",
    ),
    (
        "school_absence",
        "Skolefravær",
        "School absence",
        "Højt eller stigende fravær sammen med andre tegn på bekymring.",
        "High or rising absence together with other signs of concern.",
    ),
    (
        "other",
        "Andet",
        "Other",
        "Noget andet kriminalitetsrelateret. Beskriv det konkret i teksten.",
        "Something else crime-related. Describe it concretely in the text.",
    ),
]

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "concern_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label_da", sa.String(length=100), nullable=False),
        sa.Column("label_en", sa.String(length=100), nullable=False),
        sa.Column("help_da", sa.String(length=500), nullable=False),
        sa.Column("help_en", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_categories")),
        sa.UniqueConstraint("key", name=op.f("uq_concern_categories_key")),
    )
    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("reporter_type", sa.String(length=32), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(length=16), nullable=False),
        sa.Column("legal_basis_note", sa.Text(), nullable=True),
        sa.Column("notification", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_concerns_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["users.id"], name=op.f("fk_concerns_reported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concerns")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_concerns_idempotency_key")),
    )
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concerns_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_concerns_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_concerns_occurred_on"), ["occurred_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_concerns_reported_by_id"), ["reported_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_concerns_status"), ["status"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("closed_reason", sa.String(length=32), nullable=True),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("parents_informed", sa.Boolean(), nullable=True),
        sa.Column("parents_view", sa.Text(), nullable=True),
        sa.Column("young_person_informed", sa.Boolean(), nullable=True),
        sa.Column("young_person_view", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_cases_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"], ["users.id"], name=op.f("fk_cases_assigned_to_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_cases_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("person_id", name=op.f("uq_cases_person_id")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_assigned_to_id"), ["assigned_to_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cases_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_cases_status_next_review", ["status", "next_review_on"], unique=False
        )

    op.create_table(
        "concern_category_links",
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["concern_categories.id"],
            name=op.f("fk_concern_category_links_category_id_concern_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_concern_category_links_concern_id_concerns"),
        ),
        sa.PrimaryKeyConstraint(
            "concern_id", "category_id", name=op.f("pk_concern_category_links")
        ),
    )
    op.create_table(
        "guardians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_guardians_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardians")),
    )
    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardians_person_id"), ["person_id"], unique=False)

    op.create_table(
        "person_search_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_search_tokens_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_search_tokens")),
        sa.UniqueConstraint(
            "person_id", "token_hash", name=op.f("uq_person_search_tokens_person_id")
        ),
    )
    with op.batch_alter_table("person_search_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_search_tokens_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_person_search_tokens_token_hash"), ["token_hash"], unique=False
        )

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("concern_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_case_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concerns.id"], name=op.f("fk_case_events_concern_id_concerns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "concern_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_concern_persons_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concerns.id"], name=op.f("fk_concern_persons_concern_id_concerns")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_concern_persons_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_persons")),
        sa.UniqueConstraint("concern_id", "person_id", name=op.f("uq_concern_persons_concern_id")),
    )
    with op.batch_alter_table("concern_persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_persons_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_concern_persons_concern_id"), ["concern_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_concern_persons_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("institution", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_persons_birth_year"), ["birth_year"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_persons_merged_into_id_persons"), "persons", ["merged_into_id"], ["id"]
        )

    categories = sa.table(
        "concern_categories",
        sa.column("key", sa.String),
        sa.column("label_da", sa.String),
        sa.column("label_en", sa.String),
        sa.column("help_da", sa.String),
        sa.column("help_en", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        categories,
        [
            {
                "key": k,
                "label_da": lda,
                "label_en": len_,
                "help_da": hda,
                "help_en": hen,
                "position": n,
                "active": True,
            }
            for n, (k, lda, len_, hda, hen) in enumerate(CATEGORIES)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_persons_merged_into_id_persons"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_persons_birth_year"))
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("institution")
        batch_op.drop_column("birth_year")

    with op.batch_alter_table("concern_persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_persons_person_id"))
        batch_op.drop_index(batch_op.f("ix_concern_persons_concern_id"))
        batch_op.drop_index(batch_op.f("ix_concern_persons_case_id"))

    op.drop_table("concern_persons")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("person_search_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_search_tokens_token_hash"))
        batch_op.drop_index(batch_op.f("ix_person_search_tokens_person_id"))

    op.drop_table("person_search_tokens")
    with op.batch_alter_table("guardians", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardians_person_id"))

    op.drop_table("guardians")
    op.drop_table("concern_category_links")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status_next_review")
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_opened_at"))
        batch_op.drop_index(batch_op.f("ix_cases_assigned_to_id"))
        batch_op.drop_index(batch_op.f("ix_cases_area_id"))

    op.drop_table("cases")
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concerns_status"))
        batch_op.drop_index(batch_op.f("ix_concerns_reported_by_id"))
        batch_op.drop_index(batch_op.f("ix_concerns_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_concerns_created_at"))
        batch_op.drop_index(batch_op.f("ix_concerns_area_id"))

    op.drop_table("concerns")
    op.drop_table("concern_categories")
