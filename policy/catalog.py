"""The catalog: every loaded pack, and facts evaluated against its programmes.

``load_catalog(extra_dir)`` reads the built-in packs plus the packs found in ``extra_dir``
(the caller passes ``IPBOT_POLICY_DIR``; this module reads no environment).  It is a plain
function: the composition root (``bot.app.build_context``) builds the catalog once and hands
it down as ``ctx.catalog``; nothing here caches catalogs between calls.

* An extra pack whose ``pack`` id equals a built-in one replaces it.
* A programme id that appears in several packs has several *editions* (e.g. the county's
  rules for next year); at an as-of date the edition whose period contains the date is
  used, else the latest one that had started, else the earliest.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import schema as S
from .engine import CompiledProgramme, ProgrammeInfo, ProgrammeResult, compile_programme, programme_info
from .facts import FactProblem, FactRegistry, Facts, parse_date
from .loading import BUILTIN_PACKS_DIR, LoadedPack, PackError, builtin_paths, discover_packs, load_pack, resolve_text
from .references import all_cites, iter_nodes, pack_registry, reference_problems

__all__ = [
    "BUILTIN_PACKS_DIR",
    "PackError",
    "UnknownPolicyError",
    "LoadedPack",
    "Catalog",
    "load_pack",
    "load_catalog",
    "discover_packs",
    "pack_registry",
    "reference_problems",
    "all_cites",
    "iter_nodes",
    "resolve_text",
]


class UnknownPolicyError(KeyError):
    def __init__(self, ids: list[str], known: Iterable[str]):
        self.ids = ids
        self.known = list(known)
        super().__init__(ids)

    def __str__(self) -> str:
        return (f"未知的政策编号：{', '.join(self.ids)}（可用：{', '.join(self.known)}） / "
                f"unknown policy id{'s' if len(self.ids) > 1 else ''}: {', '.join(self.ids)}")


@dataclass(frozen=True)
class _Edition:
    programme: S.Programme
    pack: S.Pack
    info: ProgrammeInfo


class Catalog:
    """All loaded packs; evaluate facts against every programme (or some)."""

    def __init__(self, packs: list[LoadedPack]):
        self.packs = list(packs)
        self.registry: FactRegistry = pack_registry([lp.pack for lp in self.packs])
        self._editions: dict[str, list[_Edition]] = {}
        self.documents: dict[str, S.Document] = {}
        for lp in self.packs:
            for d in lp.pack.documents:
                self.documents.setdefault(d.id, d)
            for prog in lp.pack.programmes:
                self._editions.setdefault(prog.id, []).append(_Edition(prog, lp.pack, programme_info(prog, lp.pack)))
        self._plans: OrderedDict[date, dict[str, CompiledProgramme]] = OrderedDict()
        self._lock = threading.Lock()

    # ---- what is in it
    @property
    def programme_ids(self) -> list[str]:
        return list(self._editions)

    def programme(self, policy_id: str, as_of: date | None = None) -> ProgrammeInfo:
        """The edition of a programme in use at ``as_of`` (default: the newest edition)."""
        if policy_id not in self._editions:
            raise UnknownPolicyError([policy_id], self._editions)
        if as_of is None:
            return self._editions[policy_id][-1].info
        return self._edition(policy_id, as_of).info

    def parse_facts(self, data: Any) -> Facts:
        """Validate facts against this catalog (built-in facts, pack facts, known confirmations)."""
        return self.registry.parse(data)

    def named_in(self, text: str) -> list[str]:
        """Programme ids a question names by an alias of its pack ("能评发明之星吗" -> invention-star),
        in the order they appear; a longer alias wins over one inside it."""
        norm = unicodedata.normalize("NFKC", text or "").lower()
        found: list[tuple[int, int, str]] = []
        for pid, eds in self._editions.items():
            for alias in dict.fromkeys(a for ed in eds for a in ed.programme.aliases):
                key = unicodedata.normalize("NFKC", alias).lower()
                start = norm.find(key)
                if start >= 0:
                    found.append((start, -len(key), pid))
        spans: list[tuple[int, int]] = []
        out: list[str] = []
        for start, neg_len, pid in sorted(found):  # by position, the longer alias first
            end = start - neg_len
            if any(s <= start and end <= e for s, e in spans):  # inside a longer name already found
                continue
            spans.append((start, end))
            if pid not in out:
                out.append(pid)
        return out

    def parse_usable_facts(self, data: Any) -> tuple[Facts, list[FactProblem]]:
        """The facts that are fine and the problems, never raising: for facts saved before a
        check existed (a card with 5 valid patents and 0 applications). The facts a problem
        involves are left out, to be asked again."""
        return self.registry.parse_usable(data)

    def question(self, fact: str, lang: str = "zh") -> str:
        """The question for ``fact`` (vocabulary or pack data; ``locales.programmes.question`` adds
        the figures a manual confirmation is about)."""
        return self.registry.question(fact, lang)

    def figures(self, fact: str, facts: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """(fact, value) the person should see before confirming ``fact`` (empty for other facts)."""
        return self.registry.figures(fact, facts)

    def label(self, fact: str, lang: str = "zh") -> str:
        return self.registry.label(fact, lang)

    # ---- evaluation
    def _edition(self, policy_id: str, as_of: date) -> _Edition:
        eds = self._editions[policy_id]
        if len(eds) == 1:
            return eds[0]
        containing = [e for e in eds if e.info.start <= as_of and (e.info.end is None or as_of <= e.info.end)]
        if containing:
            return containing[-1]
        started = [e for e in eds if e.info.start <= as_of]
        if started:
            return max(started, key=lambda e: e.info.start)
        return min(eds, key=lambda e: e.info.start)

    def _plan(self, as_of: date) -> dict[str, CompiledProgramme]:
        plan = self._plans.get(as_of)
        if plan is not None:
            return plan
        with self._lock:
            plan = self._plans.get(as_of)
            if plan is None:
                plan = {}
                for pid in self._editions:
                    ed = self._edition(pid, as_of)
                    plan[pid] = compile_programme(ed.programme, ed.pack, as_of, self.registry, ed.info)
                self._plans[as_of] = plan
                while len(self._plans) > 256:
                    self._plans.popitem(last=False)
        return plan

    def compiled(self, as_of: date, policy_ids: Iterable[str] | None = None) -> list[CompiledProgramme]:
        plan = self._plan(_as_date(as_of))
        if policy_ids is None:
            return list(plan.values())
        ids = list(policy_ids)
        unknown = [p for p in ids if p not in plan]
        if unknown:
            raise UnknownPolicyError(unknown, plan)
        return [plan[p] for p in dict.fromkeys(ids)]

    def evaluate(self, facts: Facts | Mapping[str, Any], as_of: date, policy_ids: Iterable[str] | None = None
                 ) -> list[ProgrammeResult]:
        """Evaluate every programme (or ``policy_ids``, in that order) at ``as_of``."""
        if not isinstance(facts, Facts):
            facts = self.parse_facts(facts)
        values = facts.values
        return [cp.run(values) for cp in self.compiled(as_of, policy_ids)]


def _as_date(d: Any) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    return parse_date(d)


def load_catalog(extra_dir: str | Path | None = None) -> Catalog:
    """Built-in packs plus the packs in ``extra_dir`` (e.g. the value of IPBOT_POLICY_DIR).

    Reads and checks every pack on each call (a few milliseconds); the caller keeps the
    catalog.  Raises PackError listing every problem if a pack does not validate.
    """
    paths = builtin_paths()
    extra: list[Path] = []
    if extra_dir is not None and str(extra_dir) != "":
        d = Path(extra_dir).expanduser()
        if not d.is_dir():
            raise PackError([f"{d}: 政策包目录不存在 / policy directory not found"])
        extra = discover_packs(d)
    problems: list[str] = []
    loaded: list[LoadedPack] = []
    for p in paths:
        try:
            loaded.append(load_pack(p, builtin=True))
        except PackError as exc:
            problems += exc.problems
    by_id = {lp.pack.pack: i for i, lp in enumerate(loaded)}
    for p in extra:
        try:
            lp = load_pack(p)
        except PackError as exc:
            problems += exc.problems
            continue
        if lp.pack.pack in by_id:
            loaded[by_id[lp.pack.pack]] = lp  # an extra pack replaces the built-in one with its id
        else:
            by_id[lp.pack.pack] = len(loaded)
            loaded.append(lp)
    if not problems:
        registry = pack_registry([lp.pack for lp in loaded])
        for lp in loaded:
            problems += reference_problems(lp, registry)
    if problems:
        raise PackError(problems)
    return Catalog(loaded)
