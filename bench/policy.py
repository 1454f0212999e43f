"""Benchmark: every programme over 10,000 generated companies, on one core.

Prints programme-evaluations per second for the engine and, as yardsticks measured in the
same run, (a) a hand-written inline check of one programme (invention-star) over the same
companies and (b) fact validation alone.  The last line is machine-readable:

    {"bench": "policy", "evaluations_per_s": x}

Goal: >= 100,000 programme-evaluations per second.

Times are CPU time of this process (``time.process_time``), best of five: the machine is
shared by several sessions, and wall time there measures the neighbours as much as the code.
The generated companies are consistent (high-value <= valid <= applications; a year <= its
three years), as the parser refuses contradictions.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy import load_catalog  # noqa: E402

N_COMPANIES = 10_000
REPEATS = 5
AS_OF = date(2022, 1, 10)  # inside every programme's period except the 2018-2020 ones
GOAL = 100_000


def generate(n: int, seed: int = 20220110) -> list[dict]:
    """Companies with values spread around the thresholds; each fact unknown with p=0.12."""
    rnd = random.Random(seed)

    def maybe(value):
        return None if rnd.random() < 0.12 else value

    def money(lo, hi):
        return rnd.randint(lo, hi)

    out = []
    for i in range(n):
        sales3 = money(5_000_000, 800_000_000)
        sales1 = sales3 // 3
        rd3 = int(sales3 * rnd.uniform(0.0, 0.08))
        rd1 = rd3 // 3
        valid = rnd.randint(0, 70)  # consistent figures: high-value <= valid <= applications
        first_timer = rnd.random() < 0.2  # no valid patents known, 0 or 1 application
        raw = {
            "is_sme": rnd.random() < 0.8,
            "is_key_sme": rnd.random() < 0.4,
            "is_little_giant": rnd.random() < 0.1,
            "is_single_champion": rnd.random() < 0.03,
            "jiangsu_legal_entity": rnd.random() < 0.95,
            "is_industrial_enterprise": rnd.random() < 0.7,
            "is_high_tech_enterprise": rnd.random() < 0.4,
            "confirmed:industry_chain_leader": rnd.random() < 0.2,
            "confirmed:industry_leading": rnd.random() < 0.3,
            "confirmed:leading_rd_project": rnd.random() < 0.3,
            "confirmed:invention_patents_sufficient": rnd.random() < 0.5,
            "confirmed:market_share_leading": rnd.random() < 0.2,
            "accepted_high_value_programme_before_2021": rnd.random() < 0.05,
            "ip_project_approved": rnd.random() < 0.2,
            "overseas_enforcement_action": rnd.random() < 0.05,
            "foreign_government_ip_investigation": rnd.random() < 0.02,
            "won_foreign_ip_dispute": rnd.random() < 0.03,
            "won_domestic_ip_dispute": rnd.random() < 0.1,
            "rd_expense_last_year": rd1,
            "sales_revenue_last_year": sales1,
            "rd_expense_3y": rd3,
            "sales_revenue_3y": sales3,
            "ip_expense_last_year": int(rd1 * rnd.uniform(0.0, 0.12)),
            "profit_tax_by_year": [money(0, 60_000_000) for _ in range(3)],
            "invention_applications_total": rnd.randint(0, 1) if first_timer else valid + rnd.randint(0, 4),
            "invention_grants_this_year": rnd.randint(0, 10),
            "valid_invention_patents": None if first_timer else valid,
            "valid_patents_total": rnd.randint(0, 200),
            "pct_national_phase_apps": rnd.randint(0, 10),
            "pct_foreign_invention_grants": rnd.randint(0, 3),
            "high_value_patents": rnd.randint(0, min(9, valid)),
            "has_ip_department": rnd.random() < 0.6,
            "ip_staff": rnd.randint(0, 6),
            "ip_standard_started": rnd.random() < 0.5,
            "ip_standard_certified": rnd.random() < 0.3,
            "ip_standard_performance_passed": rnd.random() < 0.2,
            "trademark_longest_use_years": rnd.randint(0, 15),
            "award_within_3y": rnd.random() < 0.15,
            "serious_dishonesty": rnd.random() < 0.02,
            "abnormal_patent_applications": rnd.random() < 0.03,
            "led_high_value_programme_before": rnd.random() < 0.05,
            "unaccepted_enterprise_ip_programme": rnd.random() < 0.05,
            "ongoing_provincial_ip_programme": rnd.random() < 0.05,
            "confirmed:ip_rules_sound": rnd.random() < 0.5,
            "confirmed:brand_standing": rnd.random() < 0.3,
            "confirmed:priority_exam_request_qualifies": rnd.random() < 0.5,
        }
        if i % 10 == 0:  # some companies give a patent list instead of the high-value count
            raw["invention_patent_list"] = [
                {"strategic_emerging_industry": rnd.random() < 0.3, "overseas_family": rnd.random() < 0.2,
                 "maintained_years": rnd.randint(0, 15), "pledge_amount": rnd.choice([0, 0, 1_000_000]),
                 "national_award": rnd.random() < 0.05}
                for _ in range(rnd.randint(0, min(8, valid)))
            ]
            raw.pop("high_value_patents")
        out.append({k: maybe(v) for k, v in raw.items()})
    return out


def best_of(fn, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> int:
    t0 = time.perf_counter()
    catalog = load_catalog()
    t_load = time.perf_counter() - t0
    programmes = catalog.programme_ids
    t0 = time.perf_counter()
    catalog.compiled(AS_OF)  # compile once for the as-of date
    t_compile = time.perf_counter() - t0

    raw = generate(N_COMPANIES)
    parse = catalog.parse_facts
    t_parse = best_of(lambda: [parse(r) for r in raw])
    facts = [parse(r) for r in raw]
    values = [f.values for f in facts]

    # Yardstick: a hand-written inline check of invention-star (status and short_by only).
    def inline_invention_star():
        out = []
        for v in values:
            g = v.get("invention_grants_this_year")
            if g is None:
                out.append(("needs_info", None))
            elif g >= 5:
                out.append(("eligible", None))
            else:
                out.append(("not_eligible", 5 - g))
        return out

    t_inline = best_of(inline_invention_star)

    evaluate = catalog.evaluate
    t_one = best_of(lambda: [evaluate(f, AS_OF, ["invention-star"]) for f in facts])
    t_all = best_of(lambda: [evaluate(f, AS_OF) for f in facts])

    # sanity: the engine and the inline check agree on invention-star
    inline = inline_invention_star()
    engine = [evaluate(f, AS_OF, ["invention-star"])[0] for f in facts]
    mismatches = sum(1 for (st, sb), r in zip(inline, engine)
                     if st != r.status or (sb is not None and r.gaps[0].short_by != sb))
    statuses: dict[str, int] = {}
    for f in facts[:2000]:
        for r in evaluate(f, AS_OF):
            statuses[r.status] = statuses.get(r.status, 0) + 1

    n_eval_all = N_COMPANIES * len(programmes)
    eps_all = n_eval_all / t_all
    eps_one = N_COMPANIES / t_one
    eps_inline = N_COMPANIES / t_inline
    parse_per_s = N_COMPANIES / t_parse

    print(f"policy bench: {N_COMPANIES:,} companies x {len(programmes)} programmes = {n_eval_all:,} evaluations "
          f"(as of {AS_OF}, best of {REPEATS}, CPU time, one core)")
    print(f"  load packs: {t_load * 1000:.1f} ms, compile for the as-of date: {t_compile * 1000:.1f} ms")
    print(f"  engine, all programmes:       {t_all * 1000:8.1f} ms  {eps_all:12,.0f} programme-evaluations/s")
    print(f"  engine, invention-star only:  {t_one * 1000:8.1f} ms  {eps_one:12,.0f} evaluations/s")
    print(f"  yardstick inline check (invention-star): {t_inline * 1000:8.1f} ms  {eps_inline:12,.0f} evaluations/s")
    print(f"  yardstick fact validation alone:          {t_parse * 1000:8.1f} ms  {parse_per_s:12,.0f} companies/s")
    print(f"  ratio engine/inline (invention-star): {eps_one / eps_inline:.3f}  "
          f"(the engine also builds a full result: gaps, missing, citation, in-force)")
    print(f"  ratio all-programme evaluation time / fact validation time: {t_all / t_parse:.2f}")
    print(f"  statuses over 2,000 companies: {statuses}; engine/inline mismatches: {mismatches}")
    print(f"  goal >= {GOAL:,}/s: {'met' if eps_all >= GOAL else 'NOT met'}")
    print(json.dumps({"bench": "policy", "evaluations_per_s": round(eps_all)}))
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
