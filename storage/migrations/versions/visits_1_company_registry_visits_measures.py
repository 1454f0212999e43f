"""visits: companies without a USCC yet, name keys, titles; history, visits, attachments, measures

Revision ID: visits_1
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision = "visits_1"
down_revision = "runner_1"
branch_labels = None
depends_on = None

UTC = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("companies", schema=None) as batch:
        batch.alter_column("uscc", existing_type=sa.String(length=18), nullable=True)
        batch.add_column(sa.Column("name_key", sa.String(length=128), nullable=False, server_default=""))
        batch.add_column(sa.Column("industry", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("titles", sa.JSON(), nullable=False, server_default="{}"))
        batch.create_index("ix_companies_name_key", ["name_key"], unique=False)

    op.create_table(
        "company_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("field", sa.String(length=96), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_company_history_company_id", "company_history", ["company_id"])

    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("specialist_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("way", sa.String(length=16), nullable=False),
        sa.Column("visited_at", UTC, nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("programmes", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("opinions", sa.JSON(), nullable=False),
        sa.Column("participants", sa.String(length=256), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_key"),
    )
    for column in ("company_id", "specialist_id", "visited_at"):
        op.create_index(f"ix_visits_{column}", "visits", [column])

    op.create_table(
        "visit_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_unique_id", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column("local_path", sa.String(length=256), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_attachments_visit_id", "visit_attachments", ["visit_id"])

    op.create_table(
        "measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("companies.id"), nullable=False),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("visits.id"), nullable=True),
        sa.Column("what", sa.String(length=500), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("done_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("company_id", "visit_id", "owner_id", "due_on", "status"):
        op.create_index(f"ix_measures_{column}", "measures", [column])

    op.create_table(
        "measure_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), sa.ForeignKey("measures.id"), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("due_before", sa.Date(), nullable=True),
        sa.Column("due_after", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_measure_events_measure_id", "measure_events", ["measure_id"])


def downgrade() -> None:
    for table in ("measure_events", "measures", "visit_attachments", "visits", "company_history"):
        op.drop_table(table)
    with op.batch_alter_table("companies", schema=None) as batch:
        batch.drop_index("ix_companies_name_key")
        batch.drop_column("titles")
        batch.drop_column("industry")
        batch.drop_column("name_key")
        batch.alter_column("uscc", existing_type=sa.String(length=18), nullable=False)
