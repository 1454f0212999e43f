"""Loading packs into a catalog, and evaluating facts against it.

Built-in packs live in ``policy/packs/<jurisdiction>/pack.yaml`` (tests in ``tests/*.yaml``
next to it).  ``load_catalog(extra_dir)`` adds the packs found in ``extra_dir`` (the caller
passes ``IPBOT_POLICY_DIR``; this module reads no environment): every ``*.yaml`` file there
is a single-file pack and every sub-directory with a ``pack.yaml`` a pack directory.

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
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import schema as S
from .engine import CompiledProgramme, CompileError, ProgrammeInfo, ProgrammeResult, compile_programme, programme_info
from .facts import REGISTRY, FactProblem, FactRegistry, Facts, FactSpec, parse_date

__all__ = [
    "BUILTIN_PACKS_DIR",
    "PackError",
    "UnknownPolicyError",
    "LoadedPack",
    "Catalog",
    "load_pack",
    "load_catalog",
    "pack_registry",
    "reference_problems",
    "iter_nodes",
    "resolve_text",
]

BUILTIN_PACKS_DIR = Path(__file__).resolve().parent / "packs"
TEXTS_DIR = Path(__file__).resolve().parent / "texts"

try:  # the C loader is much faster where available
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class PackError(ValueError):
    """A pack that cannot be loaded; ``problems`` lists what is wrong."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class UnknownPolicyError(KeyError):
    def __init__(self, ids: list[str], known: Iterable[str]):
        self.ids = ids
        self.known = list(known)
        super().__init__(ids)

    def __str__(self) -> str:
        return (f"未知的政策编号：{', '.join(self.ids)}（可用：{', '.join(self.known)}） / "
                f"unknown policy id{'s' if len(self.ids) > 1 else ''}: {', '.join(self.ids)}")


@dataclass
class LoadedPack:
    pack: S.Pack
    path: Path  # the YAML file
    builtin: bool = False
    test_files: list[Path] = field(default_factory=list)

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def _read_yaml(path: Path) -> Any:
    with open(path, "rb") as fh:
        return yaml.load(fh, Loader=_Loader)


def _format_validation(err: ValidationError, where: str) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e.get("loc", ()))
        out.append(f"{where}: {loc}: {e.get('msg')}")
    return out


