import re
from pathlib import Path

from locales import catalog, pick_language, t


def test_every_english_key_exists_in_chinese_and_placeholders_match():
    zh, en = catalog("zh"), catalog("en")
    assert set(en) <= set(zh)
    for key, text in en.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", zh[key])), key


def test_every_key_used_in_code_exists():
    root = Path(__file__).resolve().parents[2]
    used = set()
    for folder in ("bot", "handlers", "dialogs"):
        for path in (root / folder).rglob("*.py"):
            used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
    missing = used - set(catalog("zh"))
    assert not missing, missing


def test_language_choice_and_fallback():
    assert pick_language("en-GB") == "en"
    assert pick_language("zh-hans") == "zh" and pick_language(None) == "zh" and pick_language("ru") == "zh"
    assert t("cancelled", "en") == "Cancelled."
    assert t("cancelled", "fr") == t("cancelled", "zh")
