"""The one gate for user text (services.textgate): its promises on random text, and the defects it closes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from locales import catalog
from services import textgate
from services.companies import CompanyError, clean_name, clean_uscc, name_key
from services.textgate import BIDI, FIELDS, ZERO_WIDTH, Kind, TextTooLong

#: What people (and forged clients) actually send that plain random text rarely hits.
TRICKY = ["\x00", "\u202e", "\u202a", "\u2066", "\u200e", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
          "\u180e", "\u00ad", "\r\n", "\r", "\n", "\t", "\x0b", "\x85", "\u2028", "\u2029", "\x1b", "\x7f", "\ud800",
          "\udfff", "\ufffe", "\ufdd0", "e\u0301", "\u0301", "\u0323\u0301", "A\u030a", "\u1100\u1161\u11a8",
          "\u3000", "\u00a0", " ", "  ", "ﬁ", "１", "（", "Å", "\u2000", "👨\u200d👩\u200d👧",
          "🏴\U000e0067\U000e0062\U000e007f", "太仓精工", "有限公司"]

any_char = st.characters(exclude_categories=())  # every category, lone surrogates included
random_text = st.lists(st.one_of(any_char, st.sampled_from(TRICKY)), max_size=60).map("".join)
long_text = st.tuples(random_text, st.integers(0, 4100), st.sampled_from(["长", "a ", "\u200b", "é"])).map(
    lambda t: t[0] + t[2] * t[1])
fields = st.sampled_from(sorted(FIELDS.values(), key=lambda f: f.key))


def _allowed(char: str, kind: Kind) -> bool:
    category = unicodedata.category(char)
    if char in BIDI or category in ("Cs",) or char in "\ufffe\uffff" or "\ufdd0" <= char <= "\ufdef":
        return False
    if category == "Cc":
        return kind == Kind.text and char in "\n\t"
    if kind in textgate.STRICT and (category == "Cf" or char in ZERO_WIDTH):
        return False
    return kind in textgate.STRICT or char not in "\u200b\u2060\ufeff"


def _check_output(out: str, kind: Kind) -> None:
    assert unicodedata.is_normalized("NFC", out)
    bad = [hex(ord(c)) for c in out if not _allowed(c, kind)]
    assert not bad, bad
    if kind == Kind.code:
        assert not any(c.isspace() for c in out)
    if kind != Kind.text:
        assert out == out.strip() and "  " not in out


@settings(max_examples=600, deadline=None)
@given(random_text, fields)
@example("太仓\x00精工\u202e机械\u200b有限公司", FIELDS["company_name"])
@example("e\u200b\u0301", FIELDS["company_name"])  # removing the ZWSP leaves a pair NFC must compose
@example("e \u0301", FIELDS["region_code"])  # removing the space does too
def test_the_gate_is_idempotent_clean_nfc_and_within_the_limit(text, spec):
    try:
        out = textgate.gate(text, spec)
    except TextTooLong as exc:
        assert not spec.truncate
        assert exc.params["limit"] == spec.limit and exc.params["got"] > spec.limit
        assert exc.params["got"] == len(textgate.clean(text, spec.kind, fold=spec.fold))
        return
    assert len(out) <= spec.limit
    _check_output(out, spec.kind)
    assert textgate.gate(out, spec) == out


@settings(max_examples=150, deadline=None)
@given(long_text, fields)
def test_long_text_is_refused_with_both_lengths_or_cut_to_the_limit(text, spec):
    cleaned = textgate.clean(text, spec.kind, fold=spec.fold)
    if len(cleaned) <= spec.limit:
        assert textgate.gate(text, spec) == cleaned
    elif spec.truncate:
        out = textgate.gate(text, spec)
        assert len(out) <= spec.limit and cleaned.startswith(out)
        assert textgate.gate(out, spec) == out
        _check_output(out, spec.kind)
    else:
        with pytest.raises(TextTooLong) as err:
            textgate.gate(text, spec)
        assert err.value.params == {"field": spec.key, "limit": spec.limit, "got": len(cleaned)}


@settings(max_examples=600, deadline=None)
@given(random_text, st.sampled_from(list(Kind)), st.booleans())
def test_cleaning_each_kind_is_idempotent(text, kind, fold):
    out = textgate.clean(text, kind, fold=fold)
    _check_output(out, kind)
    assert textgate.clean(out, kind, fold=fold) == out
    if fold or kind in (Kind.code, Kind.number):
        assert unicodedata.is_normalized("NFKC", out)


@settings(max_examples=600, deadline=None)
@given(random_text)
@example("a\r\nb")
@example("")
def test_the_base_keeps_lines_and_emoji_and_drops_controls_and_bidi(text):
    out = textgate.base(text)
    assert textgate.needs_base(text) == (out != text)
    assert textgate.base(out) == out and not textgate.needs_base(out)
    assert unicodedata.is_normalized("NFC", out) and "\r" not in out
    assert not [c for c in out if c in BIDI or unicodedata.category(c) in ("Cs",)
                or (unicodedata.category(c) == "Cc" and c not in "\n\t")]
    # zero-width characters are not the base's business (a ZWJ joins emoji in free text)
    assert out.count("\u200d") == text.count("\u200d")


def test_the_reported_defects():
    # a NUL byte and a right-to-left override typed into a company name
    assert clean_name("太仓\x00精工机械\u202e有限公司") == "太仓精工机械有限公司"
    # a zero-width space inside a name no longer makes it another company
    assert name_key("太仓精\u200b工机械有限公司") == name_key("太仓精工机械有限公司") == "精工机械"
    assert name_key("太仓\u2060精工\ufeff机械\u00ad有限公司") == "精工机械"
    assert clean_uscc("9132\u200b0585 MA1W\u202e8K7Q3G\x00") == "91320585MA1W8K7Q3G"


def test_free_text_keeps_its_lines_and_emoji_but_not_the_tricks():
    text = "需求：质押融资\r\n意见：多办培训\t👨\u200d👩\u200d👧\u202e\x00\u200b"
    assert textgate.gate(text, textgate.FINDINGS) == "需求：质押融资\n意见：多办培训\t👨\u200d👩\u200d👧"
    assert textgate.gate("会议室\nB 座\u200d", textgate.LOCATION) == "会议室 B 座\u200d"
    assert textgate.gate("张\u200d三", textgate.PERSON_NAME) == "张三"


def test_a_company_name_over_the_limit_is_refused_naming_the_field_the_limit_and_the_length():
    from dialogs.visit.texts import refusal_text

    with pytest.raises(CompanyError) as err:
        clean_name("太" * 129)
    assert err.value.code == "too_long_company_name"
    assert err.value.params == {"field": "company_name", "limit": 128, "got": 129}
    assert refusal_text(err.value, "zh") == "企业名称太长了：最多 128 个字，您输入了 129 个字。"
    assert "128" in refusal_text(err.value, "en") and "129" in refusal_text(err.value, "en")
    # invisible characters do not count against the limit: they are not stored
    assert clean_name("太" * 128 + "\u200b" * 10) == "太" * 128


def test_every_refusing_field_has_its_sentence_in_both_languages():
    for spec in FIELDS.values():
        if spec.truncate:
            continue
        prefixes = ("vr_", "tr_err_") if spec.code is None else ("vr_",)
        for lang in ("zh", "en"):
            for prefix in prefixes:
                sentence = catalog(lang)[prefix + spec.refusal]
                assert "{limit}" in sentence and "{got}" in sentence, (lang, prefix, spec.key)


def test_an_old_caller_s_label_and_limit_still_gate():
    spec = textgate.field("标题", 5)
    assert textgate.gate("一二\x00三", spec) == "一二三"
    with pytest.raises(TextTooLong) as err:
        textgate.gate("一二三四五六", spec)
    assert err.value.code == "field_too_long" and err.value.params["field"] == "标题"
    assert textgate.field("location") is textgate.LOCATION
