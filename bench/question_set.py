"""The SME question set measured through the chat's own path (issue 16, item 6).

    python bench/question_set.py tuning      # the part rules may be tuned on
    python bench/question_set.py heldout2    # held-out parts figures are reported from (heldout: spent)
    python bench/question_set.py heldout3    # written blind on 2026-12-03, for the round after heldout2 (spent)
    python bench/question_set.py heldout4    # written blind on 2026-12-04, for the round after heldout3
    python bench/question_set.py heldout5    # written blind after round 18, measured once (then spent)
    python bench/question_set.py heldout6    # written blind after round 18, measured once after round 20 (then spent)
    python bench/question_set.py heldout7    # written blind after round 20, measured once after round 21 (then spent)
    python bench/question_set.py heldout8    # written blind after round 21, measured once after round 22 (then spent)
    python bench/question_set.py heldout9    # written blind after round 22, measured once after round 23 (then spent)
    python bench/question_set.py heldout10   # the same, by another writer, measured once after round 24 (then spent)
    python bench/question_set.py heldout11   # written blind after round 24, measured once after round 25 (then spent)
    python bench/question_set.py heldout12   # written blind after round 25, measured once after round 26
    python bench/question_set.py tuning5     # written blind on 2026-12-04 as tuning data for round 7
    python bench/question_set.py tuning6     # the same, for round 8
    python bench/question_set.py tuning7     # the same, for round 10
    python bench/question_set.py tuning8     # the same, for round 11
    python bench/question_set.py tuning9     # the same, for round 12
    python bench/question_set.py tuning10    # the same, for round 14 (also tuning11, tuning12)
    python bench/question_set.py tuning13    # the same, for round 17 (also tuning14)
    python bench/question_set.py heldout --misses

Every question of ``tests/questions/<part>.yaml`` goes to :func:`services.asking.answer_question`
(what an SME's message and ``ipbot ask`` both call) as an SME with nothing on file, at the
question's ``as_of`` (fact questions) or a fixed day. Printed: the part's sha256, precision
and recall per route, route accuracy, the share of answers whose quoted clause is one the
label accepts, the fact verdicts (and star levels) that agree with the label, and errors.
Goals (the issue): route accuracy >= 0.90, answer recall >= 0.85 with answer precision
>= 0.95, fact verdicts >= 0.90, no error. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import tempfile
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy import load_catalog  # noqa: E402
from search import SearchIndex  # noqa: E402
from services.asking import ROUTES, answer_question  # noqa: E402
from services.session import Database, unit_of_work  # noqa: E402
from services.users import Actor, Role  # noqa: E402

SET = ROOT / "tests" / "questions"
DAY = date(2022, 6, 1)  # a day the seed programmes were in force, for the questions without one
VERDICT = {"eligible": "eligible", "not_eligible": "not_eligible", "needs_info": "unknown"}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split()).replace("〔", "[").replace("〕", "]")


#: the set names the two guides of 140号's 附件2 by subject, the search by order (README.md there)
_LABELS = {"附件2地理标志": "附件2-1", "附件2工业品牌": "附件2-2", "通知": ""}


def _label(label: str) -> str:
    label = _key(label)
    for written, searched in _LABELS.items():
        if label.startswith(written):
            return searched + label[len(written):]
    return label


def cited(hit, cites: list) -> bool:  # noqa: ANN001 - a search.Hit
    """The quoted clause is one the label accepts: same document (文号, or the file stem
    where a document has none), and the clause is the accepted label or within it."""
    documents = {_key(hit.number), _key(hit.title), _key(hit.doc_id)} - {""}
    clause = _key(hit.clause_label)
    if clause.startswith("附件2") and not clause.startswith("附件2-"):  # the first guide is "附件2 …"
        clause = "附件2-1" + clause[len("附件2"):]
    return any(_key(doc) in documents and clause.startswith(_label(label)) for doc, label in cites)


async def measure(part: str) -> tuple[dict, list[str]]:
    items = yaml.safe_load((SET / f"{part}.yaml").read_text("utf-8"))
    catalog, search = load_catalog(), SearchIndex()
    actor = Actor(0, 0, Role.sme, "", None, None, "zh")
    pairs, misses = [], []
    answered = answered_right = 0
    facts = facts_right = stars_asked = stars_right = errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/q.db")
        await db.upgrade()
        try:
            for item in items:
                as_of = date.fromisoformat(str(item["as_of"])) if item.get("as_of") else DAY
                try:
                    async with unit_of_work(db) as session:
                        reply = await answer_question(session, catalog, search, actor, item["q"], as_of)
                except Exception as exc:  # noqa: BLE001 - an error is a figure here
                    errors += 1
                    misses.append(f"{item['id']} ERROR {type(exc).__name__}: {exc} | {item['q']}")
                    pairs.append((item["route"], "error"))
                    continue
                pairs.append((item["route"], reply.route))
                if reply.route != item["route"]:
                    misses.append(f"{item['id']} {item['route']} -> {reply.route} | {item['q']}")
                if reply.route == "answer" and item["route"] == "answer":
                    answered += 1
                    if cited(reply.hits[0], item.get("cite", [])):
                        answered_right += 1
                    else:
                        misses.append(f"{item['id']} CLAUSE {reply.quotes[0]['citation']} not in {item['cite']} "
                                      f"| {item['q']}")
                if item["route"] == "fact":
                    facts += 1
                    result = next((r for r in reply.results if r.policy == item["programme"]), None)
                    got = VERDICT.get(result.status, result.status) if result is not None else None
                    if got == item["verdict"]:
                        facts_right += 1
                    else:
                        misses.append(f"{item['id']} VERDICT {item['programme']} {got} != {item['verdict']} "
                                      f"read {dict(reply.read.facts)} | {item['q']}")
                    if item.get("stars") is not None:
                        stars_asked += 1
                        if result is not None and (result.tier or 0) == item["stars"]:
                            stars_right += 1
        finally:
            await db.close()
    figures = _figures(pairs)
    figures.update({
        "part": part, "questions": len(items),
        "sha256": hashlib.sha256((SET / f"{part}.yaml").read_bytes()).hexdigest(),
        "answer_clause_right": round(answered_right / answered, 3) if answered else None,
        "answers_judged": answered,
        "fact_verdicts": round(facts_right / facts, 3) if facts else None, "facts": facts,
        "stars_right": f"{stars_right}/{stars_asked}", "errors": errors,
    })
    return figures, misses


def _figures(pairs: list[tuple[str, str]]) -> dict:
    out: dict = {"route_accuracy": round(sum(a == b for a, b in pairs) / len(pairs), 3)}
    labelled, predicted = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    for route in ROUTES:
        hit = sum(1 for a, b in pairs if a == b == route)
        out[f"{route}_precision"] = round(hit / predicted[route], 3) if predicted[route] else None
        out[f"{route}_recall"] = round(hit / labelled[route], 3) if labelled[route] else None
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=sorted(f.stem for f in SET.glob("*.yaml")))  # every part of the set
    parser.add_argument("--misses", action="store_true", help="list every question not right")
    args = parser.parse_args()
    figures, misses = asyncio.run(measure(args.part))
    print(f"{args.part}: {figures['questions']} questions, sha256 {figures['sha256']}")
    print(f"{'route':10} {'precision':>9} {'recall':>7}")
    for route in ROUTES:
        print(f"{route:10} {figures[f'{route}_precision']!s:>9} {figures[f'{route}_recall']!s:>7}")
    print(f"route accuracy {figures['route_accuracy']} (goal >= 0.90); answers quoting an accepted clause "
          f"{figures['answer_clause_right']} of {figures['answers_judged']}; fact verdicts {figures['fact_verdicts']} "
          f"of {figures['facts']} (goal >= 0.90); star levels right {figures['stars_right']}; errors {figures['errors']}")
    if args.misses:
        print("\n".join(misses))
    print(json.dumps({"bench": "question_set", **figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
