"""Every built-in pack: its YAML test cases (one pytest test each) and its lint."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import policy
from policy.catalog import load_catalog, load_pack
from policy.check import builtin_pack_paths, check_pack, collect_cases
from policy.texts import shipped_library

PACKS = builtin_pack_paths()


def _cases():
    out = []
    for path in PACKS:
        runs, problems = collect_cases(path)
        assert not problems, problems
        for run in runs:
            out.append(pytest.param(run, id=f"{run.id} {run.name}"))
    return out


@pytest.mark.parametrize("case", _cases())
def test_pack_case(case):
    problems = case.run()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", PACKS, ids=[p.name for p in PACKS])
def test_pack_lint(path):
    """Schema, citations (quotes verbatim in the source text), tests pass, thresholds covered at -1/at/+1."""
    problems = check_pack(path)
    assert problems == [], "\n".join(problems)


def test_builtin_packs_are_the_three_jurisdictions():
    assert [p.name for p in PACKS] == ["cn", "cn-32", "cn-32-county"]


def test_programme_ids_are_the_contract():
    ids = set(load_catalog().programme_ids)
    assert ids == {
        "first-invention-subsidy",
        "invention-star",
        "innovation-star",
        "pct-grant-reward",
        "high-value-cultivation-2022",
        "industrial-brand-2022",
        "little-giant-priority-exam",
        "ip-standard-reward",
        "project-lead-reward",
        "enforcement-aid",
        "high-value-cultivation-2022-upgrade",
    }


def test_every_leaf_and_parameter_cites_a_clause_of_its_pack():
    from policy.catalog import all_cites, iter_nodes

    for path in PACKS:
        pack = load_pack(path).pack
        docs = {d.id: d for d in pack.documents}
        for where, cite in all_cites(pack):
            assert cite.doc in docs, where
            assert cite.clause in docs[cite.doc].clauses, where
        for prog in pack.programmes:
            for n in iter_nodes(prog.when):
                if n.type not in ("all", "any"):
                    assert n.cite is not None, f"{prog.id}:{n.id}"


def test_compare_words_decide_the_operator():
    """以上/不低于/不少于/达到 are inclusive; 超过 is strict (checked on the packs as written)."""
    from policy.catalog import iter_nodes
    from policy.schema import WORD_OPS

    assert WORD_OPS["以上"] == WORD_OPS["不低于"] == WORD_OPS["达到"] == WORD_OPS["不少于"] == ">="
    assert WORD_OPS["超过"] == ">"
    seen = {}
    for path in PACKS:
        for prog in load_pack(path).pack.programmes:
            for n in iter_nodes(prog.when):
                if getattr(n, "word", None):
                    seen[n.id] = n.resolved_op()
    assert seen["cs-stars"] == ">"
    assert seen["is-grants"] == ">="
    assert seen["hvc-profit"] == ">="


def test_texts_ship_with_the_package():
    docs = list(shipped_library())
    folder = Path(policy.__file__).parent / "texts"
    assert [d.file for d in docs] == sorted(p.name for p in folder.glob("*.txt"))
    assert all((folder / f"{d.id}.yaml").is_file() and d.text.strip() for d in docs)
    by_file = {d.file: d for d in docs}
    assert by_file["000_94898abcd3045e73.txt"].number == "苏知发〔2018〕86号"
    assert "发明之星" in by_file["001_bb17abadfc902431.txt"].text
    assert (folder / "README.md").is_file()


def test_policy_package_is_pure():
    """Only the standard library, pydantic and yaml (import-linter enforces the project side); the
    pack linter and the question reader read Chinese numerals with cn2an, and the reader hears
    input-method typos with pypinyin."""
    root = Path(policy.__file__).parent
    allowed = set(sys.stdlib_module_names) | {"pydantic", "yaml", "policy"}
    allowed_in = {"check.py": {"cn2an"}, "question_numbers.py": {"cn2an"}, "question_names.py": {"pypinyin"}}
    for py in root.rglob("*.py"):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed | allowed_in.get(py.name, set()), f"{py.name} imports {name}"


def test_engine_reads_no_environment():
    root = Path(policy.__file__).parent
    for py in root.rglob("*.py"):
        if py.name == "cli.py":
            continue
        text = py.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, py.name


def test_every_note_a_user_sees_has_english_too():
    """An English user's check is English throughout: the packs' readings included."""
    from policy.catalog import iter_nodes

    for path in PACKS:
        for prog in load_pack(path).pack.programmes:
            assert bool(prog.period.note) <= bool(prog.period.note_en), prog.id
            assert len(prog.notes_en) == len(prog.notes), prog.id
            for n in iter_nodes(prog.when):
                assert bool(n.note) <= bool(n.note_en), f"{prog.id}:{n.id}"
    r = load_catalog().evaluate({}, __import__("datetime").date(2023, 6, 30), ["innovation-star"])[0]
    assert len(r.notes_in("en")) == len(r.notes) and r.notes_in("en")[1].startswith('"More than 20" excludes 20')
    assert r.notes_in("zh") == r.notes
