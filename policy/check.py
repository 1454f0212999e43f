"""``check_pack``: validate a pack -- schema, citations, its own tests, threshold coverage.

Checks, in order (later checks run only when earlier ones pass):

1. schema (pydantic) and references (documents, clauses, parameters, facts, node ids);
2. citations: every document has its source text (next to the pack, or in the policy
   library: ``policy/texts`` and the policy directory's ``texts/``), with the library's 文号;
   every clause quote and every node quote occurs verbatim in it (whitespace ignored); a
   programme citing a document the library lacks is named with its citations; a compare
   node's word (以上, 超过 ...) occurs in the quote it cites, so the operator really is the
   document's; every parameter value agrees with the figure in its quote (5 in "5件以上",
   0.035 in "3.5%以上", 20,000,000 in "2000 万元", 3 in "三年内", 2 in "按1:2抵算", 0.5 in
   "减半"), a tiers ladder's values follow its quote's figures in order, and a value whose
   quote has no figure has a note;
3. the pack's test cases (``tests/*.yaml`` next to ``pack.yaml`` or an inline ``tests:``)
   pass;
4. coverage: every threshold (compare, ratio, weighted, tiers) is exercised by the tests
   at threshold -1, at the threshold and +1 (for ratios: below, equal, above); every
   scaled node is seen both applied and not applied; every programme has cases for all
   three statuses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

import yaml
from pydantic import ValidationError

from . import schema as S
from .catalog import Catalog
from .engine import CNode, ProgrammeResult
from .facts import FactError
from .loading import LoadedPack, PackError, builtin_paths, format_validation, load_pack, read_yaml, source_text
from .references import all_cites, iter_nodes, pack_registry, programme_cites, reference_problems
from .texts import Library, LibraryError, library_for_dir, shipped_library

__all__ = ["check_pack", "CaseRun", "collect_cases", "citation_problems", "coverage_problems", "builtin_pack_paths",
           "figure_problems", "library_for", "quote_figures"]

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub("", text)


def builtin_pack_paths() -> list[Path]:
    return builtin_paths()


# --------------------------------------------------------------------------- citations


def library_for(path: str | Path) -> Library:
    """The library a pack at ``path`` cites from: the shipped documents, plus those of the
    policy directory that holds the pack (its parent) when that has a ``texts/`` folder.
    Raises :class:`LibraryError` when that folder has a malformed document."""
    return library_for_dir(Path(path).resolve().parent)


def citation_problems(lp: LoadedPack, library: Library | None = None) -> list[str]:
    """Every document's source text is found (next to the pack, or in the library: shipped or
    the policy directory's) and its 文号 is the library's; every quote is verbatim in it
    (compared without whitespace)."""
    pack = lp.pack
    where = str(lp.path)
    library = library or shipped_library()
    problems: list[str] = []
    texts: dict[str, str | None] = {}
    for d in pack.documents:
        raw = source_text(d, lp.base_dir, library)
        if raw is None:
            problems.append(f"{where}: 文件 {d.id} 没有可核对的原文（text）/ document {d.id} has no source text to check citations against"
                            + (f" ({d.text} 不在政策库中 / not in the policy library)" if d.text else ""))
            texts[d.id] = None
            continue
        held = library.find(d.text) if not (lp.base_dir / (d.text or "")).is_file() else None
        if held is not None and (d.number or "") != held.number:
            problems.append(f"{where}: 文件 {d.id}: 文号“{d.number or ''}”与政策库中 {held.file} 的文号“{held.number}”不符 / "
                            f"number {d.number or '(none)'!r} differs from the library's {held.number or '(none)'!r}")
        body = _norm(raw)
        texts[d.id] = body
        for label, clause in d.clauses.items():
            if _norm(clause.quote) not in body:
                problems.append(f"{where}: {d.id} 条款 {label}: 引文不在原文中 / quote not found in the text: {clause.quote[:40]}")
    docs = {d.id: d for d in pack.documents}
    missing: dict[str, list[str]] = {}
    for prog in pack.programmes:
        for c_where, c in programme_cites(prog):
            if c.doc in docs and texts.get(c.doc) is None:
                missing.setdefault(prog.id, []).append(f"{c_where} {c.doc} {c.clause}")
    for pid, cites in missing.items():
        problems.append(f"{where}: {pid}: 所引文件不在政策库中 / cites a document the policy library does not hold: "
                        + "; ".join(cites))
    for c_where, c in all_cites(pack):
        body = texts.get(c.doc)
        if body is None or c.doc not in docs:
            continue
        if c.quote is not None and _norm(c.quote) not in body:
            problems.append(f"{where}: {c_where}: 引文不在原文中 / quote not found in {c.doc}: {c.quote[:40]}")
    # the word that decides the operator must be the document's
    for prog in pack.programmes:
        for n in iter_nodes(prog.when):
            for item, cite in _worded(n):
                word = getattr(item, "word", None)
                if word is None:
                    continue
                doc = docs.get(cite.doc)
                if doc is None or cite.clause not in doc.clauses:
                    continue
                source = cite.quote or doc.clauses[cite.clause].quote
                if word not in _norm(source):
                    problems.append(f"{where}: {prog.id}:{n.id or n.type}: 用词“{word}”不在所引原文中 / word {word!r} "
                                    f"does not occur in the cited text")
    return problems


# --------------------------------------------------------------------------- figures in quotes

_RATIO = re.compile(r"(\d+)\s*[:：]\s*(\d+)")
_ARABIC = re.compile(r"(\d+(?:\.\d+)?)\s*(%|％|万元|亿元|万|亿|元|件|年|人|倍|个|项|家|名)?")
# a Chinese numeral counts only before a counter word, and not in 上一年度 / 第一 / 同一
_CHINESE = re.compile(r"(?<![上下第同统唯])([一二两三四五六七八九十百千]+)\s*(件|年|人|倍|个|项|家|名)")
_WORDS = {"减半": (0.5, "倍"), "翻番": (2, "倍"), "翻一番": (2, "倍")}
_SCALE = {"万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000}
#: parameter unit -> the units a figure in its quote may carry ("" = none; "ratio" = a:b)
_UNITS_FOR = {"件": {"件", "ratio", ""}, "年": {"年"}, "人": {"人"}, "元": {"元"}, "比例": {"%"}, "倍": {"倍", "ratio", ""}}


def quote_figures(text: str) -> list[tuple[float, str]]:
    """The figures a quote states, in order, each with its unit: "2000 万元" -> (20000000, "元"),
    "3.5%" -> (0.035, "%"), "1:2" -> (2, "ratio") (one counts as two), "三年" -> (3, "年")."""
    found: list[tuple[int, float, str]] = []
    rest = text
    for m in _RATIO.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a:
            found.append((m.start(), b / a, "ratio"))
    rest = _RATIO.sub(lambda m: " " * len(m.group(0)), rest)
    for m in _ARABIC.finditer(rest):
        n, unit = float(m.group(1)), m.group(2) or ""
        if unit in ("%", "％"):
            n, unit = n / 100, "%"
        elif unit in _SCALE:
            n, unit = n * _SCALE[unit], "元" if unit.endswith("元") else ""
        found.append((m.start(), n, unit))
    for m in _CHINESE.finditer(rest):
        import cn2an  # only the pack linter needs it

        try:
            found.append((m.start(), float(cn2an.cn2an(m.group(1), "smart")), m.group(2)))
        except ValueError:
            continue
    for word, (n, unit) in _WORDS.items():
        i = rest.find(word)
        if i >= 0:
            found.append((i, float(n), unit))
    return [(n, unit) for _, n, unit in sorted(found)]


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def figure_problems(lp: LoadedPack) -> list[str]:
    """Every parameter value against the figure its quote states; tier ladders in the quote's order."""
    pack = lp.pack
    where = str(lp.path)
    docs = {d.id: d for d in pack.documents}
    problems: list[str] = []

    def quote_of(cite: S.Cite) -> str | None:
        if cite.quote is not None:
            return cite.quote
        doc = docs.get(cite.doc)
        clause = doc.clauses.get(cite.clause) if doc else None
        return clause.quote if clause else None

    for pid, p in pack.parameters.items():
        accepted = _UNITS_FOR.get(p.unit)
        for v in p.values:
            quote = quote_of(v.cite)
            if v.value is None or quote is None:
                continue
            figures = [(n, u) for n, u in quote_figures(quote) if accepted is None or u in accepted]
            if not figures:
                if not v.note:
                    problems.append(f"{where}: parameters.{pid}[{v.start}]: 所引原文“{quote}”中没有数字，数值 {v.value} "
                                    f"需要 note 说明取值 / the quote states no figure; a value needs a note saying why")
                continue
            if not any(_same(float(v.value), n) for n, _ in figures):
                shown = "、".join(f"{n:g}" for n, _ in figures)
                problems.append(f"{where}: parameters.{pid}[{v.start}]: 数值 {v.value} 与所引原文“{quote}”中的数字（{shown}）"
                                f"不符 / value {v.value} does not match the figure in the quote ({shown})")
    for prog in pack.programmes:
        for n in iter_nodes(prog.when):
            if n.type != "tiers":
                continue
            quote = quote_of(n.cite)
            figures = [x for x, _ in quote_figures(quote or "")]
            if len(figures) != len(n.levels):
                continue
            for lv, figure in zip(n.levels, figures):
                param = pack.parameters.get(lv.param)
                if param is None:
                    continue
                for v in param.values:
                    if v.value is not None and not _same(float(v.value), figure):
                        problems.append(f"{where}: {prog.id}:{n.id}: 第 {lv.tier} 档 {lv.param} 的数值 {v.value} 与所引原文“{quote}”"
                                        f"中同一位置的数字 {figure:g} 不符 / tier {lv.tier} ({lv.param}) is {v.value}, the quote "
                                        f"says {figure:g} at its place")
    return problems


