"""The policy library's and the pack linter's command line, dispatched by ``ipbot``:

    ipbot policy check [PATH ...] [--policy-dir DIR]
    ipbot policy add-document FILE.txt --title T --source S [--number N] [--issuer I]
          [--issued D] [--in-force-from D] [--in-force-to D] [--note N] [--policy-dir DIR]

``check`` exits with 1 when a pack (or the policy directory's library) has problems (listed
on stdout), 0 when every pack is good, and 2 for bad input (on stderr). ``add-document``
copies a text into ``DIR/texts/`` with its metadata file beside it (policy.texts.library),
so packs can cite it and SMEs can ask about it; it refuses a duplicate, a text that is not
UTF-8 or is empty, and a malformed field, with exit 2 and one line. Messages are bilingual,
for the pack's author.  ``ipbot eligibility`` words programme results, so it lives beside the renderer it
uses (``bot.cli_eligibility``); this module (not the engine) reads ``IPBOT_POLICY_DIR``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .catalog import discover_packs
from .check import check_pack, collect_cases
from .texts import TEXTS_FOLDER, DocumentMeta, LibraryError, load_library, metadata_yaml, read_policy_text

__all__ = ["ENV_POLICY_DIR", "UsageError", "Parser", "error_exit", "parse_or_exit", "policy_check_main",
           "policy_add_document_main"]

ENV_POLICY_DIR = "IPBOT_POLICY_DIR"


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the caller gets an exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


class UsageError(Exception):
    pass


def error_exit(prog: str, message: str) -> int:
    """Print ``message`` to stderr, each line after the program's name; exit code 2."""
    for line in str(message).splitlines() or [""]:
        print(f"{prog}: {line}", file=sys.stderr)
    return 2


