"""The policy library: every document the bot quotes, as data (a verbatim text and its metadata).

A document is two files side by side: ``NAME.txt`` (the text, verbatim, UTF-8) and
``NAME.yaml`` (its 文号, title, issuer, dates and source; :class:`DocumentMeta`). ``NAME`` is
the document's id in the library (what the search calls ``doc_id``, what a pack's document
names in ``text: NAME.txt``). The shipped documents live beside this module; a deployment
adds its own under ``$IPBOT_POLICY_DIR/texts/`` (``ipbot policy add-document`` writes both
files). :func:`load_library` reads both places the same way, so a document added without
code is searched, listed in /policies and checked against the packs' citations like a
shipped one.

Why a metadata file rather than a table in code: a deployment must be able to add the
document a new pack cites, and nothing about a document may be invented, so a date the
text does not give stays empty (``None``) and ``note`` says what the text does state.

Malformed input never half-loads: :class:`LibraryError` lists every problem, each naming
the file and the field. This module reads no environment (the caller passes the
directory).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

__all__ = [
    "METADATA_FIELDS",
    "DocumentMeta",
    "LibraryDocument",
    "Library",
    "LibraryError",
    "TEXTS_FOLDER",
    "load_library",
    "library_for_dir",
    "shipped_library",
    "read_metadata",
    "metadata_yaml",
    "read_policy_text",
]

#: where a policy directory keeps its documents: ``$IPBOT_POLICY_DIR/texts/NAME.txt`` + ``NAME.yaml``
TEXTS_FOLDER = "texts"

#: the metadata keys, in the order a file lists them
METADATA_FIELDS = ("number", "title", "issuer", "issued", "in_force_from", "in_force_to", "source", "note")

try:  # the C loader is much faster where available
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Dates stay text, so that a malformed one ("2021-13-01") is refused naming its field."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class LibraryError(ValueError):
    """Documents that cannot be loaded; ``problems`` lists each, naming the file and field."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class DocumentMeta(BaseModel):
    """What a document is: 文号 (``number``, "" when it has none), title, issuer, the date it was
    issued and the dates it is in force (``None``: the text does not say), where the text came
    from (``source``: a URL or a description) and a ``note`` for what the text states about
    its dates when it gives no day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str = ""
    title: str = Field(min_length=1)
    issuer: str = ""
    issued: date | None = None
    in_force_from: date | None = None
    in_force_to: date | None = None
    source: str = Field(min_length=1)
    note: str = ""

    @field_validator("number", "issuer", "note", mode="before")
    @classmethod
    def _empty_text(cls, v: Any) -> Any:
        return "" if v is None else v

    @field_validator("title", "source", mode="before")
    @classmethod
    def _stripped(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v

    @field_validator("issued", "in_force_from", "in_force_to", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, date):
            return v
        if isinstance(v, str):
            try:
                return date.fromisoformat(v.strip())
            except ValueError:
                pass
        raise ValueError(f"应为日期 YYYY-MM-DD 或留空 / must be a date YYYY-MM-DD or empty, got {v!r}")

    @model_validator(mode="after")
    def _order(self) -> "DocumentMeta":
        if self.in_force_from and self.in_force_to and self.in_force_to < self.in_force_from:
            raise ValueError("in_force_to 早于 in_force_from / in_force_to is before in_force_from")
        return self


@dataclass(frozen=True)
class LibraryDocument:
    """One document: ``id`` is its file name without ``.txt``; ``added`` says it came from a
    policy directory rather than shipped with the code; ``where`` is the text's path, for messages."""

    id: str
    meta: DocumentMeta
    text: str
    added: bool = False
    where: str = ""

    @property
    def file(self) -> str:
        return f"{self.id}.txt"

    @property
    def number(self) -> str:
        return self.meta.number

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def label(self) -> str:
        """文号 where there is one, else the title (as a citation names it)."""
        return self.meta.number or self.meta.title


class Library:
    """The documents, by id, in the order loaded (shipped first, by file name, then added)."""

    def __init__(self, documents: list[LibraryDocument] | tuple[LibraryDocument, ...]):
        self.documents = tuple(documents)
        self._by_id = {d.id: d for d in self.documents}
        if len(self._by_id) != len(self.documents):  # pragma: no cover - load_library refuses this first
            raise LibraryError(["duplicate document ids in the library"])

    def __iter__(self) -> Iterator[LibraryDocument]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._by_id

    def get(self, doc_id: str) -> LibraryDocument | None:
        return self._by_id.get(doc_id)

    def find(self, ref: str | None) -> LibraryDocument | None:
        """The document a pack's ``text:`` names: ``NAME.txt`` (or a path ending in it), or ``NAME``."""
        if not ref:
            return None
        name = Path(ref).name
        return self._by_id.get(name[:-4] if name.endswith(".txt") else name)

    @property
    def added(self) -> tuple[LibraryDocument, ...]:
        return tuple(d for d in self.documents if d.added)


# --------------------------------------------------------------------------- reading