def _worded(n: Any) -> list[tuple[Any, S.Cite]]:
    out = []
    if n.type in ("compare", "ratio", "weighted", "tiers"):
        out.append((n, n.cite))
    if n.type == "compare" and n.count_from is not None:
        out += [(k, k.cite) for k in n.count_from.any_of]
    return out


# --------------------------------------------------------------------------- test cases


@dataclass
class CaseRun:
    """One pack test case; ``run()`` returns problems (empty when it passes)."""

    id: str
    file: str
    name: str
    as_of: date | None
    facts: dict[str, Any]
    expect: dict[str, S.Expect]
    catalog: Catalog
    observations: list[tuple[str, date, dict]] = field(default_factory=list)

    def run(self) -> list[str]:
        where = f"{self.file}: {self.name}"
        if self.as_of is None:
            return [f"{where}: 缺少 as_of / no as_of (give it in the case or in defaults)"]
        try:
            facts = self.catalog.parse_facts(self.facts)
        except FactError as exc:
            return [f"{where}: 事实有误 / bad facts: {exc}"]
        unknown = [p for p in self.expect if p not in self.catalog.programme_ids]
        if unknown:
            return [f"{where}: 未知项目 / unknown programme {', '.join(unknown)}"]
        results = self.catalog.evaluate(facts, self.as_of, list(self.expect))
        problems = []
        for res in results:
            problems += _compare(where, res, self.expect[res.policy])
            self.observations.append((res.policy, self.as_of, facts.values))
        return problems


