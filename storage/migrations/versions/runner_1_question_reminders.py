"""question reminders: the reminder messages sent about unanswered questions

Revision ID: runner_1
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision = "runner_1"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("specialist_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["question_threads.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", "specialist_telegram_id"),
    )
    op.create_index("ix_question_reminders_thread_id", "question_reminders", ["thread_id"])


def downgrade() -> None:
    op.drop_index("ix_question_reminders_thread_id", table_name="question_reminders")
    op.drop_table("question_reminders")
