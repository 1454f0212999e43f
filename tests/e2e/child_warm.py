"""Imported once by the fork server of tests/e2e/child_bot.py (its PRELOAD), after the bot:
what every bot process reads once and keeps (the search's dictionaries of jieba-rs, pypinyin
and OpenCC; the locale catalogs; the built-in policy packs, whose first read compiles the YAML
loader's patterns) is read here, so every bot forked from the server finds it in memory, as
it finds the imported modules.

In a fresh process a bot's start-up spends about 2 s of a loaded machine's time on these, and
0.5 s on everything else; the kill and stop tests start a bot a dozen times. Each child still
builds its own search index, dispatcher and policy catalog at start-up, as deployed: only
process-wide, read-only caches are shared. Nothing here starts a thread, opens a connection
or an event loop, so forking after it is safe.
"""

from __future__ import annotations

import locales
from policy.catalog import load_catalog
from search import SearchIndex

SearchIndex().warm_up()
for _lang in locales.LANGUAGES:
    locales.catalog(_lang)
load_catalog()