def _format(err: ValidationError, where: str) -> list[str]:
    out = []
    for e in err.errors():
        field = ".".join(str(x) for x in e.get("loc", ())) or "(文件 / file)"
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        if e.get("type") == "missing":
            msg = "缺少该字段 / field required"
        elif e.get("type") == "extra_forbidden":
            msg = f"未知字段 / unknown field (known: {', '.join(METADATA_FIELDS)})"
        elif e.get("type") == "string_too_short":
            msg = "不能为空 / must not be empty"
        out.append(f"{where}: {field}: {msg}")
    return out


def read_metadata(raw: bytes | str, where: str) -> DocumentMeta:
    """Parse one metadata file's content; :class:`LibraryError` names ``where`` and the field."""
    try:
        data = yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise LibraryError([f"{where}: YAML 格式错误 / invalid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise LibraryError([f"{where}: 应为 YAML 映射（number、title、issuer …）/ must be a YAML mapping of fields"])
    try:
        return DocumentMeta.model_validate(data)
    except ValidationError as exc:
        raise LibraryError(_format(exc, where)) from None


def read_policy_text(raw: bytes, where: str) -> str:
    """A text file's content: UTF-8 (a BOM is dropped) and not empty, else :class:`LibraryError`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LibraryError([f"{where}: 不是 UTF-8 编码的文本 / not UTF-8 text (byte {exc.start})"]) from None
    if not text.strip():
        raise LibraryError([f"{where}: 文本为空 / the text is empty"])
    return text


def metadata_yaml(meta: DocumentMeta) -> str:
    """The metadata file for ``meta``: every field, in order, an unknown one left empty."""
    lines = ["# 政策库文件元数据（与同名 .txt 原文放在一起）/ metadata of the policy text beside it"]
    for key in METADATA_FIELDS:
        value = getattr(meta, key)
        if value is None or value == "":
            lines.append(f"{key}:")
        elif isinstance(value, date):
            lines.append(f"{key}: {value.isoformat()}")
        else:
            dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=1_000_000)
            lines.append(dumped.rstrip("\n"))
    return "\n".join(lines) + "\n"


def _read_folder(entries: list[Any], *, added: bool, label: str) -> tuple[list[LibraryDocument], list[str]]:
    """Documents of one folder (Paths or importlib Traversables): every ``NAME.txt`` with ``NAME.yaml``."""
    files = {e.name: e for e in entries if e.is_file()}
    docs: list[LibraryDocument] = []
    problems: list[str] = []
    for name in sorted(files):
        if name.endswith((".yaml", ".yml")) and name.rsplit(".", 1)[0] + ".txt" not in files:
            problems.append(f"{label}/{name}: 没有同名的 .txt 原文 / no text file {name.rsplit('.', 1)[0]}.txt beside it")
        if not name.endswith(".txt"):
            continue
        stem = name[:-4]
        meta_entry = files.get(f"{stem}.yaml") or files.get(f"{stem}.yml")
        where = f"{label}/{name}"
        if meta_entry is None:
            problems.append(f"{where}: 缺少元数据文件 {stem}.yaml / no metadata file {stem}.yaml beside it")
            continue
        try:
            text = read_policy_text(files[name].read_bytes(), where)
            meta = read_metadata(meta_entry.read_bytes(), f"{label}/{meta_entry.name}")
        except LibraryError as exc:
            problems += exc.problems
            continue
        docs.append(LibraryDocument(stem, meta, text, added, where))
    return docs, problems


@lru_cache(maxsize=1)
def _shipped() -> tuple[LibraryDocument, ...]:
    folder = resources.files(__package__)
    docs, problems = _read_folder(list(folder.iterdir()), added=False, label="policy/texts")
    if problems:
        raise LibraryError(problems)
    return tuple(docs)


def shipped_library() -> Library:
    """The documents shipped with the code (read once per process: they change only with it)."""
    return Library(_shipped())


def library_for_dir(root: Path) -> Library:
    """The library a pack in ``root`` cites from: the shipped documents, plus ``root``'s own
    when it has a ``texts/`` folder (a policy directory). Packs shipped with the code have none."""
    return load_library(root) if (root / TEXTS_FOLDER).is_dir() else shipped_library()


def load_library(policy_dir: str | Path | None = None) -> Library:
    """The shipped documents plus those in ``policy_dir/texts`` (e.g. ``$IPBOT_POLICY_DIR``).

    Reads the policy directory on each call (the caller keeps the library: one per context).
    Raises :class:`LibraryError` listing every problem: a text without metadata, metadata
    without a text, a malformed field, a text that is not UTF-8 or is empty, an id the
    library already has.
    """
    shipped = list(_shipped())
    if policy_dir is None or str(policy_dir) == "":
        return Library(shipped)
    root = Path(policy_dir).expanduser()
    if not root.is_dir():
        raise LibraryError([f"{root}: 政策目录不存在 / policy directory not found"])
    folder = root / TEXTS_FOLDER
    if not folder.is_dir():
        return Library(shipped)
    added, problems = _read_folder(sorted(folder.iterdir()), added=True, label=str(folder))
    known = {d.id: d for d in shipped}
    for doc in added:
        if doc.id in known:
            problems.append(f"{doc.where}: 政策库已有同名文件 / the library already has a document {doc.id!r} "
                            f"({known[doc.id].where})")
        known.setdefault(doc.id, doc)
    if problems:
        raise LibraryError(problems)
    return Library(shipped + added)
