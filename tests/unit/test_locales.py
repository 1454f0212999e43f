"""Locale files: every key the code looks up exists in Chinese, English keys match their placeholders."""

import re
from pathlib import Path

from locales import catalog, pick_language, t


def test_every_english_key_exists_in_chinese_and_placeholders_match():
    zh, en = catalog("zh"), catalog("en")
    assert set(en) <= set(zh)
    for key, text in en.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", zh[key])), key


ROOT = Path(__file__).resolve().parents[2]
#: Every package of ours: text is looked up wherever a reply, a digest, a roster or a CLI line is made.
PACKAGES = ("bot", "handlers", "dialogs", "web", "services", "jobs", "search", "policy", "storage", "locales",
            "emulator")


def _sources() -> dict[Path, str]:
    folders = [ROOT / name for name in PACKAGES if (ROOT / name).is_dir()]
    assert {"bot", "handlers", "dialogs", "services", "jobs"} <= {f.name for f in folders}
    return {path: path.read_text(encoding="utf-8") for folder in folders for path in folder.rglob("*.py")}


def test_every_key_used_in_code_exists():
    used = set()
    for text in _sources().values():
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", text))
    missing = used - set(catalog("zh"))
    assert not missing, missing


def test_every_key_prefix_built_in_code_names_some_key():
    """`t(f"tr_err_{code}", ...)`: the key is made at run time, so at least its prefix must be real."""
    prefixes = set()
    for text in _sources().values():
        prefixes |= set(re.findall(r"""\bt\(\s*f["']([a-z0-9_]+)\{""", text))
    keys = set(catalog("zh"))
    assert prefixes, "no key built at run time found: the pattern no longer matches the code"
    unknown = {p for p in prefixes if not any(k.startswith(p) for k in keys)}
    assert not unknown, unknown


def test_language_choice_and_fallback():
    assert pick_language("en-GB") == "en"
    assert pick_language("zh-hans") == "zh" and pick_language(None) == "zh" and pick_language("ru") == "zh"
    assert t("cancelled", "en") == "Cancelled."
    assert t("cancelled", "fr") == t("cancelled", "zh")
