"""training: sessions get category, end, link, region, seats, status; trainees and enrolments

Revision ID: training_1
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import storage.types

revision = "training_1"
down_revision = "digest_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trainings", schema=None) as batch:
        batch.add_column(sa.Column("category", sa.String(length=16), nullable=False, server_default="其他"))
        batch.add_column(sa.Column("ends_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("online_link", sa.String(length=256), nullable=True))
        batch.add_column(sa.Column("region_code", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("seats_taken", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="scheduled"))
        batch.add_column(sa.Column("checkin_secret", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("checkin_chat_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("checkin_message_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("checkin_until", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("import_key", sa.String(length=160), nullable=True))
        batch.add_column(sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.create_unique_constraint("uq_trainings_import_key", ["import_key"])
        batch.create_index("ix_trainings_region_code", ["region_code"])
        batch.create_index("ix_trainings_organiser_id", ["organiser_id"])
    op.execute("UPDATE trainings SET updated_at = created_at")
    with op.batch_alter_table("trainings", schema=None) as batch:
        batch.alter_column("updated_at", existing_type=storage.types.UTCDateTime(timezone=True), nullable=False)

    op.create_table(
        "trainees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("company", sa.String(length=128), nullable=False),
        sa.Column("position", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mobile"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_index("ix_trainees_category", "trainees", ["category"])
    op.create_table(
        "training_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("session_starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("enrolled_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["training_id"], ["trainings.id"]),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainees.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("training_id", "trainee_id", name="uq_enrolment_training_trainee"),
    )
    op.create_index("ix_training_enrolments_training_id", "training_enrolments", ["training_id"])
    op.create_index("ix_training_enrolments_trainee_id", "training_enrolments", ["trainee_id"])
    op.create_index("ix_enrolment_first_attended", "training_enrolments",
                    ["status", "trainee_id", "session_starts_at", "training_id"])


def downgrade() -> None:
    op.drop_table("training_enrolments")
    op.drop_index("ix_trainees_category", table_name="trainees")
    op.drop_table("trainees")
    with op.batch_alter_table("trainings", schema=None) as batch:
        batch.drop_index("ix_trainings_organiser_id")
        batch.drop_index("ix_trainings_region_code")
        batch.drop_constraint("uq_trainings_import_key", type_="unique")
        for column in ("updated_at", "import_key", "checkin_until", "checkin_message_id", "checkin_chat_id",
                       "checkin_secret", "status", "seats_taken", "region_code",
                       "online_link", "ends_at", "category"):
            batch.drop_column(column)
