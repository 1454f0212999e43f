"""digest: regions' work-chat robots and failed deliveries

Revision ID: digest_1
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision = "digest_1"
down_revision = "visits_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("webhook_url", sa.String(length=512), nullable=False),
        sa.Column("secret", sa.String(length=256), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_code", "kind"),
    )
    op.create_index("ix_region_channels_region_code", "region_channels", ["region_code"])
    op.create_table(
        "delivery_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delivery_failures_region_code", "delivery_failures", ["region_code"])


def downgrade() -> None:
    op.drop_index("ix_delivery_failures_region_code", "delivery_failures")
    op.drop_table("delivery_failures")
    op.drop_index("ix_region_channels_region_code", "region_channels")
    op.drop_table("region_channels")
