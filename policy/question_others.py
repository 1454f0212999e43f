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
    r"(?:我们|我|本|全)(?:市|省|县|区)(?![场级值面内外域]|里的?[\u4e00-\u9fff]{0,8}项目)|"  # a region's figures ("我们市授权六千多件"), not its projects
    r"同行那家|合作高校|合作的高校|合作单位|合作方|同园区的?[A-Za-z]?\s*(?:公司|企业|厂)|"  # "同行那家", "同园区A公司"
    r"母公司|集团总部|集团公司|总公司|总部|关联公司|兄弟公司|姐妹公司|隔壁|竞争对手|对手|同行企业|别人家|别家|别的公司|其他公司|"
    # kin's or a neighbour's firm ("舅舅厂里", "表哥公司", "邻居老王家的厂")
    r"(?:邻居|亲戚|朋友|同学|老乡|表哥|表弟|表姐|表妹|堂哥|堂弟|舅舅|叔叔|伯伯|姑父|姨父|姐夫|妹夫|小舅子|大舅子|连襟|丈人)"
    r"[\u4e00-\u9fff]{0,4}?(?:厂|公司|企业|家)|人家(?:厂|公司)|"
    # round 14: a supplier, a firm of the same park, "另一家子公司", "同行" as a subject (not "同行业")
    r"供应商|同园区|同一园区|另一家|另外一家|另一个子公司|其他子公司|同行(?=被|通过|拿|获|评|申|也|都|已|去年|今年)|"
    # round 17: a partner, some firm heard of ("合作伙伴那家", "听说有家光电公司…", "某企业")
    r"合作伙伴|合作企业|合作公司|(?<![没沒])有(?:一)?家(?!族)[\u4e00-\u9fff]{0,6}?(?:公司|企业|厂)|某(?:一)?(?:家|个)?[\u4e00-\u9fff]{0,4}?(?:公司|企业|厂)|"
    r"partner company|partner firm|our partner|business partner|"
    r"parent company|parent firm|sister company|competitor|rival|neighbou?ring (?:company|firm|factory)|"
    r"another company|other company|business partner|partner company", re.IGNORECASE)


#: "they", another company only where the asker speaks of its own too ("亲戚厂…，他们是高新，我们厂不是"); an
#: agent asking for a client ("他们公司有效发明45件") speaks of the client alone
_THEY = re.compile(r"他们|他家")
_WE = re.compile(r"我们|我司|本公司|我公司|咱们|我厂|本厂")


def said_of_other(text: str, start: int, pos: int) -> bool:
    """Whether ``text[start:pos]`` (the clause before a word) names another company as its subject."""
    return bool(OTHER_COMPANY.search(text, start, pos)) or bool(_THEY.search(text, start, pos) and _WE.search(text))


#: the next clause says the asker itself is not, or has not: "我们子公司自己不是", "我们自己没有"
_OWN_DENIAL = re.compile(r"[,，;；]\s*(?:(?:我们|我司|本公司|我公司|咱们)[\u4e00-\u9fff]{0,6}?(?:自己|本身)?"
                         r"|[\u4e00-\u9fff]{0,4}?(?:自己|本身))(却|倒|并|还)?"
                         r"(不是|没有|没|不算|未)\s*([,，。;；!！?？]|$)")


def own_denial(text: str, clause_end: int) -> bool:
    """Whether the clause after ``clause_end`` denies of the asker what the clause before told of another."""
    return _OWN_DENIAL.match(text, clause_end) is not None
