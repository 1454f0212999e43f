"""Training targets as dated, cited data (like the policy parameters), never a number in code.

The built-in file `services/data/targets.yaml` holds 苏知发〔2018〕86号 二(五)'s 30,000
people for 2018-05-30..2020-12-31; a deployment adds its own targets in a file of the
same shape named by the setting IPBOT_TRAINING_TARGETS. `target_at(targets, as_of)`
picks the one in force, or the latest with `in_force=False` so callers can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from services.errors import Refusal

__all__ = ["BUILTIN", "Target", "load_targets", "target_at", "TargetChoice"]

BUILTIN = Path(__file__).with_name("data") / "targets.yaml"
_CITATION_FIELDS = ("document", "clause")


@dataclass(frozen=True)
class Target:
    id: str
    people: int
    start: date
    end: date
    citation: dict[str, str]
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetChoice:
    target: Target
    in_force: bool


def load_targets(extra_file: str | Path | None = None) -> list[Target]:
    """The built-in targets plus a deployment's file; a malformed entry stops with its id and problem."""
    targets = _read(BUILTIN)
    if extra_file:
        path = Path(extra_file).expanduser()
        if not path.is_file():
            raise Refusal("targets_file_missing", path=str(path))
        targets += _read(path)
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise Refusal("targets_duplicate_id", ids=", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    return targets


def target_at(targets: list[Target], as_of: date) -> TargetChoice:
    """The target whose period contains `as_of` (the latest-starting one), else the latest one."""
    if not targets:
        raise Refusal("targets_none")
    in_force = [t for t in targets if t.start <= as_of <= t.end]
    if in_force:
        return TargetChoice(max(in_force, key=lambda t: (t.start, t.id)), True)
    return TargetChoice(max(targets, key=lambda t: (t.end, t.start, t.id)), False)


def _read(path: Path) -> list[Target]:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    entries = raw.get("targets") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise Refusal("targets_malformed", path=path.name, problem="no 'targets:' list")
    return [_target(path, entry) for entry in entries]


def _target(path: Path, entry: Any) -> Target:
    def bad(problem: str) -> Refusal:
        name = entry.get("id", "?") if isinstance(entry, dict) else "?"
        return Refusal("targets_malformed", path=f"{path.name}:{name}", problem=problem)

    if not isinstance(entry, dict):
        raise bad("an entry is not a mapping")
    people, start, end, citation = entry.get("people"), entry.get("from"), entry.get("to"), entry.get("citation")
    if not isinstance(entry.get("id"), str) or not entry["id"]:
        raise bad("id missing")
    if not isinstance(people, int) or isinstance(people, bool) or people <= 0:
        raise bad("people must be a positive whole number")
    if not isinstance(start, date) or not isinstance(end, date) or end < start:
        raise bad("from/to must be dates (YYYY-MM-DD) with from <= to")
    if not isinstance(citation, dict) or any(not citation.get(k) for k in _CITATION_FIELDS):
        raise bad("citation needs document and clause")
    return Target(entry["id"], people, start, end, {k: str(v) for k, v in citation.items()},
                  tuple(entry.get("categories") or ()))
