"""The daily retention run (03:30 in the context's zone): personal data past its period is
masked or deleted (services.retention; periods from IPBOT_RETENTION_*_DAYS) and the counts
audited as `retention.run`.

It sends nothing, so it claims no sends: one run is one transaction, and a run repeated
for the same day (a restart, a made-up run) finds nothing more past its period than the
first left, and audits its zero counts, which says it ran.
"""

from __future__ import annotations

import logging
from datetime import datetime

from jobs.spec import JobSpec
from services import retention
from services.context import AppContext

log = logging.getLogger(__name__)

NAME = "retention"


async def run(ctx: AppContext, due: datetime) -> None:
    removed = await retention.apply(ctx.db, retention.Periods.of(ctx.settings), ctx.now())
    log.info("retention run due %s: %s", due.isoformat(), removed.as_dict())


SPEC = JobSpec(NAME, run, cron={"hour": 3, "minute": 30})
