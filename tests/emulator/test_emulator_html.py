"""parse_mode=HTML: what Telegram accepts, what it refuses, and the entities it makes."""

from __future__ import annotations

import pytest

from emulator.errors import ApiError
from emulator.html import apply_parse_mode, parse_html


def test_nested_tags_and_entities_decode() -> None:
    text, entities = parse_html('<b>bold <i>both</i></b> <a href="https://e.x/?a=1&amp;b=2">link</a> &lt;&amp;&gt;&quot;')
    assert text == 'bold both link <&>"'
    assert entities == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
        {"type": "text_link", "offset": 10, "length": 4, "url": "https://e.x/?a=1&b=2"},
    ]


def test_all_supported_tags() -> None:
    source = (
        "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>"
        '<span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler><code>j</code>'
        '<pre><code class="language-python">k</code></pre><blockquote>l</blockquote>'
        '<blockquote expandable>m</blockquote><tg-emoji emoji-id="5368324170671202286">n</tg-emoji>'
    )
    text, entities = parse_html(source)
    assert text == "abcdefghijklmn"
    assert [e["type"] for e in entities] == [
        "bold", "italic", "underline", "underline", "strikethrough", "strikethrough", "strikethrough",
        "spoiler", "spoiler", "code", "pre", "blockquote", "expandable_blockquote", "custom_emoji",
    ]
    assert entities[10] == {"type": "pre", "offset": 10, "length": 1, "language": "python"}


def test_numeric_references_and_literal_ampersands() -> None:
    text, entities = parse_html("&#65;&#x42;C AT&T &copy; &amp x > y")
    assert text == "ABC AT&T &copy; & x > y"
    assert entities == []


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_html("😀 <b>专利</b>")
    assert text == "😀 专利"
    assert entities == [{"type": "bold", "offset": 3, "length": 2}]


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("<p>x</p>", 'Unsupported start tag "p"'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("stray</b>", "Unexpected end tag at byte offset 5"),
        ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("专利 <x>", 'Unsupported start tag "x" at byte offset 7'),
    ],
)
def test_invalid_html_is_refused_like_telegram(source: str, detail: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.code == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert detail in caught.value.description


def test_parse_modes() -> None:
    assert apply_parse_mode("<b>x</b>", None, None) == ("<b>x</b>", None)
    assert apply_parse_mode("<b>x</b>", "html", None) == ("x", [{"type": "bold", "offset": 0, "length": 1}])
    explicit = [{"type": "italic", "offset": 0, "length": 1}]
    assert apply_parse_mode("<b>x</b>", "HTML", explicit) == ("<b>x</b>", explicit)
    with pytest.raises(ApiError, match="MarkdownV2 is not supported by the emulator"):
        apply_parse_mode("*x*", "MarkdownV2", None)
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        apply_parse_mode("x", "BBCode", None)
