"""The progress chart draws its Chinese with the font the project installs, every glyph found."""

from __future__ import annotations

import warnings
from datetime import date

from services.progress import Progress
from services.progress_chart import cjk_font_path, progress_png
from services.targets import load_targets


def test_the_chart_renders_chinese_with_the_packaged_font_and_no_missing_glyphs():
    assert cjk_font_path().name == "NotoSansCJKsc-Regular.otf" and "mplfonts" in str(cjk_font_path())
    target = load_targets()[0]
    progress = Progress(as_of=date(2019, 3, 1), target=target, in_force=True, trained=1200,
                        by_category={"知识产权工程师": 1200}, by_region={"320585": 1200}, by_organiser={"王特派": 1200},
                        weekly=[("2018-W22", 0), ("2018-W23", 500), ("2019-W09", 700)], rate_per_week=120.0,
                        projected_date=date(2023, 8, 1), counted_to=date(2019, 3, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = progress_png(progress, "培训人数累计（苏知发〔2018〕86号）")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert missing == []
