"""privacy: a person's requests to delete what the bot keeps about them

Issue 17 ("personal data kept only as long as allowed"): `/privacy` lets anyone ask for
their data to be deleted; an admin's confirmation carries it out. The request is the
record of it (storage/privacy_tables.py).

Revision ID: privacy_1
Revises: trainee_link_1
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision, down_revision = "privacy_1", "trainee_link_1"
branch_labels = depends_on = None

INDEXED = ("telegram_id", "status")


def upgrade() -> None:
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in INDEXED:
        op.create_index(f"ix_privacy_requests_{column}", "privacy_requests", [column])


def downgrade() -> None:
    for column in reversed(INDEXED):
        op.drop_index(f"ix_privacy_requests_{column}", "privacy_requests")
    op.drop_table("privacy_requests")
