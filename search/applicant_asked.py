"""The kind of applicant a who-may-apply question asks about, out of its coverage.

"工业品牌项目的申报主体有什么要求，个体户能报吗" asks who may apply, and then whether one kind
(个体户) is among them. The clause that answers is the guide's 申报主体 ("江苏省内注册的具有独立
法人资格的工业企业"): it answers for the kind asked about by naming who may apply, and it never
names that kind. Counted, the kind (a word no clause holds) lowers the question's coverage below
the answer's. So where a question asks outright who may apply (申报主体, 申报对象, 谁可以申报), the
word right before its "能报吗" ("个体户能申报吗", as read after COLLOQUIAL) is left out of coverage and
evidence; it still ranks the clauses (round 25b). A question naming a kind without asking who may
apply ("分公司能申报吗") is left as it is: the texts may not answer it.
"""

from __future__ import annotations

import re

__all__ = ["read_applicant_asked"]

#: the question asks outright who may apply
_ASKS_WHO = re.compile(r"申报(主体|对象)|谁(来|可以|能)?申报|哪些(企业|单位|主体)(可以|能)申报")
#: a may-it-apply question right after the word ("能报吗" is read 申报 / 吗 by COLLOQUIAL)
_MAY_APPLY = r"(能不能|能|可以|可不可以|可否|能否)?申报(吗|么|不|呢|[?？,，。!！]|$)"


def read_applicant_asked(plain: list[str], norm: str) -> list[str]:
    """``plain`` (a question's topic words) without the kind of applicant a who-may-apply
    question asks about (see the module docstring)."""
    if not _ASKS_WHO.search(norm):
        return plain
    return [w for w in plain if not re.search(re.escape(w) + _MAY_APPLY, norm)]
