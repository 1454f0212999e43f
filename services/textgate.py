"""The one gate for text a person gave us: typed in chat, read from a spreadsheet, passed on the command line.

Telegram delivers whatever a client sends: NUL bytes (PostgreSQL refuses 0x00 in text,
SQLite stores it), a right-to-left override (U+202E) that makes a stored name read
backwards wherever it is shown, a zero-width space inside a name that makes "太仓精工" and
"太仓\u200b精工" two companies. Every dialog, command and import takes user text in through
this module, so there is one set of rules, written down here and nowhere else.

Two layers
----------
- `base` (every incoming message and caption, in ``bot.middlewares.CleanText``; also the
  first step of every field): NFC; control characters (Cc) out except newline and tab
  (``\\r\\n``, ``\\r``, VT, FF, NEL, U+2028 and U+2029 become ``\\n``); surrogates (Cs) and
  noncharacters (U+FDD0–U+FDEF, U+FFFE, U+FFFF) out; bidi controls out (U+202A–U+202E,
  U+2066–U+2069, U+200E, U+200F, U+061C, and the deprecated U+206A–U+206F). Zero-width
  characters stay: a ZWJ holds emoji sequences together in free text.
- `gate(value, field)`: the base, then the field's kind (below), then its length limit.

Field kinds
-----------
===========  ==========================================  ========================================================
kind         what is removed or changed                  used for
===========  ==========================================  ========================================================
``name``     every format character (Cf: zero-width      company, person, training title, category,
             U+200B–U+200D, U+2060, U+FEFF, U+180E, soft
             hyphen U+00AD, tags, invisible operators);  a Telegram user's name
             line breaks and tabs become spaces, runs of
             white space one space, ends trimmed
``code``     as ``name``, and all white space removed;   credit code (USCC), region code, check-in code,
             always NFKC (full-width ``９１`` is ``91``)     a web link, a Telegram username
``number``   as ``name``; always NFKC                    typed numbers: mobile, counts
``line``     U+200B, U+2060, U+FEFF out (ZWNJ, ZWJ and   venue, position, employer, industry, a measure,
             the soft hyphen stay: Persian words and     company search words
             emoji sequences need them); line breaks and
             tabs become spaces, white space collapsed
``text``     as ``line``, but newlines and tabs stay;    visit findings, SMEs' questions, specialists' replies
             ends trimmed
===========  ==========================================  ========================================================

The strict kinds (name, code, number) never give out a zero-width character, so two
spellings of one name are one name (services.companies.name_key runs on gated text).
A field may also fold compatibility forms (NFKC: full-width letters and digits, ligatures),
as names of companies and people always were.

Fields and limits
-----------------
Limits are the column sizes in storage/ (or the limit a service already had); a text is
measured after cleaning, in characters, as PostgreSQL's ``VARCHAR(n)`` counts them.

=====================  ======  ====  ========  ==============================================
field                  kind    max   too long  stored in / why this limit
=====================  ======  ====  ========  ==============================================
``COMPANY_NAME``       name    128   refuse    companies.name VARCHAR(128)
``INDUSTRY``           line     64   refuse    companies.industry VARCHAR(64)
``USCC``               code     18   (named)   companies.uscc; normalise_uscc says the length
``REGION_CODE``        code     12   refuse    *.region_code VARCHAR(12)
``PERSON_NAME``        name     64   refuse    trainees.name VARCHAR(64)
``EMPLOYER``           line    128   refuse    trainees.company VARCHAR(128)
``POSITION``           line     64   refuse    trainees.position VARCHAR(64)
``MOBILE``             number   32   refuse    a mobile number as typed (+86 138-0013-8000)
``CATEGORY``           name     32   refuse    the trainee category as typed (an alias)
``TRAINING_TITLE``     name    128   refuse    trainings.title VARCHAR(128)
``LOCATION``           line    128   refuse    trainings.location VARCHAR(128)
``ONLINE_LINK``        code    256   refuse    trainings.online_link VARCHAR(256)
``FINDINGS``           text   4000   refuse    visits.findings (TEXT): a message is 4096
``MEASURE``            line    500   refuse    measures.what VARCHAR(500); one line of a plan
``PARTICIPANTS``       line    256   truncate  visits.participants VARCHAR(256), read from
                                               the findings' "参加：" lines
``FINDINGS_ITEM``      line    500   truncate  one need, problem or opinion read from a line
                                               of the findings (the findings keep it whole)
``QUESTION``           text   1000   refuse    question_threads.question VARCHAR(4096); the
                                               limit services.questions always had (a longer
                                               question is a letter); forwarded to the
                                               specialist inside one message
``ANSWER``             text   3000   refuse    question_threads.answer VARCHAR(4096); relayed
                                               with the specialist's name (128) and the
                                               question's first 200 characters: one message
                                               of at most 4096 (tests/unit/test_textgate_sites)
``SEARCH_WORDS``       line     64   truncate  what a person searches companies by: not stored
``TELEGRAM_NAME``      name    128   truncate  users.full_name VARCHAR(128), from Telegram
                                               (first and last name, 64 each): not typed into
                                               a field of ours, so never refused
``TELEGRAM_USERNAME``  code     64   truncate  users.username VARCHAR(64), from Telegram
=====================  ======  ====  ========  ==============================================

Refuse or truncate: what a person typed as the value of a field is refused when too long,
with the field's label, the limit and the length they typed (`TextTooLong`, code
``too_long_<field>`` unless the field names its own; the sentences are in
locales/*.textgate.yaml) — cutting it would store something they did
not write and never tell them. Only values *derived* from other text (a line picked out of
the findings, which are stored whole), values not stored (search words) and values no
person typed into the bot (a Telegram name, which must never stop someone from joining)
are truncated.

The gate is idempotent (``gate(gate(x)) == gate(x)``), its output is NFC, holds no control
or bidi character (nor, for strict kinds, a zero-width one) and is never longer than the
limit; tests/unit/test_textgate.py checks this on random text.

Where it is applied
-------------------
Chat: ``bot.middlewares.CleanText`` (the base, every message). Fields: services.companies
(``clean_name``, ``clean_uscc``, ``name_key``: the duplicate check runs on gated text),
services.trainees (``clean_text``, ``normalise_mobile``, ``PersonDraft``), services.training
(``SessionDraft.validate``), services.visits (findings, participants, findings items),
services.plans (``check_measure``), both imports (services.company_import,
services.training_import), services.questions (``route_to_specialist``: QUESTION,
``record_answer``: ANSWER; the relay carries the gated reply), services.companies
(``search_companies``: SEARCH_WORDS; ``set_profile``: INDUSTRY), typed check-in codes
(services.training.check_in_by_code: the ``code`` kind, then its own six-digit check), and
the names Telegram gives us (services.invites.redeem, services.users.ensure_admin:
TELEGRAM_NAME, TELEGRAM_USERNAME). Names stored before the gate were cleaned by the
migration ``textgate_1`` (companies.name, users.full_name).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from services.errors import Refusal

__all__ = ["Kind", "Field", "FIELDS", "TextTooLong", "base", "needs_base", "clean", "gate", "field",
           "COMPANY_NAME", "INDUSTRY", "USCC", "REGION_CODE", "PERSON_NAME", "EMPLOYER", "POSITION", "MOBILE",
           "CATEGORY", "TRAINING_TITLE", "LOCATION", "ONLINE_LINK", "FINDINGS", "MEASURE", "PARTICIPANTS",
           "FINDINGS_ITEM", "QUESTION", "ANSWER", "SEARCH_WORDS", "TELEGRAM_NAME", "TELEGRAM_USERNAME", "BIDI",
           "ZERO_WIDTH"]


class Kind(StrEnum):
    name = "name"
    code = "code"
    number = "number"
    line = "line"
    text = "text"


STRICT = frozenset({Kind.name, Kind.code, Kind.number})
#: Bidi embeddings, overrides, isolates and marks, and the deprecated format controls next to them.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                 "\u206a\u206b\u206c\u206d\u206e\u206f")
#: Zero-width characters (the strict kinds remove these and every other Cf character).
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad")
#: Removed from free text too: they separate nothing a reader sees (ZWNJ, ZWJ and the soft hyphen do).
_FREE_INVISIBLE = "\u200b\u2060\ufeff"
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def _class(chars: set[int]) -> str:
    """A regex character class of these code points, as ranges."""
    out, points = [], sorted(chars)
    start = prev = points[0]
    for p in [*points[1:], None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        out.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        if p is not None:
            start = prev = p
    return "[" + "".join(out) + "]"


def _build() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    controls = {c for c in range(0x20)} | set(range(0x7F, 0xA0))
    controls -= {ord("\n"), ord("\t")}  # line breaks are normalised to \n before this applies
    # Only the BMP's noncharacters: a class with astral code points is ten times slower to scan
    # (the base runs on every message), and the astral ones are valid UTF-8 that any database stores.
    noncharacters = set(range(0xFDD0, 0xFDF0)) | {0xFFFE, 0xFFFF}
    surrogates = set(range(0xD800, 0xE000))
    separators = {0x2028, 0x2029}  # made \n first; listed so that `needs_base` sees them
    base = controls | noncharacters | surrogates | separators | {ord(c) for c in BIDI}
    # Format characters live in planes 0, 1 and 14 (the others hold ideographs or nothing);
    # scanning only those keeps the import at a few milliseconds.
    planes = (*range(0, 0x20000), *range(0xE0000, 0xF0000))
    formats = {c for c in planes if unicodedata.category(chr(c)) == "Cf"}
    strict = base | formats | {ord(c) for c in ZERO_WIDTH} | {ord("\t"), ord("\n")}
    free = base | {ord(c) for c in _FREE_INVISIBLE}
    return re.compile(_class(base)), re.compile(_class(strict)), re.compile(_class(free))


_BASE_OUT, _STRICT_OUT, _FREE_OUT = _build()
_OUT = {Kind.name: _STRICT_OUT, Kind.code: _STRICT_OUT, Kind.number: _STRICT_OUT, Kind.line: _FREE_OUT,
        Kind.text: _FREE_OUT}


def needs_base(text: str) -> bool:
    """True when `base` would change the text: one regex scan and one NFC quick check, both in C.

    Called on every message the bot receives (bot.middlewares.CleanText), so it allocates nothing.
    """
    return _BASE_OUT.search(text) is not None or not unicodedata.is_normalized("NFC", text)


def base(text: str) -> str:
    """NFC, line breaks as ``\\n``, controls (but newline and tab), surrogates, noncharacters and bidi
    controls out. Keeps everything else, white space included: the caller decides what a field is."""
    text = _BASE_OUT.sub("", _LINE_BREAKS.sub("\n", text))
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _normal(text: str, form: str) -> str:
    return text if unicodedata.is_normalized(form, text) else unicodedata.normalize(form, text)


def clean(value: object, kind: Kind, *, fold: bool = False) -> str:
    """The text cleaned for a field of this kind, without a length limit.

    Characters are removed before normalising (so a removed one cannot hide an
    uncomposed pair), white space is handled after (compatibility folding can make
    spaces), and a code is normalised once more after its spaces are gone.
    """
    text = "" if value is None else str(value)
    form = "NFKC" if fold or kind in (Kind.code, Kind.number) else "NFC"
    text = _LINE_BREAKS.sub("\n", text)
    if kind != Kind.text:  # a one-line field: a line break or tab is a space between words
        text = text.replace("\n", " ").replace("\t", " ")
    text = _normal(_OUT[kind].sub("", text), form)
    if kind == Kind.text:
        return text.strip()
    if kind == Kind.code:
        return _normal("".join(text.split()), form)
    return " ".join(text.split())


@dataclass(frozen=True)
class Field:
    """One kind of user text: how it is cleaned, how long it may be, what happens when it is longer.

    The refusal's `code` is ``too_long_<key>`` unless the field names its own: one sentence
    per field (locales/*.textgate.yaml, under each renderer's prefix ``vr_`` and ``tr_err_``)
    that names the field and takes ``limit`` and ``got``, so a person reads which field,
    the limit and how long theirs was, in their language, from any renderer as it is.
    """

    key: str
    kind: Kind
    limit: int
    truncate: bool = False
    fold: bool = False
    code: str | None = None
    #: A label given in code by an old caller (trainees.clean_text(value, "标题", 128)); such a
    #: field refuses with the older ``field_too_long`` sentence ({field}, {limit}). Prefer a key.
    fixed_label: str | None = None

    @property
    def refusal(self) -> str:
        if self.code:
            return self.code
        return "field_too_long" if self.fixed_label is not None else f"too_long_{self.key}"


class TextTooLong(Refusal):
    """A field's text is longer than its limit; the sentence names the field, the limit and the length."""


def gate(value: object, spec: Field) -> str:
    """The text as it may be stored in this field, or `TextTooLong` (for fields that refuse)."""
    text = clean(value, spec.kind, fold=spec.fold)
    if len(text) <= spec.limit:
        return text
    if spec.truncate:
        cut = text[: spec.limit]
        return cut.strip() if spec.kind == Kind.text else clean(cut, spec.kind, fold=spec.fold)
    raise TextTooLong(spec.refusal, field=spec.fixed_label or spec.key, limit=spec.limit, got=len(text))


COMPANY_NAME = Field("company_name", Kind.name, 128, fold=True)
INDUSTRY = Field("industry", Kind.line, 64)
USCC = Field("uscc", Kind.code, 18)
REGION_CODE = Field("region_code", Kind.code, 12)
PERSON_NAME = Field("person_name", Kind.name, 64, fold=True)
EMPLOYER = Field("employer", Kind.line, 128, fold=True)
POSITION = Field("position", Kind.line, 64, fold=True)
MOBILE = Field("mobile", Kind.number, 32)
CATEGORY = Field("category", Kind.name, 32, fold=True)
TRAINING_TITLE = Field("training_title", Kind.name, 128, fold=True)
LOCATION = Field("location", Kind.line, 128, fold=True)
ONLINE_LINK = Field("online_link", Kind.code, 256)
FINDINGS = Field("findings", Kind.text, 4000, code="findings_too_long")
MEASURE = Field("measure", Kind.line, 500, code="what_too_long")
PARTICIPANTS = Field("participants", Kind.line, 256, truncate=True)
FINDINGS_ITEM = Field("findings_item", Kind.line, 500, truncate=True)
QUESTION = Field("question", Kind.text, 1000)
ANSWER = Field("answer", Kind.text, 3000)
SEARCH_WORDS = Field("search_words", Kind.line, 64, truncate=True, fold=True)
TELEGRAM_NAME = Field("telegram_name", Kind.name, 128, truncate=True, fold=True)
TELEGRAM_USERNAME = Field("telegram_username", Kind.code, 64, truncate=True)

#: Every field by key, for callers that name a field rather than import it (a dialog's one call site).
FIELDS = {f.key: f for f in (COMPANY_NAME, INDUSTRY, USCC, REGION_CODE, PERSON_NAME, EMPLOYER, POSITION, MOBILE,
                             CATEGORY, TRAINING_TITLE, LOCATION, ONLINE_LINK, FINDINGS, MEASURE, PARTICIPANTS,
                             FINDINGS_ITEM, QUESTION, ANSWER, SEARCH_WORDS, TELEGRAM_NAME, TELEGRAM_USERNAME)}


def field(which: Field | str, limit: int | None = None) -> Field:
    """A field by itself, by key, or (an old caller's label and limit) a one-line field of its own."""
    if isinstance(which, Field):
        return which
    if which in FIELDS and limit is None:
        return FIELDS[which]
    return Field(which, Kind.line, limit if limit is not None else 128, fold=True, fixed_label=which)