def _fmt_gaps(gaps: Iterable[Any]) -> str:
    return "[" + ", ".join(f"{g.fact} have={g.have!r} need={g.need!r} short_by={g.short_by!r}" for g in gaps) + "]"


def _compare(where: str, res: ProgrammeResult, exp: S.Expect) -> list[str]:
    out = []
    p = f"{where}: {res.policy}"
    given = exp.model_fields_set
    if exp.status is not None and res.status != exp.status:
        out.append(f"{p}: status 应为 / expected {exp.status}, 实际 / got {res.status} "
                   f"(missing={res.missing}, gaps={_fmt_gaps(res.gaps)})")
    if exp.in_force is not None and res.in_force != exp.in_force:
        out.append(f"{p}: in_force 应为 / expected {exp.in_force}, 实际 / got {res.in_force}")
    if "tier" in given and res.tier != exp.tier:
        out.append(f"{p}: tier 应为 / expected {exp.tier}, 实际 / got {res.tier}")
    if "next_tier" in given:
        got = res.next_tier.to_json() if res.next_tier else None
        want = exp.next_tier.model_dump() if exp.next_tier else None
        if got != want:
            out.append(f"{p}: next_tier 应为 / expected {want}, 实际 / got {got}")
    if exp.missing is not None and set(res.missing) != set(exp.missing):
        out.append(f"{p}: missing 应为 / expected {sorted(exp.missing)}, 实际 / got {sorted(res.missing)}")
    if exp.gaps is not None:
        unmatched = list(res.gaps)
        for eg in exp.gaps:
            found = None
            for g in unmatched:
                if g.fact != eg.fact:
                    continue
                eset = eg.model_fields_set
                gj = g.to_json()
                if "have" in eset and gj["have"] != eg.have:
                    continue
                if "need" in eset and g.need != eg.need:
                    continue
                if "short_by" in eset and g.short_by != eg.short_by:
                    continue
                found = g
                break
            if found is None:
                out.append(f"{p}: 缺少差距 / expected gap {eg.model_dump(exclude_unset=True)} not in {_fmt_gaps(res.gaps)}")
            else:
                unmatched.remove(found)
        if unmatched and not any("缺少差距" in x for x in out):
            out.append(f"{p}: 多出差距 / unexpected gaps {_fmt_gaps(unmatched)}")
    return out


