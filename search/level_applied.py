"""报 glued to the level of government a programme belongs to: "才能报省地理标志项目".

The segmenter cuts "报省地理标志项目" as 报省 / 地理标志 / 项目, because the texts write 报省 where a
city hands papers up to the province ("加盖公章后，报省知识产权局"). A person asking "才能报省…项目" or
"能报市里的…" means 申报 a provincial (city, county, national) programme: read so, the question's 申报
meets the guides' "申报条件" (search.lexicon CUES) and its 省 the level (round 24b). Where an office
follows (报省知识产权局, 报市局), the texts' own meaning is kept.
"""

from __future__ import annotations

import re

__all__ = ["read_level_applied"]

#: 报 + level, not part of 申报 / 上报 / 填报 … and not followed by the office it is handed to
_APPLIED = re.compile(r"(?<![申上呈汇填预举通报情简])报(省|市|县|国家)(?!级?(知识产权)?局|里|委|政府|外)")


def read_level_applied(normalised: str) -> str:
    """``normalised`` with each 报 + level read as 申报 + level ("报省…项目" is "申报省…项目")."""
    if "报" not in normalised:
        return normalised
    return _APPLIED.sub(lambda m: "申报" + m.group(1), normalised)
