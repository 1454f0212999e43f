"""workbench: covering indexes for the region rule's join and the overdue measures' count

Every figure of the week page joins what it counts (visits, measures) to its company for
the region rule (`companies.region_code`). On SQLite that join read the company's row,
facts and all, once per visit or measure; with (id, region_code) it is read from the index
alone (the 12 weeks' visits: half the time). The count of overdue measures
(services.sheets.sources.overdue_measure_count, the digest's and the workbench's) read
each measure's row after finding it by due date; the columns its rule needs, in one index,
answer it from the index (a third of the time). PostgreSQL uses them for index-only scans.

Revision ID: workbench_2
Revises: workbench_1
"""

from alembic import op

revision, down_revision = "workbench_2", "workbench_1"
branch_labels = depends_on = None

OVERDUE_COLUMNS = ["due_on", "status", "done_at", "created_at", "company_id", "visit_id"]


def upgrade() -> None:
    op.create_index("ix_companies_id_region_code", "companies", ["id", "region_code"])
    op.create_index("ix_measures_overdue", "measures", OVERDUE_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_measures_overdue", "measures")
    op.drop_index("ix_companies_id_region_code", "companies")
