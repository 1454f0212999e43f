"""workbench: indexes for counting visits per company in the database

Issue 18's week page (and the digest's coverage) ask, for each of a region's companies,
whether it had a visit since 1 January and this month: an index on (company_id,
visited_at) answers that from the index alone, and one on companies (specialist_id,
region_code) lets the companies be grouped by specialist and district without reading
their rows (services.digest_counts). The week's and the trend's counts read a week of
visits from (visited_at, company_id, specialist_id) alone, and the digest's "new eligible"
finds the companies saved in a week by updated_at.

Revision ID: workbench_1
Revises: privacy_1
"""

from alembic import op

revision, down_revision = "workbench_1", "privacy_1"
branch_labels = depends_on = None

INDEXES = (("ix_visits_company_id_visited_at", "visits", ["company_id", "visited_at"]),
           ("ix_visits_visited_at_company_id", "visits", ["visited_at", "company_id", "specialist_id"]),
           ("ix_companies_specialist_id_region_code", "companies", ["specialist_id", "region_code"]),
           ("ix_companies_updated_at", "companies", ["updated_at"]))


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table)
