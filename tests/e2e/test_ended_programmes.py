"""Ended is never offered as open (issue 19, item 4): at 2026-12-03 the outlook after a visit and
/check's results say when an ended programme ended and never "还差 N" for it; an in-force one
one step short still reads "还差"."""

from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace

from dialogs.check.render import summary_text as check_summary
from dialogs.visit.texts import outlook_text
from policy.catalog import load_catalog
from services.eligibility import News

AS_OF = date(2026, 12, 3)


def _one_short(r):
    """The demo's case: exactly one measurable condition short (1 invention patent)."""
    gap = SimpleNamespace(fact="invention_patents", short_by=1, kind="min", need=1, have=0)
    return dataclasses.replace(r, status="not_eligible", gaps=[gap], missing=[])


def test_outlook_and_check_name_the_end_and_never_say_short_for_an_ended_programme():
    catalog = load_catalog()
    results = {r.policy: r for r in catalog.evaluate({}, AS_OF)}
    star, live = _one_short(results["invention-star"]), _one_short(results["little-giant-priority-exam"])
    assert not star.in_force and live.in_force
    outlook = outlook_text(News([], [star, live]), "太仓精工", "zh", catalog)
    star_line = next(line for line in outlook.splitlines() if "发明之星" in line)
    assert "还差" not in star_line and "结束" in star_line and "2023-12-31" in star_line
    assert "还差 1" in next(line for line in outlook.splitlines() if line.startswith("🔜"))
    shown = check_summary([star, live], "太仓精工", AS_OF, "zh", catalog, show_ended=True)
    ended_part = shown.split("发明之星")[1].split("\n\n")[0]
    assert "还差" not in ended_part and "2023-12-31" in ended_part
