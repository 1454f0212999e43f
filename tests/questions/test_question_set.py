"""Form checks of the labelled SME question set (tests/questions/{tuning,heldout,heldout2}.yaml).

Why: the set measures question routing (issue 16, item 6); a malformed label would silently
skew every measurement. These tests check the labels' form only - ids, routes, the fields each
route needs, that programme ids and fact names exist in the policy catalog, that a fact
question's date lies inside its programme's period, the sizes, and that the two parts are
exactly what tests/questions/split.py gives. heldout2.yaml (ids h0001..), written after the first
held-out part was spent, is outside the split and gets the same form checks and its own size check;
so does heldout3.yaml (ids k0001..), written blind on 2026-12-03 for the round after heldout2,
and heldout4.yaml (ids m0001..), written blind on 2026-12-04 for the round after heldout3;
tuning5.yaml (ids t0001..) and tuning6.yaml (ids u0001..), written blind on 2026-12-04 as tuning data
for the rounds after that.
They do not judge whether a label is right.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from policy import load_catalog

HERE = Path(__file__).resolve().parent
TEXTS = HERE.parents[1] / "policy" / "texts"
PARTS = ("tuning", "heldout")
PART2 = "heldout2"  # the second held-out part: not in the split, ids h0001..
PART3 = "heldout3"  # the third held-out part: not in the split, ids k0001..
PART4 = "heldout4"  # the fourth held-out part: not in the split, ids m0001..
TUNING5 = "tuning5"  # a later tuning part: not in the split, ids t0001..
TUNING6 = "tuning6"  # another, ids u0001..
TUNING7 = "tuning7"  # another, ids v0001..
TUNING8 = "tuning8"  # another, ids w0001..
TUNING9 = "tuning9"  # another, ids x0001..
TUNING10 = "tuning10"  # another, ids y0001..
TUNING11 = "tuning11"  # another, ids z0001..
TUNING12 = "tuning12"  # another, ids n0001..
TUNING13 = "tuning13"  # another, ids p0001..
TUNING14 = "tuning14"  # another, ids r0001..
PART5 = "heldout5"  # the fifth held-out part: ids s0001.., written blind after round 18, measured once, then spent
TUNING15 = "tuning15"  # another tuning part, ids j0001..
PART6 = "heldout6"  # the sixth held-out part: ids g0001.., written blind after round 18, measured once after round 20, then spent
PART7 = "heldout7"  # the seventh held-out part: ids f0001.., written blind after round 20, measured once after round 21, then spent
PART8 = "heldout8"  # the eighth held-out part: ids e0001.., written blind after round 21, measured once after round 22
PART9 = "heldout9"  # ids d0001.., written blind after round 22, measured once after round 23
PART10 = "heldout10"  # ids c0001.., written blind after round 22 by another writer, measured once after round 24
PART11 = "heldout11"  # ids b0001.., written blind after round 24, measured once after round 25
PART12 = "heldout12"  # ids a0001.., written blind after round 25, measured once after round 26
ROUTES = {"answer", "fact", "forward", "offtopic"}
VERDICTS = {"eligible", "not_eligible", "unknown"}
KEYS = {
    "answer": {"cite"},
    "fact": {"programme", "facts", "as_of", "verdict"},
    "forward": set(),
    "offtopic": set(),
}
OPTIONAL = {"note"}
STARRED = {"innovation-star"}  # the only programme with star levels (二星 .. 五星)


def _load(part: str) -> list[dict]:
    items = yaml.safe_load((HERE / f"{part}.yaml").read_text(encoding="utf-8"))
    assert isinstance(items, list), part
    return items


@pytest.fixture(scope="module")
def parts() -> dict[str, list[dict]]:
    return {p: _load(p) for p in PARTS}


@pytest.fixture(scope="module")
def items(parts) -> list[dict]:
    return [it for p in PARTS for it in parts[p]]


#: The parts written after the split, each with its id prefix, in the order they were written.
LATER = {"h": PART2, "k": PART3, "m": PART4, "t": TUNING5, "u": TUNING6, "v": TUNING7, "w": TUNING8, "x": TUNING9, "y": TUNING10, "z": TUNING11, "n": TUNING12, "p": TUNING13, "r": TUNING14, "s": PART5, "j": TUNING15, "g": PART6, "f": PART7, "e": PART8, "d": PART9, "c": PART10, "b": PART11, "a": PART12}


@pytest.fixture(scope="module")
def later() -> dict[str, list[dict]]:
    return {prefix: _load(part) for prefix, part in LATER.items()}


@pytest.fixture(scope="module", params=["q", *LATER])
def labelled(request, items, later) -> tuple[str, list[dict]]:
    """(id prefix, items): the split parts (q....), then each part written after the split."""
    return request.param, items if request.param == "q" else later[request.param]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(TEXTS.glob("*.txt"))}


def test_each_part_starts_with_its_do_not_edit_header():
    for part in PARTS:
        head = (HERE / f"{part}.yaml").read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert head.startswith("#"), part
        assert ("TUNING" if part == "tuning" else "HELD-OUT") in head
        assert "not edit" in head.lower()
    head = (HERE / f"{PART2}.yaml").read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert head.startswith("#") and "held-out part 2" in head.lower() and "not edit" in head.lower()
    for part, number in ((PART3, 3), (PART4, 4)):
        head = (HERE / f"{part}.yaml").read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert head.startswith("#") and f"held-out part {number}" in head.lower()
        assert "never to be tuned on" in head.lower()
    for part, number in ((TUNING5, 5), (TUNING6, 6)):
        head = (HERE / f"{part}.yaml").read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert head.startswith("#") and f"tuning part {number}" in head.lower()
        assert "may be read and tuned on" in head.lower()


def test_ids_are_unique_and_well_formed(labelled):
    prefix, items = labelled
    ids = [it.get("id") for it in items]
    assert all(isinstance(i, str) and re.fullmatch(prefix + r"\d{4}", i) for i in ids)
    assert len(ids) == len(set(ids))


def test_questions_are_distinct_non_empty_text(labelled):
    _, items = labelled
    qs = [it.get("q") for it in items]
    assert all(isinstance(q, str) and q.strip() for q in qs)
    assert len(qs) == len(set(qs))


def test_later_parts_repeat_no_earlier_question(items, later):
    earlier: set[str] = set()
    for part in (items, *later.values()):
        asked = {it["q"] for it in part}
        assert not earlier & asked
        earlier |= asked


def test_routes_and_their_fields(labelled):
    _, items = labelled
    for it in items:
        route = it.get("route")
        assert route in ROUTES, it["id"]
        needed = KEYS[route]
        allowed = {"id", "q", "route"} | needed | OPTIONAL | ({"stars"} if route == "fact" else set())
        assert needed <= set(it), (it["id"], needed - set(it))
        assert set(it) <= allowed, (it["id"], set(it) - allowed)


def test_each_answer_cites_a_shipped_document(labelled, texts):
    _, items = labelled
    for it in (i for i in items if i["route"] == "answer"):
        cite = it["cite"]
        assert isinstance(cite, list) and cite, it["id"]
        for pair in cite:
            assert isinstance(pair, list) and len(pair) == 2, it["id"]
            doc, clause = pair
            assert isinstance(clause, str) and clause.strip(), it["id"]
            # a file stem, or a document number that occurs in one of the texts
            assert doc in texts or any(doc in body for body in texts.values()), (it["id"], doc)


def test_each_fact_question_is_well_labelled(labelled, catalog):
    _, items = labelled
    ids = set(catalog.programme_ids)
    for it in (i for i in items if i["route"] == "fact"):
        assert it["programme"] in ids, it["id"]
        facts = it["facts"]
        assert isinstance(facts, dict), it["id"]
        # a question that states only another company's figures states none of its own
        assert facts or it["verdict"] == "unknown", it["id"]
        unknown = [f for f in facts if f not in catalog.registry]
        assert not unknown, (it["id"], unknown)
        catalog.parse_facts(facts)  # values of the right type and range (raises FactError)
        assert it["verdict"] in VERDICTS, it["id"]
        as_of = it["as_of"]
        if isinstance(as_of, str):
            as_of = date.fromisoformat(as_of)
        assert isinstance(as_of, date), it["id"]
        info = catalog.programme(it["programme"], as_of)
        assert info.start <= as_of and (info.end is None or as_of <= info.end), (it["id"], as_of)
        if "stars" in it:
            assert it["programme"] in STARRED, it["id"]
            stars = it["stars"]
            if it["verdict"] == "unknown":
                assert stars is None, it["id"]
            elif it["verdict"] == "not_eligible":
                assert stars == 0, it["id"]
            else:
                assert stars in (2, 3, 4, 5), it["id"]


def test_sizes(parts, items):
    assert len(items) >= 300
    assert len(parts["heldout"]) >= 150
    routes = {r: sum(1 for it in items if it["route"] == r) for r in ROUTES}
    assert all(n >= 50 for n in routes.values()), routes


def test_later_parts_sizes(later):
    for part in later.values():
        assert len(part) >= 150
        assert {it["route"] for it in part} == ROUTES


def test_parts_are_what_the_split_rule_gives(parts, items):
    spec = importlib.util.spec_from_file_location("question_split", HERE / "split.py")
    split = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(split)
    tuning, heldout = split.split(items)
    assert [it["id"] for it in tuning] == [it["id"] for it in parts["tuning"]]
    assert [it["id"] for it in heldout] == [it["id"] for it in parts["heldout"]]