def parse_or_exit(parser: Parser, argv: list[str], prog: str) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code: 2 for bad input (said on stderr), 0 after --help."""
    try:
        return parser.parse_args(argv)
    except UsageError as exc:
        return error_exit(prog, str(exc))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)


def policy_check_main(argv: list[str]) -> int:
    prog = "ipbot policy check"
    parser = Parser(prog=prog, description="检查政策包：结构、引文、自带测试、阈值覆盖 / validate policy packs")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="pack.yaml 所在目录或单个 YAML 文件")
    parser.add_argument("--policy-dir", default=os.environ.get(ENV_POLICY_DIR) or None, metavar="DIR",
                        help=f"未给 PATH 时检查该目录下的全部政策包（默认 ${ENV_POLICY_DIR}）")
    args = parse_or_exit(parser, argv, prog)
    if isinstance(args, int):
        return args
    paths = [Path(p) for p in args.paths]
    if not paths:
        if not args.policy_dir:
            return error_exit(prog, f"请给出 PATH 或 --policy-dir（或设置 {ENV_POLICY_DIR}）/ give a PATH or --policy-dir")
        d = Path(args.policy_dir)
        if not d.is_dir():
            return error_exit(prog, f"--policy-dir: 目录不存在 / no such directory: {d}")
        try:
            library = load_library(d)
        except LibraryError as exc:
            print(f"✗ {d / TEXTS_FOLDER}: {len(exc.problems)} 个问题 / problem{'s' if len(exc.problems) != 1 else ''}")
            for p in exc.problems:
                print(f"  - {p}")
            return 1
        paths = discover_packs(d)
        if library.added:
            print(f"✓ {d / TEXTS_FOLDER}: 政策库新增 {len(library.added)} 份文件 / {len(library.added)} added document"
                  f"{'s' if len(library.added) != 1 else ''}")
        if not paths:
            if library.added:
                return 0
            return error_exit(prog, f"--policy-dir: 目录中没有政策包 / no packs in {d}")
    missing = [p for p in paths if not p.exists()]
    if missing:
        return error_exit(prog, "\n".join(f"文件或目录不存在 / no such file or directory: {p}" for p in missing))
    status = 0
    for path in paths:
        problems = check_pack(path)
        if problems:
            status = 1
            print(f"✗ {path}: {len(problems)} 个问题 / problem{'s' if len(problems) != 1 else ''}")
            for p in problems:
                print(f"  - {p}")
        else:
            runs, _ = collect_cases(path)
            print(f"✓ {path}: 通过（{len(runs)} 个测试用例）/ OK ({len(runs)} cases)")
    return status


def policy_add_document_main(argv: list[str]) -> int:
    prog = "ipbot policy add-document"
    parser = Parser(prog=prog, description="把一份政策原文加入政策库（IPBOT_POLICY_DIR/texts）/ add a policy text to the library")
    parser.add_argument("file", metavar="FILE.txt", help="原文，UTF-8 纯文本，逐字照录 / the text, verbatim, UTF-8")
    parser.add_argument("--title", required=True, help="标题 / title")
    parser.add_argument("--source", required=True, help="来源：网址或说明 / where the text came from: a URL or a description")
    parser.add_argument("--number", default="", help="文号（没有则不填）/ document number, if it has one")
    parser.add_argument("--issuer", default="", help="发文机关（不知道则不填）/ issuer, if known")
    parser.add_argument("--issued", default="", metavar="YYYY-MM-DD", help="印发日期（不知道则不填）/ date issued, if known")
    parser.add_argument("--in-force-from", default="", metavar="YYYY-MM-DD", help="施行起始日（文本未写则不填）")
    parser.add_argument("--in-force-to", default="", metavar="YYYY-MM-DD", help="施行终止日（文本未写则不填）")
    parser.add_argument("--note", default="", help="说明，例如文本对日期的原话 / a note, e.g. what the text says about its dates")
    parser.add_argument("--policy-dir", default=os.environ.get(ENV_POLICY_DIR) or None, metavar="DIR",
                        help=f"政策目录（默认 ${ENV_POLICY_DIR}）/ the policy directory")
    args = parse_or_exit(parser, argv, prog)
    if isinstance(args, int):
        return args
    if not args.policy_dir:
        return error_exit(prog, f"请给出 --policy-dir 或设置 {ENV_POLICY_DIR} / give --policy-dir or set {ENV_POLICY_DIR}")
    root = Path(args.policy_dir).expanduser()
    if not root.is_dir():
        return error_exit(prog, f"--policy-dir: 目录不存在 / no such directory: {root}")
    source = Path(args.file).expanduser()
    if not source.is_file():
        return error_exit(prog, f"文件不存在 / no such file: {source}")
    doc_id = source.name[:-4] if source.name.endswith(".txt") else source.stem
    try:
        text = read_policy_text(source.read_bytes(), str(source))
        meta = DocumentMeta.model_validate({
            "number": args.number.strip(), "title": args.title, "issuer": args.issuer.strip(), "issued": args.issued,
            "in_force_from": args.in_force_from, "in_force_to": args.in_force_to, "source": args.source,
            "note": args.note.strip()})
        library = load_library(root)
    except LibraryError as exc:
        return error_exit(prog, "; ".join(exc.problems))
    except ValueError as exc:  # pydantic's ValidationError: name the option
        return error_exit(prog, "; ".join(_option_errors(exc)))
    folder = root / TEXTS_FOLDER
    clash = _duplicate(library, doc_id, meta, text, folder)
    if clash:
        return error_exit(prog, clash)
    folder.mkdir(exist_ok=True)
    target, meta_file = folder / f"{doc_id}.txt", folder / f"{doc_id}.yaml"
    target.write_text(text, encoding="utf-8")
    meta_file.write_text(metadata_yaml(meta), encoding="utf-8")
    print(f"✓ 已加入政策库 / added to the library: {target} + {meta_file.name}（{meta.number or meta.title}）")
    print(f"  政策包中引用 / cite it in a pack as: text: {target.name}")
    return 0


def _option_errors(exc: ValueError) -> list[str]:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return [str(exc)]
    out = []
    for e in errors():
        loc = e.get("loc", ())
        field = "--" + ".".join(str(x) for x in loc).replace("_", "-") if loc else "--in-force-from/--in-force-to"
        out.append(f"{field}: {str(e.get('msg', '')).removeprefix('Value error, ')}")
    return out


def _duplicate(library, doc_id: str, meta: DocumentMeta, text: str, folder: Path) -> str | None:
    """Why the document is already there (same name, same 文号 or the same text), or None."""
    same = library.get(doc_id)
    if same is not None or (folder / f"{doc_id}.yaml").exists():
        where = same.where if same is not None else str(folder / f"{doc_id}.yaml")
        return f"政策库已有同名文件 / the library already has a document named {doc_id!r}: {where}"
    body = "".join(text.split())
    for doc in library:
        if meta.number and doc.number == meta.number:
            return f"政策库已有文号为 {meta.number} 的文件 / the library already has {meta.number}: {doc.where}"
        if "".join(doc.text.split()) == body:
            return f"政策库已有相同原文 / the library already holds this text: {doc.where}"
    return None