def _load_suites(lp: LoadedPack) -> tuple[list[tuple[str, S.TestSuite]], list[str]]:
    suites: list[tuple[str, S.TestSuite]] = [(f"{lp.path}#tests[{i}]", s) for i, s in enumerate(lp.pack.tests)]
    problems: list[str] = []
    for f in lp.test_files:
        try:
            raw = read_yaml(f)
        except yaml.YAMLError as exc:
            problems.append(f"{f}: YAML 格式错误 / invalid YAML: {exc}")
            continue
        try:
            suites.append((str(f), S.TestSuite.model_validate(raw)))
        except ValidationError as exc:
            problems += format_validation(exc, str(f))
    return suites, problems


def collect_cases(path: str | Path, catalog: Catalog | None = None) -> tuple[list[CaseRun], list[str]]:
    """The test cases of one pack (and problems met while reading them)."""
    lp = path if isinstance(path, LoadedPack) else load_pack(path)
    catalog = catalog or Catalog([lp])
    suites, problems = _load_suites(lp)
    runs: list[CaseRun] = []
    seen: set[str] = set()
    for file, suite in suites:
        for i, case in enumerate(suite.cases):
            facts = {**suite.defaults.facts, **case.facts}
            for k in case.unset:
                facts.pop(k, None)
            cid = f"{lp.pack.pack}/{Path(file).name}/{i:02d}"
            if cid in seen:  # pragma: no cover
                cid += "b"
            seen.add(cid)
            runs.append(CaseRun(cid, Path(file).name, case.name, case.as_of or suite.defaults.as_of, facts,
                                case.expect, catalog))
    return runs, problems


# --------------------------------------------------------------------------- coverage


def _walk_thresholds(node: CNode, values: dict, visit: Callable[[CNode], None]) -> None:
    visit(node)
    if node.info.kind == "scaled":
        base, scaled = node.children
        w = node.extra["flag_value"](values)
        _walk_thresholds(scaled if w is True else base, values, visit)
        return
    for c in node.children:
        _walk_thresholds(c, values, visit)


def _required_points(t: float, integer: bool) -> list[tuple[str, Callable[[float], bool]]]:
    if integer:
        if float(t).is_integer():
            t = int(t)
            pts = [(str(t - 1), lambda x, t=t: x == t - 1)] if t - 1 >= 0 else []
            return pts + [(str(t), lambda x, t=t: x == t), (str(t + 1), lambda x, t=t: x == t + 1)]
        lo, hi = math.floor(t), math.ceil(t)
        return [(str(lo), lambda x, v=lo: x == v), (str(hi), lambda x, v=hi: x == v)]
    pts = [("<", lambda x, t=t: x < t - 1e-9)] if t > 0 else []
    return pts + [("=", lambda x, t=t: abs(x - t) <= 1e-9), (">", lambda x, t=t: x > t + 1e-9)]


