"""Each role opens its workbench over real HTTP and sees its own figures, checked against the
services the digest and the chat use; nobody else's. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from services import audit
from services.digest import build_digest
from services.sheets import default_sources, parse_week
from services.targets import load_targets
from services.visits import company_overview
from tests.workbench.conftest import CATALOG, TZ, World
from tests.workbench.signing import TOKEN, headers

WEEK = parse_week("2026-W48", TZ)


def figure(html: str, key: str) -> str:
    found = re.search(rf'data-figure="{key}">([^<]*)<', html)
    assert found, f"no figure {key}"
    return found.group(1)


async def get(world: World, who: str, path: str, **kwargs: str):
    actor = world.actors[who]
    response = await world.client.get(path, headers=headers(TOKEN, actor.telegram_id, world.now - 60, **kwargs))
    return response.status, await response.text()


async def test_the_page_itself_holds_no_data_and_loads_nothing_from_elsewhere(world: World):
    response = await world.client.get("/workbench")
    body = await response.text()
    assert response.status == 200
    assert 'name="viewport"' in body and "telegram.org" not in body and "src=" not in body
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "太仓" not in body


async def test_supervisor_week_matches_the_digest_of_their_region(world: World):
    status, html = await get(world, "zhou", "/workbench/view/week?week=2026-W48")
    assert status == 200
    targets = load_targets()
    async with world.ctx.db.sessions() as session:
        digest = await build_digest(session, WEEK, "320500", CATALOG, default_sources(targets), targets)
    assert figure(html, "visits") == f"{digest.figure('visits').value:g}" == "2"
    assert figure(html, "companies_reached") == f"{digest.figure('companies_reached').value:g}" == "2"
    assert figure(html, "coverage") == f"{digest.figure('coverage').value * 100:.0f}%"
    assert figure(html, "overdue") == str(digest.overdue_total) == "1"
    assert figure(html, "questions") == str(digest.unanswered_total)
    assert figure(html, "unvisited_month") == "2"  # the escaped-name company and 昆山, both never visited
    assert "鼓楼" not in html and "赵特派" not in html  # Nanjing is another region
    progress = digest.trainees.progress  # trainees against the cited target, worded as /progress words it
    assert progress.target.citation["document"] in html and f"{progress.target.people:,}" in html
    assert "<svg" in html and "2026-W48" in html and "roster.xlsx?week=2026-W48" in html
    # the breakdown by specialist: 王特派 made both visits and covers 2 of his 3 companies this year
    row = re.search(r"<tr><td>王特派</td><td><a [^>]*>(\d+)</a></td><td>(\d+)</td><td>(\d+)</td><td>([^<]+)</td>", html)
    assert row and row.groups() == ("2", "3", "2", "67%")


async def test_the_trend_counts_each_week_as_the_digest_does(world: World):
    status, html = await get(world, "zhou", "/workbench/view/week?week=2026-W48")
    drawn = dict(re.findall(r"<title>(\d{4}-W\d{2}): (\d+)</title>", html))
    assert len(drawn) == 12 and list(drawn)[-1] == "2026-W48"
    targets = load_targets()
    async with world.ctx.db.sessions() as session:
        for label in ("2026-W46", "2026-W47", "2026-W48"):
            digest = await build_digest(session, parse_week(label, TZ), "320500", CATALOG, default_sources(targets),
                                        targets)
            assert drawn[label] == f"{digest.figure('visits').value:g}", label
    assert (drawn["2026-W46"], drawn["2026-W47"], drawn["2026-W48"]) == ("1", "0", "2")


async def test_an_admin_sees_every_region(world: World):
    status, html = await get(world, "admin", "/workbench/view/week?week=2026-W48")
    assert status == 200 and figure(html, "visits") == "3" and "赵特派" in html
    status, _ = await get(world, "admin", f"/workbench/view/company/{world.companies['d']}")
    assert status == 200


async def test_the_lists_behind_the_figures(world: World):
    status, html = await get(world, "zhou", "/workbench/view/overdue?week=2026-W48")
    assert status == 200 and "申请首件发明专利" in html and "鼓楼的措施" not in html
    status, html = await get(world, "zhou", "/workbench/view/unvisited?week=2026-W48")
    assert status == 200 and "昆山从未走访有限公司" in html and "吴中电子" not in html
    assert "&lt;i&gt;新材料&lt;/i&gt;&amp;" in html and "<i>" not in html  # a person's text is escaped
    wang = world.actors["wang"].user_id
    status, html = await get(world, "zhou", f"/workbench/view/visits?week=2026-W48&specialist={wang}")
    assert status == 200 and html.count("<tr>") == 1 + 2  # header and the two visits
    assert "&lt;评估&gt;" in html
    status, _ = await get(world, "zhou", "/workbench/view/questions?week=2026-W48")
    assert status == 200


async def test_a_chosen_week_and_a_malformed_one(world: World):
    status, html = await get(world, "zhou", "/workbench/view/week?week=2026-W46")
    assert status == 200 and figure(html, "visits") == "1"  # the visit of 10 November
    status, body = await get(world, "zhou", "/workbench/view/week?week=next")
    assert (status, body) == (400, "400")


async def test_specialist_sees_their_companies_needing_a_visit_first(world: World):
    status, html = await get(world, "wang", "/workbench/view/home")
    assert status == 200
    async with world.ctx.db.sessions() as session:
        rows = await company_overview(session, world.actors["wang"], world.ctx.today(), TZ)
    names = re.findall(r'data-view="/workbench/view/company/\d+">([^<]+)</a>', html)
    assert sorted(names) == sorted(r.name for r in rows)
    assert names[0] == "昆山从未走访有限公司"  # never visited comes first
    assert "新材料" not in html and "鼓楼" not in html  # 钱特派's company, and Nanjing's


async def test_company_card_with_facts_and_cited_results(world: World):
    status, html = await get(world, "wang", f"/workbench/view/company/{world.companies['a']}")
    assert status == 200
    assert "申请首件发明专利" in html and "12" in html
    assert 'class="result' in html and re.search(r'<div class="cite">[^<]*号', html)


async def test_another_regions_company_is_refused(world: World):
    for who in ("wang", "zhou"):
        status, body = await get(world, who, f"/workbench/view/company/{world.companies['d']}")
        assert (status, body) == (403, "403")
    status, body = await get(world, "sun", f"/workbench/view/company/{world.companies['a']}")
    assert (status, body) == (403, "403")
    async with world.ctx.db.sessions() as session:  # refused as the chat refuses it: audited
        entries = await audit.recent(session, "company.card")
    assert {(e.telegram_id, e.outcome) for e in entries} >= {(world.actors["sun"].telegram_id, "denied")}


async def test_specialist_may_not_open_the_supervisor_week_or_roster(world: World):
    assert (await get(world, "wang", "/workbench/view/week"))[0] == 403
    assert (await get(world, "wang", "/workbench/view/overdue"))[0] == 403
    assert (await get(world, "wang", "/workbench/roster.xlsx?week=2026-W48"))[0] == 403


async def test_sme_sees_only_its_own_company(world: World):
    status, html = await get(world, "sme", "/workbench/view/home")
    assert status == 200 and "太仓精工机械有限公司" in html and "申请首件发明专利" in html
    assert 'class="result' in html and "吴中" not in html and "鼓楼" not in html
    status, _ = await get(world, "sme", f"/workbench/view/company/{world.companies['a']}")
    assert status == 200
    for path in (f"/workbench/view/company/{world.companies['b']}", f"/workbench/view/company/{world.companies['d']}",
                 "/workbench/view/week", "/workbench/view/companies", "/workbench/view/overdue"):
        status, body = await get(world, "sme", path)
        assert (status, body) == (403, "403"), path


async def test_english_by_the_telegram_language(world: World):
    status, html = await get(world, "zhou", "/workbench/view/week?week=2026-W48", language_code="en")
    assert status == 200 and "Week 2026-W48 at a glance" in html
    status, html = await get(world, "zhou", "/workbench/view/week?week=2026-W48")
    assert "2026-W48 周工作概览" in html


async def test_roster_download_for_the_supervisor(world: World):
    actor = world.actors["zhou"]
    response = await world.client.get("/workbench/roster.xlsx?week=2026-W48",
                                      headers=headers(TOKEN, actor.telegram_id, world.now - 60))
    assert response.status == 200
    assert (await response.read())[:2] == b"PK"
    assert "320500" in response.headers["Content-Disposition"]
