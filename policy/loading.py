"""Reading packs from disk: one pack (a directory with pack.yaml, or one YAML file), schema-checked.

Built-in packs live in ``policy/packs/<jurisdiction>/pack.yaml`` (tests in ``tests/*.yaml``
next to it).  An extra directory (the caller passes ``IPBOT_POLICY_DIR``; this module reads
no environment) holds single-file packs (``*.yaml``) and pack directories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import schema as S
from .texts import Library, shipped_library

__all__ = ["BUILTIN_PACKS_DIR", "TEXTS_DIR", "PackError", "LoadedPack", "load_pack", "read_yaml", "format_validation",
           "resolve_text", "source_text", "discover_packs", "builtin_paths"]

BUILTIN_PACKS_DIR = Path(__file__).resolve().parent / "packs"
TEXTS_DIR = Path(__file__).resolve().parent / "texts"

try:  # the C loader is much faster where available
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class PackError(ValueError):
    """A pack that cannot be loaded; ``problems`` lists what is wrong."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class LoadedPack:
    pack: S.Pack
    path: Path  # the YAML file
    builtin: bool = False
    test_files: list[Path] = field(default_factory=list)
    in_own_dir: bool = False  # a pack directory (pack.yaml in it) rather than a single file

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def home(self) -> Path:
        """The policy directory holding the pack (whose ``texts/`` it may cite)."""
        return self.path.parent.parent if self.in_own_dir else self.path.parent


def read_yaml(path: Path) -> Any:
    with open(path, "rb") as fh:
        return yaml.load(fh, Loader=_Loader)


def format_validation(err: ValidationError, where: str) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e.get("loc", ()))
        out.append(f"{where}: {loc}: {e.get('msg')}")
    return out


def load_pack(path: str | Path, *, builtin: bool = False) -> LoadedPack:
    """Read and schema-validate one pack (a pack.yaml directory or a single YAML file)."""
    p = Path(path)
    if p.is_dir():
        file = p / "pack.yaml"
        if not file.is_file():
            raise PackError([f"{p}: 目录中没有 pack.yaml / no pack.yaml in directory"])
        tests = sorted((p / "tests").glob("*.yaml")) + sorted((p / "tests").glob("*.yml"))
    elif p.is_file():
        file, tests = p, []
    else:
        raise PackError([f"{p}: 文件或目录不存在 / no such file or directory"])
    try:
        raw = read_yaml(file)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2021-13-01
        raise PackError([f"{file}: YAML 格式错误 / invalid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise PackError([f"{file}: 应为 YAML 映射 / must be a YAML mapping"])
    try:
        pack = S.Pack.model_validate(raw)
    except ValidationError as exc:
        raise PackError(format_validation(exc, str(file))) from None
    return LoadedPack(pack, file, builtin, tests, in_own_dir=p.is_dir())


def resolve_text(doc: S.Document, base_dir: Path) -> Path | None:
    """The document's source text file: relative to the pack first, then the shipped texts."""
    if not doc.text:
        return None
    for candidate in (base_dir / doc.text, TEXTS_DIR / doc.text):
        if candidate.is_file():
            return candidate
    return None


def source_text(doc: S.Document, base_dir: Path, library: Library | None = None) -> str | None:
    """The document's source text: a file relative to the pack first (checked, not searched),
    then the library's document of that name (the shipped texts, plus a policy directory's
    when ``library`` has them). None when neither holds it or the file is not UTF-8."""
    if not doc.text:
        return None
    candidate = base_dir / doc.text
    if candidate.is_file():
        try:
            return candidate.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    found = (library or shipped_library()).find(doc.text)
    return found.text if found is not None else None


def discover_packs(extra_dir: Path) -> list[Path]:
    """The packs in a directory: every ``*.yaml`` file, every sub-directory with a pack.yaml."""
    out = []
    for entry in sorted(extra_dir.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix in (".yaml", ".yml"):
            out.append(entry)
        elif entry.is_dir() and (entry / "pack.yaml").is_file():
            out.append(entry)
    return out


def builtin_paths() -> list[Path]:
    """The built-in pack directories, in name order."""
    return sorted(p for p in BUILTIN_PACKS_DIR.iterdir() if p.is_dir() and (p / "pack.yaml").is_file())
