"""/check: a subsidy eligibility check for one company, from a phone, in a few taps.

Pick a company (SMEs skip this: they check their own), answer only the facts that can
still settle a programme in force, the one that settles the most first, then read a line
per programme. From there: a programme's conditions line by line, what-ifs ("+2 grants
this year", combined until reset), saving the facts to the company, and sending the
result to the company's own users.

The package follows docs/RECIPE.md: `states` (windows), `getters` (pure: dialog data in,
window data out), `handlers` (call services/eligibility.py, which checks permissions,
and set what the next window shows), `render` (text) and `dialog` (windows, `build()`).
"""

from dialogs.check.dialog import build

__all__ = ["build"]
