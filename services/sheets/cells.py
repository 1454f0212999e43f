"""Making user text safe in a spreadsheet without changing what it says.

Excel, WPS and LibreOffice treat a cell that starts with = + - @ (and, after a paste
or a CSV round trip, a tab or CR before them) as a formula. Each cell written here is a
plain string cell (never a formula), and text that *looks* like one also carries the
quote-prefix flag, so editing the cell in Excel keeps it text. The value itself is kept
as written: a reader sees "=1+1", not "'=1+1". Characters XML 1.0 cannot carry
(C0 controls other than tab/newline/CR), C1 controls, lone surrogates and U+FFFE/FFFF are
removed; CR and CRLF become LF (XML would turn them into LF anyway); a cell holds at most 32,767 characters (Excel's limit).
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_START", "MAX_CELL_CHARS", "clean_text", "looks_like_formula", "mask_phone"]

MAX_CELL_CHARS = 32_767
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DIGITS = re.compile(r"\d")


def clean_text(value: object) -> str:
    """The text with unwritable characters removed, cut to the cell limit."""
    text = CONTROLS.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_CELL_CHARS]


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) or text.lstrip(" \t\r\n").startswith(FORMULA_START[:4])


def mask_phone(phone: object) -> str:
    """'13800138000' -> '138****8000'; other numbers keep their first 3 and last 4 digits.

    Separators (+86, spaces, dashes) are kept where they are; a number with 7 digits or
    fewer is masked entirely but its last 2, so no short number is shown whole.
    """
    text = clean_text(phone).strip()
    digits = [m.start() for m in _DIGITS.finditer(text)]
    if not digits:
        return text
    count = len(digits)
    if text.startswith("+86") or text.startswith("86") and count == 13:
        digits = digits[2:]
        count -= 2
    keep_head, keep_tail = (3, 4) if count >= 8 else (0, min(2, count - 1))
    hidden = set(digits[keep_head:count - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))
