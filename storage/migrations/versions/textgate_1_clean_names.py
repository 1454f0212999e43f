"""textgate: names stored before the text gate lose their control, bidi and invisible characters

Revision ID: textgate_1
Revises: training_1

Before services.textgate a company name was stored as typed, only NFKC-folded with its spaces
collapsed, and a user's name as Telegram gave it; so a NUL (on SQLite: PostgreSQL refused it),
another control character, a right-to-left override (U+202E) or a zero-width space (U+200B) may
be stored in companies.name and users.full_name. This rewrites both as the gate's ``name`` kind
gives them today (textgate.COMPANY_NAME via services.companies.clean_name, textgate.TELEGRAM_NAME).

Why the rule is copied rather than imported: a migration must do the same whenever it runs, and
storage imports nothing of services (import-linter). Only what the ``name`` kind does to such text
is replicated: every control (Cc), format (Cf: bidi controls, zero-width characters, the soft
hyphen), surrogate (Cs), line or paragraph separator (Zl, Zp) and BMP noncharacter out; NFKC
(removing one can leave a pair to compose); white space collapsed; for a company, brackets written
the Chinese way, as clean_name does; a user's name cut to its column's 128 characters.
tests/unit/test_textgate_sites.py checks that the result is what the services give for the same text.

Not done here: companies.name_key. Recomputing it takes services.companies.name_key and the place
names of services.regions, which a migration may not import; a key stored with an invisible
character keeps it until its company's name is next saved, or until the keys are recomputed by a
step that may use services. A name that nothing but invisible characters would leave empty is
kept as it is, for a person to rename. Downgrade does nothing: what was removed showed nothing.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "textgate_1"
down_revision = "training_1"
branch_labels = None
depends_on = None

_OUT_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _clean(text: str) -> str:
    """The ``name`` kind of services.textgate as of this revision, on text already NFKC."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")  # one line
    kept = "".join(c for c in text if unicodedata.category(c) not in _OUT_CATEGORIES
                   and not ("\ufdd0" <= c <= "\ufdef" or c in "\ufffe\uffff"))
    return " ".join(unicodedata.normalize("NFKC", kept).split())


def _company_name(name: str) -> str:
    return _clean(name).replace("(", "（").replace(")", "）")


def _user_name(name: str) -> str:
    return " ".join(_clean(name)[:128].split())


def _rewrite(table: str, column: str, clean) -> None:  # noqa: ANN001
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
    changed = [{"id": id_, "value": new} for id_, old in rows
               if old and (new := clean(old)) != old and new]
    if changed:
        bind.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"), changed)


def upgrade() -> None:
    _rewrite("companies", "name", _company_name)
    _rewrite("users", "full_name", _user_name)


def downgrade() -> None:
    pass
