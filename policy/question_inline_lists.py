"""A numbered list run on in one line, as a form pasted into a chat writes it: "情况如下：1.江苏注册独立法人；
2.近三年研发投入占销售收入4.2%；3.…" (issue 16, round 19). A mark opening a line is taken out by
:mod:`policy.question_numbers`; inside a line, "1." after a colon and "2." after a semicolon would be read as
figures (1 high-value patent). Only marks that count up from 1, one after another, each after a colon, a
semicolon, a full stop or a space, are marks: "发明：3、实用新型：5" counts up from no 1 and keeps its figures. Pure.
"""

from __future__ import annotations

import re

__all__ = ["drop_inline_marks"]

#: a mark candidate: a number of one or two digits and a mark, after a pause, before a word (not a figure's digits)
#: or before a year opening its item ("；5.2019年利税…", round 22), or a range of years ("；6.2019-2021年利税…", round 25a)
#: (after a title in square brackets too: "【…自查】1.江苏注册的…；2.…", round 25a)
_MARK = re.compile(r"(?<=[：:；;。，,\s】\]])(\d{1,2})[ \t]*[.、)）](?=[ \t]*(?:[^\d\s.%]|(?:19|20)\d\d(?:[ \t]*[-–—~至到][ \t]*(?:19|20)?\d\d)?[ \t]*年))")


def drop_inline_marks(text: str) -> str:
    """``text`` with the marks of a run-on numbered list (1., 2., 3. … in order, two at least) taken out."""
    run, expected = [], 1
    for match in _MARK.finditer(text):
        number = int(match.group(1))
        if number == expected:
            run.append(match)
            expected += 1
        elif number == 1:
            run, expected = ([match], 2) if len(run) < 2 else (run, expected)
    if len(run) < 2:
        return text
    out, last = [], 0
    for match in run:
        out.append(text[last:match.start()])
        last = match.end()
    out.append(text[last:])
    return "".join(out)
