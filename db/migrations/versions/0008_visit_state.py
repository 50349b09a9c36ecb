"""visit state (计划 → 已完成 with the actual dates, or 取消): only completed days count

Revision ID: 0008
Revises: 0007

Visits already over on the day of the upgrade were recorded after the fact: they become
已完成 with their planned dates as the actual ones, so the grassroots days counted before the
upgrade stay counted; visits not yet over stay 计划 until someone marks them done.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=10), server_default="planned", nullable=False))
        batch_op.add_column(sa.Column("actual_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("actual_end", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_visit_state"), ["state"], unique=False)
    visit = sa.table("visit", sa.column("state", sa.String), sa.column("start_date", sa.Date),
                     sa.column("end_date", sa.Date), sa.column("actual_start", sa.Date),
                     sa.column("actual_end", sa.Date))
    op.execute(visit.update().where(visit.c.end_date < dt.date.today())
               .values(state="done", actual_start=visit.c.start_date, actual_end=visit.c.end_date))


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_state"))
        batch_op.drop_column("actual_end")
        batch_op.drop_column("actual_start")
        batch_op.drop_column("state")
