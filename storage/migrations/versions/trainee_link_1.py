"""trainees: the Telegram id of a person who linked themselves through a training link

Issue 19 ("trainees are people, not users"): a trainee who is no invited user opens a
session's link and shares their phone number; the person's row then keeps their Telegram
id, so reminders, /training and check-in reach them without a role or a users row.

Revision ID: trainee_link_1
Revises: textgate_1
"""

from alembic import op
import sqlalchemy as sa

revision = "trainee_link_1"
down_revision = "textgate_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trainees", schema=None) as batch:
        batch.add_column(sa.Column("telegram_id", sa.BigInteger(), nullable=True))
        batch.create_unique_constraint("uq_trainees_telegram_id", ["telegram_id"])


def downgrade() -> None:
    with op.batch_alter_table("trainees", schema=None) as batch:
        batch.drop_constraint("uq_trainees_telegram_id", type_="unique")
        batch.drop_column("telegram_id")
