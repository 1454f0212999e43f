"""References inside a pack: the facts, parameters, documents and clauses its nodes name.

``reference_problems`` runs at every load (cheap): ids are unique, every citation names a
document and a clause of the pack, every fact and parameter exists with the right type,
and every programme compiles at every date where one of its figures changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import schema as S
from .schema import iter_nodes
from .engine import CompileError, compile_programme
from .facts import REGISTRY, FactRegistry, FactSpec
from .loading import LoadedPack

__all__ = ["iter_nodes", "pack_registry", "all_cites", "programme_cites", "reference_problems"]


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


def programme_cites(prog: S.Programme) -> list[tuple[str, S.Cite]]:
    """(where, citation) for every clause a programme rests on: its citation, the further
    ``clauses:`` it lists (in its citation's document), its benefit, deadline and conditions.
    Not its period's taper: that sentence is about every programme of a plan."""
    out: list[tuple[str, S.Cite]] = [(f"{prog.id}.citation", prog.citation)]
    out += [(f"{prog.id}.clauses[{i}]", S.Cite(doc=prog.citation.doc, clause=label))
            for i, label in enumerate(prog.clauses)]
    out.append((f"{prog.id}.benefit", prog.benefit.cite))
    if prog.deadline_cite is not None:
        out.append((f"{prog.id}.deadline", prog.deadline_cite))
    for n in iter_nodes(prog.when):
        for c in _node_cites(n):
            out.append((f"{prog.id}:{n.id or n.type}", c))
    return out


def all_cites(pack: S.Pack) -> list[tuple[str, S.Cite]]:
    """(where, citation) for every citation in the pack."""
    out: list[tuple[str, S.Cite]] = []
    for pid, p in pack.parameters.items():
        for v in p.values:
            out.append((f"parameters.{pid}[{v.start}]", v.cite))
    for prog in pack.programmes:
        out += programme_cites(prog)
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