def load_pack(path: str | Path, *, builtin: bool = False) -> LoadedPack:
    """Read and schema-validate one pack (a pack.yaml directory or a single YAML file)."""
    p = Path(path)
    if p.is_dir():
        file = p / "pack.yaml"
        if not file.is_file():
            raise PackError([f"{p}: 目录中没有 pack.yaml / no pack.yaml in directory"])
        tests = sorted((p / "tests").glob("*.yaml")) + sorted((p / "tests").glob("*.yml"))
    elif p.is_file():
        file, tests = p, []
    else:
        raise PackError([f"{p}: 文件或目录不存在 / no such file or directory"])
    try:
        raw = _read_yaml(file)
    except yaml.YAMLError as exc:
        raise PackError([f"{file}: YAML 格式错误 / invalid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise PackError([f"{file}: 应为 YAML 映射 / must be a YAML mapping"])
    try:
        pack = S.Pack.model_validate(raw)
    except ValidationError as exc:
        raise PackError(_format_validation(exc, str(file))) from None
    return LoadedPack(pack, file, builtin, tests)


def iter_nodes(node: Any) -> Iterable[Any]:
    """Every node of a condition tree (pre-order)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if n.type in ("all", "any"):
            stack.extend(reversed(n.of))
        elif n.type in ("waiver", "scaled"):
            stack.append(n.condition)


def resolve_text(doc: S.Document, base_dir: Path) -> Path | None:
    """The document's source text: relative to the pack first, then the shipped texts."""
    if not doc.text:
        return None
    for candidate in (base_dir / doc.text, TEXTS_DIR / doc.text):
        if candidate.is_file():
            return candidate
    return None


def pack_registry(packs: Iterable[S.Pack], base: FactRegistry = REGISTRY) -> FactRegistry:
    specs: list[FactSpec] = []
    seen = set(base.specs)
    confirmations: dict[str, tuple[str, str]] = {}
    shows: dict[str, tuple[str, ...]] = {}
    for pack in packs:
        for fd in pack.facts:
            if fd.name not in seen:
                specs.append(FactSpec(**fd.model_dump()))
                seen.add(fd.name)
        for prog in pack.programmes:
            for n in iter_nodes(prog.when):
                if n.type == "manual":
                    confirmations.setdefault(n.confirm, (n.question_zh, n.question_en))
                    shows[n.confirm] = tuple(dict.fromkeys([*shows.get(n.confirm, ()), *n.shows]))
    return base.with_extra(specs, confirmations, strict_confirmations=True, shows=shows)


def _node_facts(n: Any) -> list[tuple[str, str | None]]:
    """(fact, required type or None) referenced by a node."""
    t = n.type
    if t == "flag":
        return [(n.fact, "bool")]
    if t == "compare":
        out = [(n.fact, None)]
        if n.count_from is not None:
            out.append((n.count_from.list, "patent_list"))
        return out
    if t == "ratio":
        out = [(n.num, "money"), (n.den, "money")]
        if n.ratio_fact:
            out.append((n.ratio_fact, "ratio"))
        return out
    if t == "weighted":
        return [(x.fact, "count") for x in n.terms]
    if t == "tiers":
        return [(n.fact, None)]
    if t == "waiver":
        return [(f, "bool") for f in n.waived_by]
    if t == "scaled":
        out = [(n.when, "bool")]
        if n.when_date is not None:
            out.append((n.when_date.fact, "date"))
        return out
    return []


def _node_params(n: Any) -> list[str]:
    t = n.type
    if t in ("compare", "ratio", "weighted"):
        out = [n.param]
        if t == "weighted":
            out += [x.weight for x in n.terms if isinstance(x.weight, str)]
        if t == "compare" and n.count_from is not None:
            out += [k.param for k in n.count_from.any_of if k.param]
        return out
    if t == "tiers":
        return [lv.param for lv in n.levels]
    if t == "scaled":
        out = [n.factor]
        if n.when_date is not None:
            out.append(n.when_date.within_years)
        return out
    return []


def _node_cites(n: Any) -> list[S.Cite]:
    out = [n.cite] if getattr(n, "cite", None) is not None else []
    if n.type == "compare" and n.count_from is not None:
        out.append(n.count_from.cite)
        out += [k.cite for k in n.count_from.any_of]
    return out


def all_cites(pack: S.Pack) -> list[tuple[str, S.Cite]]:
    """(where, citation) for every citation in the pack."""
    out: list[tuple[str, S.Cite]] = []
    for pid, p in pack.parameters.items():
        for v in p.values:
            out.append((f"parameters.{pid}[{v.start}]", v.cite))
    for prog in pack.programmes:
        out.append((f"{prog.id}.citation", prog.citation))
        out.append((f"{prog.id}.benefit", prog.benefit.cite))
        if prog.deadline_cite is not None:
            out.append((f"{prog.id}.deadline", prog.deadline_cite))
        for n in iter_nodes(prog.when):
            for c in _node_cites(n):
                out.append((f"{prog.id}:{n.id or n.type}", c))
    return out


def reference_problems(lp: LoadedPack, registry: FactRegistry | None = None) -> list[str]:
    """Problems with ids and references inside a pack (cheap; run at every load)."""
    pack = lp.pack
    where = str(lp.path)
    registry = registry or pack_registry([pack])
    problems: list[str] = []
    docs = {}
    for d in pack.documents:
        if d.id in docs:
            problems.append(f"{where}: 文件编号重复 / duplicate document id {d.id}")
        docs[d.id] = d
    for fd in pack.facts:
        if fd.name in REGISTRY.specs:
            problems.append(f"{where}: facts.{fd.name}: 与内置事实重名 / clashes with a built-in fact")
    for c_where, c in all_cites(pack):
        if c.doc not in docs:
            problems.append(f"{where}: {c_where}: 引用了不存在的文件 / cites unknown document {c.doc!r}")
        elif c.clause not in docs[c.doc].clauses:
            problems.append(f"{where}: {c_where}: 文件 {c.doc} 中没有条款 / document has no clause {c.clause!r}")
    seen_prog: set[str] = set()
    for prog in pack.programmes:
        pw = f"{where}: {prog.id}"
        if prog.id in seen_prog:
            problems.append(f"{pw}: 项目编号重复 / duplicate programme id")
        seen_prog.add(prog.id)
        for d in prog.documents:
            if d not in docs:
                problems.append(f"{pw}: documents: 未知文件 / unknown document {d!r}")
        if prog.benefit.amount_param and prog.benefit.amount_param not in pack.parameters:
            problems.append(f"{pw}: benefit: 未知参数 / unknown parameter {prog.benefit.amount_param!r}")
        ids: set[str] = set()
        n_tiers = 0
        for n in iter_nodes(prog.when):
            if n.id:
                if n.id in ids:
                    problems.append(f"{pw}: 节点编号重复 / duplicate node id {n.id}")
                ids.add(n.id)
            if n.type == "tiers":
                n_tiers += 1
            for fact, need_type in _node_facts(n):
                spec = registry.specs.get(fact)
                if spec is None:
                    problems.append(f"{pw}:{n.id or n.type}: 未知事实 / unknown fact {fact!r}")
                elif need_type is not None and spec.type != need_type:
                    problems.append(f"{pw}:{n.id or n.type}: 事实 {fact} 类型应为 {need_type} / fact must be {need_type}, is {spec.type}")
                elif need_type is None and spec.type not in ("count", "money", "money3", "ratio"):
                    problems.append(f"{pw}:{n.id or n.type}: 事实 {fact} 不是数值 / fact is not numeric ({spec.type})")
            for pid in _node_params(n):
                if pid not in pack.parameters:
                    problems.append(f"{pw}:{n.id or n.type}: 未知参数 / unknown parameter {pid!r}")
            if n.type == "compare" and n.count_from is not None:
                for k in n.count_from.any_of:
                    if k.field in ("maintained_years", "pledge_amount"):
                        if not k.param or (k.word is None and k.op is None):
                            problems.append(f"{pw}:{n.id}: {k.field}: 需要参数和用词或运算符 / needs a param and a word or op")
                        elif k.word is not None and k.word not in S.WORD_OPS:
                            problems.append(f"{pw}:{n.id}: {k.field}: 未知用词 / unknown word {k.word!r}")
                        elif k.word is None and not k.note:
                            problems.append(f"{pw}:{n.id}: {k.field}: 没有原文用词时需要 note / an op without the document's word needs a note")
        if n_tiers > 1:
            problems.append(f"{pw}: 每个项目至多一个分档节点 / at most one tiers node per programme")
    for pid, p in pack.parameters.items():
        for v in p.values:
            if v.value is None and not v.note:
                problems.append(f"{where}: parameters.{pid}: 无数值时需要 note / a null value needs a note")
    if not problems:
        problems += _compile_problems(lp, registry)
    return problems


def _compile_problems(lp: LoadedPack, registry: FactRegistry) -> list[str]:
    """Compile each programme at every date where something changes, to catch unusable trees."""
    pack = lp.pack
    dates = {v.start for p in pack.parameters.values() for v in p.values}
    out = []
    for prog in pack.programmes:
        for d in sorted(dates | {prog.period.start}):
            try:
                compile_programme(prog, pack, d, registry)
            except CompileError as exc:
                out.append(f"{lp.path}: {exc} (as of {d})")
                break
    return out


# --------------------------------------------------------------------------- catalog


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

    def question(self, fact: str, lang: str = "zh", facts: Mapping[str, Any] | None = None) -> str:
        """The question for ``fact``; with the company's ``facts``, a manual confirmation's
        question starts with the figures it is about ("（有效发明专利件数：3 件）……是否达到“一定数量”？")."""
        return self.registry.question(fact, lang, facts)

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


# --------------------------------------------------------------------------- loading


def _discover(extra_dir: Path) -> list[Path]:
    out = []
    for entry in sorted(extra_dir.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix in (".yaml", ".yml"):
            out.append(entry)
        elif entry.is_dir() and (entry / "pack.yaml").is_file():
            out.append(entry)
    return out


def _builtin_paths() -> list[Path]:
    return sorted(p for p in BUILTIN_PACKS_DIR.iterdir() if p.is_dir() and (p / "pack.yaml").is_file())


def _signature(paths: list[Path]) -> tuple:
    sig = []
    for p in paths:
        f = p / "pack.yaml" if p.is_dir() else p
        st = f.stat()
        sig.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(sig)


_CACHE: OrderedDict[tuple, Catalog] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def load_catalog(extra_dir: str | Path | None = None) -> Catalog:
    """Built-in packs plus the packs in ``extra_dir`` (e.g. the value of IPBOT_POLICY_DIR).

    Cached: calling again with the same directory returns the same Catalog unless a pack
    file changed.  Raises PackError listing every problem if a pack does not validate.
    """
    paths = _builtin_paths()
    extra: list[Path] = []
    if extra_dir is not None and str(extra_dir) != "":
        d = Path(extra_dir).expanduser()
        if not d.is_dir():
            raise PackError([f"{d}: 政策包目录不存在 / policy directory not found"])
        extra = _discover(d)
    key = _signature(paths) + ("|",) + _signature(extra)
    with _CACHE_LOCK:
        cat = _CACHE.get(key)
        if cat is not None:
            _CACHE.move_to_end(key)
            return cat
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
    cat = Catalog(loaded)
    with _CACHE_LOCK:
        _CACHE[key] = cat
        while len(_CACHE) > 8:
            _CACHE.popitem(last=False)
    return cat
