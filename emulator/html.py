"""parse_mode=HTML exactly as Telegram parses it (a port of TDLib's parse_html).

Why exact: the commonest production failure of a Telegram bot is text that is fine
in tests and rejected by Telegram ("a < b", "<br>", an unescaped user name). The
rules reproduced here: only the supported tags; attributes only as Telegram reads
them; the named entities &lt; &gt; &amp; &quot; and numeric ones (an unknown
"&name;" or a bare "&" stays literal text); any other '<' is an error. Limits are
applied by the caller to the text this returns, i.e. after tags are stripped and
entities decoded. Entity offsets and lengths are in UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request

_SPACES = frozenset(" \t\r\n\f\v")
_SPECIAL = re.compile("[&<]")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HEX = frozenset("0123456789abcdefABCDEF")
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset of the entity in the parsed text
    language: str = ""  # set on <pre> by a nested <code class="language-...">


def apply_parse_mode(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]] | None]:
    """Resolve what Telegram would store: explicit entities win over parse_mode."""
    if entities is not None or not parse_mode:
        return text, entities or None
    mode = parse_mode.lower()
    if mode == "html":
        plain, parsed = parse_html(text)
        return plain, parsed or None
    if mode in ("markdown", "markdownv2"):
        raise bad_request(
            f"parse_mode {parse_mode} is not supported by the emulator; use HTML or explicit entities"
        )
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) or raise 400 "can't parse entities: ..."."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    utf16 = 0
    i, n = 0, len(source)
    while i < n:
        match = _SPECIAL.search(source, i)
        stop = match.start() if match else n
        if stop > i:
            chunk = source[i:stop]
            out.append(chunk)
            utf16 += _utf16_len(chunk)
            i = stop
            continue
        if source[i] == "&":
            decoded, end = _decode_entity(source, i)
            if decoded is None:
                decoded, end = "&", i + 1
            out.append(decoded)
            utf16 += _utf16_len(decoded)
            i = end
            continue
        if i + 1 < n and source[i + 1] == "/":
            i = _close_tag(source, i, stack, entities, utf16)
        else:
            i, tag = _open_tag(source, i, utf16)
            stack.append(tag)
    if stack:
        raise _error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _open_tag(source: str, begin: int, utf16: int) -> tuple[int, _OpenTag]:
    n = len(source)
    i = begin + 1
    while i < n and source[i] not in _SPACES and source[i] != ">":
        i += 1
    if i >= n:
        raise _error(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
    name = source[begin + 1 : i].lower()
    if name not in _TAG_ENTITY:
        raise _error(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, begin)}')
    argument = ""
    while True:
        while i < n and source[i] in _SPACES:
            i += 1
        if i >= n:
            raise _error(f'Unclosed start tag "{name}" at byte offset {_byte_offset(source, begin)}')
        if source[i] == ">":
            break
        attribute_begin = i
        while i < n and source[i] not in _SPACES and source[i] not in "=>":
            i += 1
        attribute = source[attribute_begin:i]
        if not attribute:
            raise _error(
                f'Empty attribute name in the tag "{name}" at byte offset {_byte_offset(source, begin)}'
            )
        while i < n and source[i] in _SPACES:
            i += 1
        if i < n and source[i] != "=" and name == "blockquote" and attribute == "expandable":
            argument = "expandable"
            continue
        if i >= n or source[i] != "=":
            raise _error(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                f"at byte offset {_byte_offset(source, begin)}"
            )
        i += 1
        while i < n and source[i] in _SPACES:
            i += 1
        if i >= n:
            raise _error(f'Unclosed start tag "{name}" at byte offset {_byte_offset(source, begin)}')
        i, value = _attribute_value(source, i)
        if i >= n:
            raise _error(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
        argument = _tag_argument(name, attribute, value, argument)
    if name == "span" and argument != "spoiler":
        raise _error(f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, begin)}')
    return i + 1, _OpenTag(name, argument, utf16)


def _attribute_value(source: str, i: int) -> tuple[int, str]:
    n = len(source)
    if source[i] not in "'\"":
        # An unquoted name token: letters, digits, periods and hyphens, case-insensitive.
        token_begin = i
        while i < n and (source[i].isascii() and source[i].isalnum() or source[i] in ".-"):
            i += 1
        if i < n and source[i] not in _SPACES and source[i] != ">":
            raise _error(f"Unexpected end of name token at byte offset {_byte_offset(source, token_begin)}")
        return i, source[token_begin:i].lower()
    quote = source[i]
    i += 1
    chars: list[str] = []
    while i < n and source[i] != quote:
        if source[i] == "&":
            decoded, end = _decode_entity(source, i)
            if decoded is not None:
                chars.append(decoded)
                i = end
                continue
        chars.append(source[i])
        i += 1
    return (i + 1 if i < n else i), "".join(chars)


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return current


def _close_tag(
    source: str, begin: int, stack: list[_OpenTag], entities: list[dict[str, Any]], utf16: int
) -> int:
    n = len(source)
    if not stack:
        raise _error(f"Unexpected end tag at byte offset {_byte_offset(source, begin)}")
    i = begin + 2
    while i < n and source[i] not in _SPACES and source[i] != ">":
        i += 1
    end_name = source[begin + 2 : i].lower()
    while i < n and source[i] in _SPACES:
        i += 1
    if i >= n or source[i] != ">":
        raise _error(f"Unclosed end tag at byte offset {_byte_offset(source, begin)}")
    tag = stack.pop()
    if end_name and end_name != tag.name:
        raise _error(
            f'Unmatched end tag at byte offset {_byte_offset(source, begin)}, '
            f'expected "</{tag.name}>", found "</{end_name}>"'
        )
    parent = stack[-1] if stack else None
    if tag.name == "code" and parent and parent.name == "pre" and parent.offset == tag.offset and tag.argument:
        parent.language = tag.argument  # <pre><code class="language-x"> is one pre entity
    elif (entity := _entity(tag, utf16)) is not None:
        entities.append(entity)
    return i + 1


def _entity(tag: _OpenTag, end: int) -> dict[str, Any] | None:
    length = end - tag.offset
    if length <= 0:
        return None
    kind = _TAG_ENTITY[tag.name]
    entity: dict[str, Any] = {"type": kind, "offset": tag.offset, "length": length}
    if kind == "text_link":
        if not tag.argument:
            return None
        entity["url"] = tag.argument
    elif kind == "custom_emoji":
        if not tag.argument:
            raise _error("Custom emoji entity must contain a valid custom emoji identifier")
        entity["custom_emoji_id"] = tag.argument
    elif kind == "pre" and tag.language:
        entity["language"] = tag.language
    elif kind == "blockquote" and tag.argument == "expandable":
        entity["type"] = "expandable_blockquote"
    return entity


def _decode_entity(source: str, i: int) -> tuple[str | None, int]:
    """Decode the character reference at source[i] == '&'; (None, i) if it is not one."""
    n = len(source)
    j = i + 1
    if j < n and source[j] == "#":
        j += 1
        code = 0
        hexadecimal = j < n and source[j] == "x"
        if hexadecimal:
            j += 1
        while j < n and (source[j] in _HEX if hexadecimal else "0" <= source[j] <= "9"):
            code = code * (16 if hexadecimal else 10) + int(source[j], 16)
            j += 1
            if code >= 0x10FFFF:
                return None, i
        if code == 0 or 0xD800 <= code <= 0xDFFF:
            return None, i
        decoded = chr(code)
    else:
        k = j
        while k < n and source[k].isascii() and source[k].isalpha():
            k += 1
        decoded = _NAMED.get(source[j:k])
        if decoded is None:
            return None, i
        j = k
    if j < n and source[j] == ";":
        j += 1
    return decoded, j


def _utf16_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")