def coverage_problems(runs: list[CaseRun], lp: LoadedPack) -> list[str]:
    """Threshold -1 / at / +1 coverage, scaled nodes both ways, all three statuses per programme."""
    catalog = runs[0].catalog if runs else Catalog([lp])
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    scaled_seen: dict[tuple[str, str], set] = {}
    statuses: dict[str, set[str]] = {p.id: set() for p in lp.pack.programmes}
    for run in runs:
        for exp_pid, exp in run.expect.items():
            if exp.status is not None and exp_pid in statuses:
                statuses[exp_pid].add(exp.status)
        for pid, as_of, values in run.observations:
            cp = catalog.compiled(as_of, [pid])[0]

            def visit(n: CNode, pid: str = pid, values: dict = values) -> None:
                key = (pid, n.info.id)
                if n.info.kind == "scaled":
                    scaled_seen.setdefault(key, set()).add(n.extra["flag_value"](values))
                extra = n.extra if isinstance(n.extra, dict) else None
                if not extra or "thresholds" not in extra:
                    return
                rec = seen.setdefault(key, {"integer": extra["integer"], "points": {}})
                x = extra["probe"](values)
                for t in extra["thresholds"]:
                    rec["points"].setdefault(t, set())
                    if x is not None:
                        rec["points"][t].add(x)
                for sub in extra.get("sub_thresholds", ()):  # e.g. a patent-list kind: 维持年限超过10年
                    srec = seen.setdefault((pid, sub["id"]), {"integer": sub["integer"], "points": {}})
                    xs = sub["values"](values)
                    for t in sub["thresholds"]:
                        srec["points"].setdefault(t, set()).update(xs)

            _walk_thresholds(cp.root, values, visit)
    problems = []
    where = str(lp.path)
    # every threshold node must have been reached by at least one case
    for prog in lp.pack.programmes:
        for n in iter_nodes(prog.when):
            if n.type in ("compare", "ratio", "weighted", "tiers") and n.id and (prog.id, n.id) not in seen:
                problems.append(f"{where}: {prog.id}:{n.id}: 没有任何测试用例 / no test case reaches this threshold")
            if n.type == "scaled" and n.id:
                got = scaled_seen.get((prog.id, n.id), set())
                for want in (True, False):
                    if want not in got:
                        problems.append(f"{where}: {prog.id}:{n.id}: 缺少{'适用' if want else '不适用'}该调整的测试 / no case with "
                                        f"{n.when}={str(want).lower()}")
    for (pid, nid), rec in sorted(seen.items()):
        for t, xs in rec["points"].items():
            missing = [label for label, ok in _required_points(t, rec["integer"]) if not any(ok(x) for x in xs)]
            if missing:
                problems.append(f"{where}: {pid}:{nid}: 阈值 {t} 缺少测试点 / threshold {t} not tested at {', '.join(missing)}"
                                f" (tested: {sorted(xs)[:8]})")
    for pid, got in statuses.items():
        lack = [s for s in ("eligible", "not_eligible", "needs_info") if s not in got]
        if lack:
            problems.append(f"{where}: {pid}: 缺少结论为 {', '.join(lack)} 的测试 / no case expecting {', '.join(lack)}")
    return problems


# --------------------------------------------------------------------------- entry point


def check_pack(path: str | Path, library: Library | None = None) -> list[str]:
    """All problems with the pack at ``path`` (a directory with pack.yaml, or one YAML file).

    Citations are checked against ``library`` (default: :func:`library_for` the pack: the
    shipped documents plus its policy directory's). An empty list means the pack is good:
    schema, citations, its own tests, coverage.
    """
    try:
        lp = load_pack(path)
    except PackError as exc:
        return exc.problems
    if library is None:
        try:
            library = library_for(path)
        except LibraryError as exc:
            return exc.problems
    registry = pack_registry([lp.pack])
    problems = reference_problems(lp, registry)
    if problems:
        return problems
    problems = citation_problems(lp, library) + figure_problems(lp)
    runs, suite_problems = collect_cases(lp)
    problems += suite_problems
    if not runs and not suite_problems:
        problems.append(f"{lp.path}: 没有测试用例 / the pack has no test cases (tests/*.yaml or an inline tests: section)")
    for run in runs:
        problems += run.run()
    if runs:
        problems += coverage_problems(runs, lp)
    return problems
