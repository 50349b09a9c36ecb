"""the campaign's other pillars: meetings (大讨论), periodic plans and lists, section scores,
contact villages / paired households / service items; topic report review (报分管领导审阅);
outcomes of meetings with where they were published; items and topics raised at a meeting

Existing rows keep every value: new columns are empty (no review yet, no meeting, not published),
and outcomes get the year and section of their topic so the 成果转化运用清单 lists them at once.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _sync_columns() -> list[sa.Column]:
    """The sync identity of DESIGN.md §4 (db.base.SyncMixin), as 0001 wrote it."""
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("changed_by", sa.String(length=12), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    ]


def _sync_indexes(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_office_code"), table, ["office_code"], unique=False)
    op.create_index(op.f(f"ix_{table}_hlc"), table, ["hlc"], unique=False)


#: the ledger's serial-order index (0002): an expression index, which SQLite's batch table rebuild does not carry
#: over (Alembic reflects no expression indexes) — without it every page of the ledger sorts the whole year
SERIAL_INDEX_SQL = ("CREATE INDEX IF NOT EXISTS ix_issue_year_serial ON issue "
                    "(year, (CAST(length(serial) + 100 AS VARCHAR) || serial), id, status, deleted, deadline, serial)")


def _restore_serial_index() -> None:
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL alters the table in place and keeps its indexes
        op.execute(SERIAL_INDEX_SQL)


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("host_id", sa.String(length=36), nullable=True),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("speakers", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["host_id"], ["person.id"], name=op.f("fk_meeting_host_id_person")),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], name=op.f("fk_meeting_section_id_section")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    _sync_indexes("meeting")
    op.create_index(op.f("ix_meeting_section_id"), "meeting", ["section_id"], unique=False)
    op.create_index("ix_meeting_year_date", "meeting", ["year", "date"], unique=False)

    op.create_table(
        "meeting_attendee",
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("absence_reason", sa.String(length=100), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendee_meeting_id_meeting")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_meeting_attendee_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendee")),
    )
    _sync_indexes("meeting_attendee")
    op.create_index(op.f("ix_meeting_attendee_meeting_id"), "meeting_attendee", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_meeting_attendee_person_id"), "meeting_attendee", ["person_id"], unique=False)

    op.create_table(
        "period_plan",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("filed_to_id", sa.String(length=36), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("filed_by", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=40), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["filed_to_id"], ["person.id"], name=op.f("fk_period_plan_filed_to_id_person")),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], name=op.f("fk_period_plan_section_id_section")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_plan")),
    )
    _sync_indexes("period_plan")
    op.create_index(op.f("ix_period_plan_year"), "period_plan", ["year"], unique=False)
    op.create_index(op.f("ix_period_plan_section_id"), "period_plan", ["section_id"], unique=False)
    op.create_index("ix_period_plan_kind_period", "period_plan", ["kind", "period", "section_id"], unique=False)

    op.create_table(
        "plan_item",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("carried_from_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_plan_item_owner_id_person")),
        sa.ForeignKeyConstraint(["plan_id"], ["period_plan.id"], name=op.f("fk_plan_item_plan_id_period_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item")),
    )
    _sync_indexes("plan_item")
    op.create_index(op.f("ix_plan_item_plan_id"), "plan_item", ["plan_id"], unique=False)

    op.create_table(
        "section_score",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("half", sa.String(length=2), nullable=False),
        sa.Column("section_id", sa.String(length=36), nullable=False),
        sa.Column("rater_kind", sa.String(length=8), nullable=False),
        sa.Column("rater_section_id", sa.String(length=36), nullable=True),
        sa.Column("rater_name", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["rater_section_id"], ["section.id"],
                                name=op.f("fk_section_score_rater_section_id_section")),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], name=op.f("fk_section_score_section_id_section")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_score")),
    )
    _sync_indexes("section_score")
    op.create_index(op.f("ix_section_score_section_id"), "section_score", ["section_id"], unique=False)
    op.create_index("ix_section_score_year_half", "section_score", ["year", "half", "section_id"], unique=False)

    op.create_table(
        "contact_point",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("township", sa.String(length=60), nullable=False),
        sa.Column("section_id", sa.String(length=36), nullable=True),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *_sync_columns(),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_contact_point_person_id_person")),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], name=op.f("fk_contact_point_section_id_section")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_point")),
    )
    _sync_indexes("contact_point")
    op.create_index(op.f("ix_contact_point_section_id"), "contact_point", ["section_id"], unique=False)
    op.create_index(op.f("ix_contact_point_person_id"), "contact_point", ["person_id"], unique=False)

    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_meeting_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("review_state", sa.String(length=10), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("review_submitted_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reviewer", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("review_opinion", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reviewed_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_topic_source_meeting_id_meeting"), "meeting",
                                    ["source_meeting_id"], ["id"])
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_meeting_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_issue_source_meeting_id_meeting"), "meeting",
                                    ["source_meeting_id"], ["id"])
    _restore_serial_index()
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("section_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_in", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("published_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outcome_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_section_id"), ["section_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_year"), ["year"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_outcome_meeting_id_meeting"), "meeting", ["meeting_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_outcome_section_id_section"), "section", ["section_id"], ["id"])
    # an outcome of a topic belongs to the topic's section and year (the list filters by both)
    op.execute(sa.text(
        "UPDATE outcome SET year = (SELECT topic.year FROM topic WHERE topic.id = outcome.topic_id), "
        "section_id = (SELECT topic.section_id FROM topic WHERE topic.id = outcome.topic_id) "
        "WHERE topic_id IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outcome_section_id_section"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_outcome_meeting_id_meeting"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outcome_year"))
        batch_op.drop_index(batch_op.f("ix_outcome_section_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_meeting_id"))
        for col in ("published_on", "published_in", "year", "section_id", "meeting_id"):
            batch_op.drop_column(col)
    with op.batch_alter_table("issue", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_issue_source_meeting_id_meeting"), type_="foreignkey")
        batch_op.drop_column("source_meeting_id")
    _restore_serial_index()
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_topic_source_meeting_id_meeting"), type_="foreignkey")
        for col in ("reviewed_on", "review_opinion", "reviewer", "review_submitted_on", "review_state",
                    "source_meeting_id"):
            batch_op.drop_column(col)
    for table in ("contact_point", "section_score", "plan_item", "period_plan", "meeting_attendee", "meeting"):
        op.drop_table(table)
