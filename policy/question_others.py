"""Said of another company: "母公司是小巨人", "隔壁厂今年授权了7件发明", "A competitor of ours won a case
in the US" (issue 16, round 10). A fact told of a parent, a sister company, a neighbour or a competitor
is not the asker's: the readers of figures and of yes/no facts skip a word whose clause (or English
sentence) names such a company before it. The clause right after may deny it of the asker ("我们母公司
是小巨人，我们子公司自己不是"): then the asker's is the negation. Pure.
"""

from __future__ import annotations

import re

__all__ = ["OTHER_COMPANY", "said_of_other", "own_denial"]

#: another company as the subject ("同行" alone is left out: "在同行业中领先" is the company's own)
OTHER_COMPANY = re.compile(
    r"(?:我们|我|本|全)(?:市|省|县|区)(?![场级值面内外域])|"  # a region's figures ("我们市授权六千多件")
    r"同行那家|合作高校|合作的高校|合作单位|合作方|同园区的?[A-Za-z]?\s*(?:公司|企业|厂)|"  # "同行那家", "同园区A公司"
    r"母公司|集团总部|集团公司|总公司|总部|关联公司|兄弟公司|姐妹公司|隔壁|竞争对手|对手|同行企业|别人家|别家|别的公司|其他公司|"
    r"parent company|parent firm|sister company|competitor|rival|neighbou?ring (?:company|firm|factory)|"
    r"another company|other company", re.IGNORECASE)


def said_of_other(text: str, start: int, pos: int) -> bool:
    """Whether ``text[start:pos]`` (the clause before a word) names another company as its subject."""
    return bool(OTHER_COMPANY.search(text, start, pos))


#: the next clause says the asker itself is not, or has not: "我们子公司自己不是", "我们自己没有"
_OWN_DENIAL = re.compile(r"[,，;；]\s*(?:(?:我们|我司|本公司|我公司|咱们)[\u4e00-\u9fff]{0,4}?(?:自己|本身)?"
                         r"|[\u4e00-\u9fff]{0,4}?(?:自己|本身))(却|倒|并|还)?"
                         r"(不是|没有|没|不算|未)\s*([,，。;；!！?？]|$)")


def own_denial(text: str, clause_end: int) -> bool:
    """Whether the clause after ``clause_end`` denies of the asker what the clause before told of another."""
    return _OWN_DENIAL.match(text, clause_end) is not None
