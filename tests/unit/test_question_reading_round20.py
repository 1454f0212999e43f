"""Round 20 of the question reader (issue 16), tuned on tuning15: "neither … nor" negates both; "贯标没认证" denies the
certificate, not the standard's work nor its evaluation; a plain 小微企业 is no key SME; "not on any key-SME list";
"no invention filings"; only utility models or designs filed is no invention filed; a county's project is no
provincial one; a project whose level the asker does not know is not told approved; grants abroad said to have come
another way than PCT are no PCT grant, and a route the asker does not know is unsaid; "是走PCT授权的" is a grant
through PCT; a colon after a question opens the company's list, not the rule asked of."""

from __future__ import annotations

import pytest

from tests.unit.search_cases import facts


@pytest.mark.parametrize("text, fact, value", [
    # neither … nor: both negated
    ("High-value patent cultivation 2022: we are neither a Single Champion nor a Little Giant. Can we still apply?",
     "is_single_champion", False),
    ("High-value patent cultivation 2022: we are neither a Single Champion nor a Little Giant. Can we still apply?",
     "is_little_giant", False),
    # the negation is of the certificate: the evaluation said passed stands
    ("我们中小企业，贯标还没认证，不过省级绩效评价通过了，贯标奖励有吗", "ip_standard_performance_passed", True),
    # a plain small or micro firm: no key SME
    ("我们就是普通的小微企业，发明专利还没申请过，首件补贴有份吗", "is_key_sme", False),
    ("First invention subsidy: we are an SME but not on the key-SME list. Do we qualify?", "is_key_sme", False),
    ("We are a key SME and have no invention filings at all. First invention subsidy?", "invention_applications_total", 0),
    # only other kinds filed: no invention filed before
    ("我们是重点中小企业，以前只申请过外观和实用新型，首件发明补贴能拿吗", "invention_applications_total", 0),
    # a county's project is no national or provincial one
    ("我们县里的知识产权项目已经立项了，项目引领奖励有吗", "ip_project_approved", False),
    # the grants abroad came another way than PCT: none through PCT
    ("我们在美国授权了三件发明，都是直接去美国申请的，没走PCT，PCT奖励有吗", "pct_foreign_invention_grants", 0),
    # "是走PCT…授权的": a grant through PCT, told
    ("我们有一件德国发明专利是通过PCT授权的，PCT奖励可以申请吗", "pct_foreign_invention_grants", 1),
    # a grant named by its route: "那件通过PCT授权的", "都是PCT途径过来的"
    ("PCT奖励的事，我们日本那件走PCT授权的发明算不算？", "pct_foreign_invention_grants", 1),
    # a colon after the question: the figures are the company's
    ("创新之星三星的条件我们够不够呢：有效发明33件，高价值6件", "valid_invention_patents", 33),
])
def test_round20_readings(catalog, text, fact, value):
    assert facts(catalog, text).get(fact) == value


@pytest.mark.parametrize("text, fact", [
    # the level not known: the approval is no approved national or provincial project
    ("项目引领奖励，我们有个知识产权项目立项了，不清楚是省级还是市级", "ip_project_approved"),
    ("项目引领奖励：我们有个知识产权项目获批了，级别不太清楚", "ip_project_approved"),
    # the route not known: no PCT grant told, nor denied
    ("PCT奖励：我们有一件韩国发明授权了，是巴黎公约还是PCT走的要问问代理", "pct_foreign_invention_grants"),
])
def test_round20_unknown_stays_unknown(catalog, text, fact):
    assert fact not in facts(catalog, text)
