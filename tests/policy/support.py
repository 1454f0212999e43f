"""What tests in more than one file build or expect: a policy directory holding one pack (as
IPBOT_POLICY_DIR names it), and the innovation-star result for 18 valid and 5 high-value
invention patents on 2023-06-30 as the JSON contract gives it (the CLI and the engine agree)."""

from __future__ import annotations

from pathlib import Path

INNOVATION_STAR_18_VALID_5_HIGH_VALUE = {
    "policy": "innovation-star",
    "title": "“创新之星”星级企业奖励",
    "status": "not_eligible",
    "in_force": True,
    "tier": None,
    "missing": [],
    "gaps": [{"fact": "valid_invention_patents", "have": 18, "need": 20, "short_by": 3, "op": ">"}],
    "next_tier": None,
    "citation": {"document": "关于提升知识产权创新支撑力的实施意见（附件8）", "clause": "三(三)"},
}


def write_policy_dir(tmp_path: Path, doc: str, pack: str, text: str) -> Path:
    """``tmp_path/packs`` with the pack ``<doc>.yaml`` and its document's text ``<doc>.txt``."""
    d = tmp_path / "packs"
    d.mkdir()
    (d / f"{doc}.yaml").write_text(pack, encoding="utf-8")
    (d / f"{doc}.txt").write_text(text, encoding="utf-8")
    return d
