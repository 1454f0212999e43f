"""An English-speaking user of each role walks every command and the first windows of each
dialog, and reads no Chinese but names.

Each case is one person (Telegram language "en") of one role, invited and joined as
anyone would be, who sends one command and presses the first buttons a person would.
Everything the bot showed them (messages, edits, captions, buttons, the command menu) is
checked for CJK characters (ideographs and full-width punctuation) once the names are
taken out: names of companies, people, trainings and regions' own Chinese names are data,
and so are policy documents (《…》 titles and 〔year〕 numbers) and text the person is told
to type in Chinese (“…” examples). Whatever is left is a sentence or a label that was
not translated.

The roster stays Chinese-first for the province, so its file name is data too, and a clause's
heading is taken out only where the policy texts word it so.

All cases share one bot (`shared_harness`): each person has an id of their own, and the
world they look at (companies, a plan, a training session) is built once for the module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from unittest.mock import patch

import pytest
import pytest_asyncio

from search import policy_documents
from services import regions
from services.progress_chart import chart_labels, progress_png
from services.session import unit_of_work
from services.training import SessionDraft, create_session
from services.users import load_actor
from storage.models import Measure
from tests.e2e.harness import unique_user

A = "91320585MA1W8K7Q3G"
A_NAME = "太仓精工机械有限公司"
OWNER_NAME = "王特派"
TRAINING_TITLE = "贯标内审员培训"
TRAINING_CATEGORY = "贯标内审员"
TRAINING_PLACE = "太仓市科技创业园"
MEASURE = "专利检索分析"

#: Data, not text of ours: what a Chinese-speaking colleague typed, or a register holds (the
#: official names of the regions the people of this module serve), longest first.
NAMES = tuple(sorted({A_NAME, "太仓精工", OWNER_NAME, TRAINING_TITLE, TRAINING_PLACE, MEASURE,
                      *(regions.lookup(code).full_name for code in ("320585", "320500", "320000"))},
                     key=len, reverse=True))
#: A policy document: 《its title》, its number (苏知发〔2018〕86号), or a title of the policy library.
_DOCUMENT = "|".join([r"《[^》]*》", r"[\u4e00-\u9fff]*〔\d{4}〕\d+号",
                      *map(re.escape, sorted({d.title for d in policy_documents()}, key=len, reverse=True))])
_NUMERAL = "[一二三四五六七八九十]+"
#: A citation (a document, its annex, the clause as the document numbers it: 附件3 三(一)1), and
#: “…” examples of what to type in Chinese.
QUOTED = re.compile(rf"(?:{_DOCUMENT})(?:\s*附件\d+(?:（[^）]*）)?)?(?:\s*{_NUMERAL}(?:[(（]{_NUMERAL}[)）])?\d*)?"
                    r"|“[^”]*”")
#: The roster is the province's document and stays Chinese-first (its file name included);
#: a clause's own heading, as the document words it, is a quotation (三(三) 实行项目引领).
ROSTER_FILE = re.compile(r"周报_[\w-]+\.xlsx")
CLAUSE_HEADING = re.compile(rf"{_NUMERAL}[(（]{_NUMERAL}[)）]\d*\s*([\u4e00-\u9fff]{{2,}})")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

ROLES = ("admin", "supervisor", "specialist", "sme")


#: The texts of the policy library: a line quoting one of them verbatim (an SME's answer) is a quotation.
_TEXTS = [d.text for d in policy_documents()]


def leaks(text: str) -> list[str]:
    """The lines of `text` with a CJK character left once names and quotations are taken out."""
    found = []
    for line in text.splitlines():
        if len(line.strip()) >= 20 and any(line.strip() in document for document in _TEXTS):
            continue
        stripped = ROSTER_FILE.sub("", line)
        stripped = CLAUSE_HEADING.sub(lambda m: "" if any(m.group(1) in d for d in _TEXTS) else m.group(0), stripped)
        stripped = QUOTED.sub("", stripped)
        for name in NAMES:
            stripped = stripped.replace(name, "")
        if CJK.search(stripped):
            found.append(line.strip())
    return found


# ------------------------------------------------------------------ the walks

@dataclass(frozen=True)
class Tap:
    """Press the first button, on the newest message showing buttons, whose text contains this."""

    contains: str


FIRST = Tap("")  # the first button of the newest keyboard, whatever it says

#: command -> what the person does: a command typed, then buttons pressed (if the bot shows them).
WALKS: dict[str, tuple[str | Tap, ...]] = {
    "start": ("/start",),
    "help": ("/help",),
    "whoami": ("/whoami",),
    "companies": ("/companies", Tap("太仓精工")),
    "visit": ("/visit", Tap("太仓精工"), FIRST),
    "visits": ("/visits",),
    "plan": ("/plan", Tap("太仓精工")),
    "check": ("/check", Tap("太仓精工")),
    "check_results": ("/check", Tap("太仓精工"), Tap("Show results")),  # programme results, as rendered
    "training": ("/training", Tap(TRAINING_TITLE)),
    "training_new": ("/training", Tap("➕"), "IP basics", FIRST),  # title, category, then the date picker
    "progress": ("/progress",),
    "export": ("/export",),
    "policies": ("/policies",),
    "invite": ("/invite", FIRST),
    "open_questions": ("/open_questions",),
    "privacy": ("/privacy",),
    "workbench": ("/workbench",),
    "question": ("Is there a subsidy for our first invention patent?",),
    "question_zh": ("首件发明专利有补贴吗？",),  # answered from the Chinese texts, quoting them
}

def cases():
    for role in ROLES:
        for walk in WALKS:
            if walk.startswith("question") and role != "sme":
                continue  # staff's free text is not a question to the policy search
            yield pytest.param(role, walk, id=f"{role}-{walk}")


# ------------------------------------------------------------------ the world

@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(module_harness):
    """A company of region 320585 with its (Chinese-speaking) specialist, a plan measure, and
    a training session in three days."""
    h = module_harness
    owner = unique_user(h.emu, first_name=OWNER_NAME)
    await h.join(owner, "specialist", region_code="320585")
    company_id = await h.add_company(A, A_NAME, "320585", specialist=owner,
                                     facts={"is_sme": True, "invention_grants_this_year": 1})
    async with unit_of_work(h.db) as s:
        actor = await load_actor(s, owner.id)
        ctx = h.running.dp["ctx"]
        s.add(Measure(company_id=company_id, what=MEASURE, owner_id=actor.user_id,
                      due_on=ctx.today() + timedelta(days=5), created_by=actor.user_id))
        start = datetime.combine(ctx.today() + timedelta(days=3), time(10), ctx.tz)
        await create_session(s, actor, SessionDraft(
            title=TRAINING_TITLE, category=TRAINING_CATEGORY, starts_at=start, ends_at=start + timedelta(hours=2),
            capacity=30, location=TRAINING_PLACE, region_code="320585"), ctx.now())
    return h


async def english_user(h, role: str):
    user = unique_user(h.emu, first_name="Alex", language_code="en")
    invite = {"admin": {}, "supervisor": {"region_code": "320500"}, "specialist": {"region_code": "320585"},
              "sme": {"company_uscc": A}}[role]
    await h.join(user, role, **invite)
    return user


async def walk(h, user, steps) -> None:
    for step in steps:
        if isinstance(step, Tap):
            shown = [m for m in h.emu.messages(user.id) if not m.deleted and
                     any("callback_data" in b for b in m.buttons())]
            buttons = [b for b in (shown[-1].buttons() if shown else []) if "callback_data" in b]
            pick = next((b for b in buttons if step.contains in b["text"]), None)
            if pick is None:
                continue  # this role is not shown that button (an SME has one company; a refusal has none)
            update_id = await h.emu.press(user, shown[-1].message_id, pick["callback_data"])
        else:
            update_id = await h.emu.send_text(user, step)
        assert await h.settle(update_id) == "done", f"{step!r} was parked"


def everything_shown(h, user) -> str:
    """Every text the person saw: each version of each message, its buttons, the command menu."""
    parts = []
    for record in h.emu.bot_state().chats[user.id].output:
        parts.append(record.text or record.caption or "")
        parts += [b["text"] for b in record.buttons()]
        parts += [b if isinstance(b, str) else b["text"] for row in (record.reply_markup or {}).get("keyboard", [])
                  for b in row]  # a reply keyboard (the location button)
        if record.document is not None and record.document.file_name:
            parts.append(record.document.file_name)
    parts += [f"/{c['command']} {c['description']}" for c in h.emu.visible_commands(user.id)]
    return "\n".join(parts)


@pytest.mark.asyncio(loop_scope="module")  # the module's one bot runs on the module's loop
@pytest.mark.parametrize(("role", "command"), list(cases()))
async def test_an_english_user_reads_no_chinese_but_names(shared_harness, world, role, command):
    h = shared_harness
    user = await english_user(h, role)
    drawn: list[str] = []  # the text drawn into a chart (/progress), which a PNG does not give back

    def drawing(progress, title, lang="zh"):
        drawn.extend([title, *chart_labels(progress, lang).values()])
        return progress_png(progress, title, lang)

    with patch("handlers.progress.progress_png", drawing):
        await walk(h, user, WALKS[command])
        await h.settled()
    shown = "\n".join([everything_shown(h, user), *drawn])
    assert shown.strip(), "the bot showed nothing"
    assert leaks(shown) == [], f"Chinese shown to an English-speaking {role} after {WALKS[command]}"


def test_the_allow_list_takes_out_names_and_quotations_only():
    assert leaks(f"Company: {A_NAME} (91320585MA1W8K7Q3G)") == []
    assert leaks("Source: 苏知发〔2018〕86号 《江苏省知识产权战略推进计划》, e.g. “太仓”") == []
    assert leaks("Basis: 苏知发〔2021〕140号 附件2（工业品牌） 三(一); 关于提升知识产权创新支撑力的实施意见（附件8） 三(五)") == []
    assert leaks("Basis: 苏知发〔2018〕86号 三(三) 实行项目引领") == []  # the clause's heading, as the document has it
    assert leaks("Basis: 苏知发〔2018〕86号 三(三) 补贴很多") == ["Basis: 苏知发〔2018〕86号 三(三) 补贴很多"]
    assert leaks("📎 周报_2026-W48_320500.xlsx") == []  # the province's roster keeps its Chinese name
    assert leaks("Category: 贯标内审员") == ["Category: 贯标内审员"]
    assert leaks("People: 12，of 30") == ["People: 12，of 30"]  # full-width punctuation is Chinese text too
    quote = "对重点中小企业首件发明专利的申请费和代理费给予一定补贴。"
    assert leaks(quote) == [] and leaks(f"Note: {quote}") == [f"Note: {quote}"]  # verbatim, on a line of its own


def test_every_category_of_people_has_a_name_in_each_language():
    from locales.categories import CATEGORY_KEYS, category_name
    from services.trainees import CATEGORIES

    assert set(CATEGORY_KEYS) == set(CATEGORIES)
    assert [category_name(c, "zh") for c in CATEGORIES] == list(CATEGORIES)  # the stored words, as before
    assert leaks("\n".join(category_name(c, "en") for c in CATEGORIES)) == []


def test_progress_with_people_trained_reads_in_english():
    """The walk's /progress has nobody trained yet; the breakdowns by category and region, in English."""
    from datetime import date

    from handlers.progress import progress_text
    from services.progress import Progress
    from services.targets import load_targets

    target = load_targets()[0]
    progress = Progress(as_of=target.start + timedelta(days=300), target=target, in_force=True, trained=12,
                        by_category={"贯标内审员": 8, "其他": 4}, by_region={"320585": 12}, by_organiser={OWNER_NAME: 12},
                        weekly=[("2018-W40", 12)], rate_per_week=1.5, projected_date=date(2030, 1, 1),
                        counted_to=target.start + timedelta(days=300))
    shown = "\n".join([progress_text(progress, "en"), *chart_labels(progress, "en").values()])
    assert "IP standard internal auditor 8, other 4" in shown
    assert leaks(shown) == []
