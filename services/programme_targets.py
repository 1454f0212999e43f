"""The programme's targets, each with the document and clause it comes from.

苏知发〔2018〕86号《江苏省中小企业知识产权战略推进工程实施方案（2018-2020年）》
二（五）完善中小企业知识产权服务体系: "到2020年，……培训中小企业知识产权总监、工程师、
企业贯标内审员及经营管理人员30000名，聘任知识产权特派员500人，企业知识产权咨询专家
团队100人。" The plan's horizon was 2020; the programme keeps these as its targets, and
the digest says the year they were set for rather than inventing a new one.

The 30,000 trainees are not here: they are a dated training target (services.targets,
services/data/targets.yaml, which a deployment extends), shown as the one in force.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Target", "SPECIALISTS", "EXPERTS"]

SOURCE = "苏知发〔2018〕86号 二（五）"


@dataclass(frozen=True)
class Target:
    key: str
    value: int
    citation: str
    quote: str
    by_year: int = 2020


SPECIALISTS = Target("specialists", 500, SOURCE, "聘任知识产权特派员500人")
EXPERTS = Target("experts", 100, SOURCE, "企业知识产权咨询专家团队100人")
