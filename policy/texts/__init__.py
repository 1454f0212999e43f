"""The policy source texts, shipped with the package for citations and full-text search.

The files are verbatim copies of the public documents (see README.md in this folder).
The file -> 文号/title map is repeated here so that it works even where README.md is
not installed (package data ships ``texts/*.txt`` only).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NamedTuple

__all__ = ["PolicyText", "DOCUMENT_TITLES", "load_documents", "read_text", "text_path"]

#: file name -> 文号 and title (as in README.md)
DOCUMENT_TITLES: dict[str, str] = {
    "000_94898abcd3045e73.txt": "苏知发〔2018〕86号 江苏省中小企业知识产权战略推进工程实施方案（2018-2020年）",
    "001_bb17abadfc902431.txt": "关于提升知识产权创新支撑力的实施意见（附件8，某县级市，2021-2023）",
    "002_00e0f4675e6c9239.txt": "苏知发〔2021〕140号 2022年度省知识产权战略推进计划项目申报指南",
    "003_673e8463f5f46aa0.txt": "国知发运字〔2022〕38号 知识产权助力专精特新中小企业创新发展若干措施",
    "004_1ee91f90a1390478.txt": "国知办发管字〔2017〕30号 中小企业知识产权战略推进工程试点城市申报",
}


class PolicyText(NamedTuple):
    file: str
    title: str
    text: str


def text_path(file: str):
    """A Traversable for a shipped text file (raises FileNotFoundError if absent)."""
    path = resources.files(__name__).joinpath(file)
    if not path.is_file():
        raise FileNotFoundError(file)
    return path


@lru_cache(maxsize=32)
def read_text(file: str) -> str:
    """The text of one shipped document, by file name."""
    return text_path(file).read_text(encoding="utf-8")


def load_documents() -> list[PolicyText]:
    """All shipped policy texts as (file, 文号/title, text), ordered by file name."""
    out: list[PolicyText] = []
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".txt"):
            out.append(PolicyText(entry.name, DOCUMENT_TITLES.get(entry.name, entry.name), read_text(entry.name)))
    return out
