"""The policy library as data: texts with metadata files, shipped and added under IPBOT_POLICY_DIR
the same way; `ipbot policy add-document`; `ipbot policy check` against the library."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import policy
from bot.cli import main as ipbot
from policy.check import check_pack
from policy.cli import policy_add_document_main, policy_check_main
from policy.texts import METADATA_FIELDS, LibraryError, load_library, metadata_yaml, read_metadata, shipped_library

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "policy-dir"
SHIPPED = Path(policy.__file__).parent / "texts"

TEXT = "示例文件（测试用）\n一、对通过测试认证的企业给予奖励。\n"


def run(fn, argv, capsys):
    code = fn(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def example_dir(tmp_path) -> Path:
    """A copy of docs/examples/policy-dir (tests write into it)."""
    dest = tmp_path / "policy-dir"
    shutil.copytree(EXAMPLE, dest)
    return dest


def _write(folder: Path, stem: str, text: str | bytes = TEXT, meta: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if meta is not None:
        (folder / f"{stem}.yaml").write_text(meta, encoding="utf-8")


GOOD_META = "title: 测试文件\nsource: 单元测试\n"


# --------------------------------------------------------------------------- the shipped five


def test_every_shipped_text_has_its_metadata_and_no_title_is_in_code():
    docs = list(shipped_library())
    assert [d.file for d in docs] == sorted(p.name for p in SHIPPED.glob("*.txt"))
    assert len(docs) == 5
    assert {p.stem for p in SHIPPED.glob("*.yaml")} == {d.id for d in docs}
    code = (SHIPPED / "__init__.py").read_text(encoding="utf-8") + (SHIPPED / "library.py").read_text(encoding="utf-8")
    for doc in docs:
        assert doc.title not in code and (not doc.number or doc.number not in code)
        assert doc.meta.source and not doc.added
    by_id = {d.id: d for d in docs}
    county = by_id["001_bb17abadfc902431"]
    assert (county.number, county.meta.issuer, county.meta.issued) == ("", "", None)  # the text gives none
    assert by_id["002_00e0f4675e6c9239"].meta.issued == date(2021, 12, 24)


def _said(text: str, day: date) -> bool:
    """The text states this day ("2018年5月30日", "2021 年 12 月 24 日" or "2022-10-24")."""
    flat = re.sub(r"\s+", "", text)
    return f"{day.year}年{day.month}月{day.day}日" in flat or day.isoformat() in flat


def test_no_shipped_date_is_invented():
    """Every date in the shipped metadata is one the text states; a date it does not give is empty."""
    for doc in shipped_library():
        for field in ("issued", "in_force_from", "in_force_to"):
            day = getattr(doc.meta, field)
            assert day is None or _said(doc.text, day), (doc.file, field, day)
        if doc.meta.in_force_from is None or doc.meta.issued is None:
            assert doc.meta.note, doc.file  # says what the text does state


def test_metadata_written_back_reads_the_same():
    for doc in shipped_library():
        assert read_metadata(metadata_yaml(doc.meta), "x.yaml") == doc.meta
        assert [line.split(":")[0] for line in metadata_yaml(doc.meta).splitlines()[1:]] == list(METADATA_FIELDS)


# --------------------------------------------------------------------------- a policy directory


def test_a_policy_dir_adds_its_documents_to_the_shipped_ones(example_dir):
    library = load_library(example_dir)
    assert [d.id for d in library][:5] == [d.id for d in shipped_library()]
    added = library.added
    assert [d.id for d in added] == ["example-trademark-international"]
    doc = added[0]
    assert doc.number == "" and "示例" in doc.title and "示例文件" in doc.text
    assert library.find("example-trademark-international.txt") is doc and library.find("texts/x/example-trademark-international.txt") is doc
    assert load_library(None).added == () and load_library(example_dir.parent).added == ()  # no texts/ folder


@pytest.mark.parametrize("meta, needles", [
    ("title: 测试文件\nsource: 单元测试\nissued: 2021-13-01\n", ["bad.yaml", "issued", "YYYY-MM-DD"]),
    ("title: 测试文件\nsource: 单元测试\nin_force_from: 2024-01-01\nin_force_to: 2023-01-01\n", ["bad.yaml", "in_force_to"]),
    ("title: 测试文件\nsource: 单元测试\nnumbr: x\n", ["bad.yaml", "numbr", "unknown field"]),
    ("source: 单元测试\n", ["bad.yaml", "title", "field required"]),
    ("title: ''\nsource: 单元测试\n", ["bad.yaml", "title", "must not be empty"]),
    ("title: [unclosed\n", ["bad.yaml", "invalid YAML"]),
    ("- a list\n", ["bad.yaml", "mapping"]),
])
def test_malformed_metadata_names_the_file_and_the_field(tmp_path, meta, needles):
    _write(tmp_path / "texts", "bad", meta=meta)
    with pytest.raises(LibraryError) as exc:
        load_library(tmp_path)
    message = str(exc.value)
    for needle in needles:
        assert needle in message, message


@pytest.mark.parametrize("text, meta, needles", [
    (TEXT, None, ["doc.txt", "no metadata file doc.yaml"]),
    ("中文".encode("gbk"), GOOD_META, ["doc.txt", "not UTF-8"]),
    ("  \n", GOOD_META, ["doc.txt", "empty"]),
])
def test_a_text_without_metadata_or_not_utf8_or_empty_is_refused(tmp_path, text, meta, needles):
    _write(tmp_path / "texts", "doc", text, meta)
    with pytest.raises(LibraryError) as exc:
        load_library(tmp_path)
    for needle in needles:
        assert needle in str(exc.value)


def test_metadata_without_text_and_a_shipped_name_are_refused(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "orphan.yaml").write_text(GOOD_META, encoding="utf-8")
    _write(folder, "000_94898abcd3045e73", meta=GOOD_META)
    with pytest.raises(LibraryError) as exc:
        load_library(tmp_path)
    assert "orphan.yaml" in str(exc.value) and "no text file orphan.txt" in str(exc.value)
    assert "already has a document '000_94898abcd3045e73'" in str(exc.value)


# --------------------------------------------------------------------------- ipbot policy add-document


def _add(tmp_path, capsys, *extra: str, name: str = "new-rules.txt", text: str | bytes = TEXT):
    source = tmp_path / "incoming" / name
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    argv = [str(source), "--title", "测试奖励办法", "--source", "https://example.org/test", "--issuer", "测试机关",
            "--issued", "2026-03-01", "--policy-dir", str(tmp_path / "dir"), *extra]
    return run(policy_add_document_main, argv, capsys)


def test_add_document_writes_the_text_and_its_metadata(tmp_path, capsys):
    (tmp_path / "dir").mkdir()
    code, out, err = _add(tmp_path, capsys, "--number", "测试〔0000〕0号", "--in-force-from", "2026-04-01")
    assert code == 0 and err == "", err
    assert "new-rules.txt" in out and "text: new-rules.txt" in out
    doc = load_library(tmp_path / "dir").get("new-rules")
    assert doc is not None and doc.added and doc.text == TEXT
    assert (doc.number, doc.title, doc.meta.issuer, doc.meta.issued) == ("测试〔0000〕0号", "测试奖励办法", "测试机关", date(2026, 3, 1))
    assert (doc.meta.in_force_from, doc.meta.in_force_to, doc.meta.source) == (date(2026, 4, 1), None, "https://example.org/test")


@pytest.mark.parametrize("extra, kwargs, needle", [
    ((), {"text": "中文".encode("gbk")}, "not UTF-8"),
    ((), {"text": "\n \n"}, "empty"),
    (("--in-force-to", "2026-02-30"), {}, "--in-force-to"),
    (("--in-force-from", "2027-01-01", "--in-force-to", "2026-01-01"), {}, "in_force_to is before"),
    (("--title", " "), {}, "--title"),
])
def test_add_document_refuses_bad_input_with_exit_2_and_one_line(tmp_path, capsys, extra, kwargs, needle):
    (tmp_path / "dir").mkdir()
    code, out, err = _add(tmp_path, capsys, *extra, **kwargs)
    assert code == 2 and out == "" and needle in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "dir" / "texts").exists() or not any((tmp_path / "dir" / "texts").iterdir())


def test_add_document_refuses_a_duplicate(tmp_path, capsys):
    (tmp_path / "dir").mkdir()
    assert _add(tmp_path, capsys)[0] == 0
    for name, text, extra, needle in [
        ("new-rules.txt", "另一份文本\n", (), "already has a document named 'new-rules'"),
        ("copy.txt", TEXT, (), "already holds this text"),
        ("000_94898abcd3045e73.txt", "另一份文本\n", (), "already has a document named"),
        ("other.txt", "另一份文本\n", ("--number", "苏知发〔2018〕86号"), "already has 苏知发〔2018〕86号"),
    ]:
        code, out, err = _add(tmp_path, capsys, *extra, name=name, text=text)
        assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, (name, err)
    assert [d.id for d in load_library(tmp_path / "dir").added] == ["new-rules"]


def test_add_document_needs_a_policy_dir(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("IPBOT_POLICY_DIR", raising=False)
    source = tmp_path / "a.txt"
    source.write_text(TEXT, encoding="utf-8")
    code, _, err = run(policy_add_document_main, [str(source), "--title", "t", "--source", "s"], capsys)
    assert code == 2 and "--policy-dir" in err
    code, _, err = run(policy_add_document_main, [str(source), "--title", "t", "--source", "s", "--policy-dir",
                                                  str(tmp_path / "nope")], capsys)
    assert code == 2 and "no such directory" in err
    code, _, err = run(policy_add_document_main, [str(source), "--source", "s", "--policy-dir", str(tmp_path)], capsys)
    assert code == 2 and "--title" in err


def test_ipbot_dispatches_add_document(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("IPBOT_POLICY_DIR", str(tmp_path))
    source = tmp_path / "rules.txt"
    source.write_text(TEXT, encoding="utf-8")
    code = ipbot(["policy", "add-document", str(source), "--title", "测试", "--source", "测试"])
    assert code == 0 and (tmp_path / "texts" / "rules.yaml").is_file()
    assert "rules" in load_library(tmp_path)


# --------------------------------------------------------------------------- ipbot policy check against the library


def test_the_example_policy_dir_passes_the_check(capsys):
    code, out, err = run(policy_check_main, ["--policy-dir", str(EXAMPLE)], capsys)
    assert code == 0, out + err
    assert "1 added document" in out and "example-demo-city: 通过（4 个测试用例）" in out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_check_fails_when_a_citation_names_a_document_the_library_lacks(example_dir, capsys):
    (example_dir / "texts" / "example-trademark-international.txt").unlink()
    (example_dir / "texts" / "example-trademark-international.yaml").unlink()
    code, out, _ = run(policy_check_main, ["--policy-dir", str(example_dir)], capsys)
    assert code == 1
    pack = str(example_dir / "example-demo-city" / "pack.yaml")
    line = next(x for x in out.splitlines() if "cites a document the policy library does not hold" in x)
    assert pack in line and "example-trademark-international-grant" in line
    assert "example-trademark-international-grant.citation example-trademark-international 二(一)" in line
    assert "example-trademark-international.txt 不在政策库中" in out


def test_check_fails_when_a_quote_is_not_verbatim_in_the_library(example_dir, capsys):
    pack = example_dir / "example-demo-city" / "pack.yaml"
    _edit(pack, "quote: 已在指定国家获得核准注册}", "quote: 已在指定国家获得核准}")  # still verbatim: passes
    assert run(policy_check_main, [str(example_dir / "example-demo-city")], capsys)[0] == 0
    _edit(pack, "quote: 已在指定国家获得核准}", "quote: 已在指定国家 获得\n  核准}")  # whitespace only: passes
    assert check_pack(example_dir / "example-demo-city") == []
    _edit(pack, "quote: 已在指定国家 获得\n  核准}", "quote: 已在任一国家获得核准}")
    code, out, _ = run(policy_check_main, [str(example_dir / "example-demo-city")], capsys)
    assert code == 1
    assert f"{pack}: example-trademark-international-grant:example-madrid-granted: 引文不在原文中" in out


def test_check_fails_when_the_library_text_differs_or_the_number_disagrees(example_dir, capsys):
    text = example_dir / "texts" / "example-trademark-international.txt"
    _edit(text, "同一件商标在同一指定国家只资助一次。", "同一件商标只资助一次。")
    problems = check_pack(example_dir / "example-demo-city")
    assert any("二(二): 引文不在原文中" in p for p in problems), problems
    _edit(text, "同一件商标只资助一次。", "同一件商标在同一指定国家只资助一次。")
    _edit(example_dir / "example-demo-city" / "pack.yaml", "  - id: example-trademark-international\n",
          "  - id: example-trademark-international\n    number: 测试〔0000〕1号\n")
    problems = check_pack(example_dir / "example-demo-city")
    assert any("文号“测试〔0000〕1号”与政策库中 example-trademark-international.txt 的文号“”不符" in p for p in problems), problems


def test_check_names_a_malformed_library_file(example_dir, capsys):
    _edit(example_dir / "texts" / "example-trademark-international.yaml", "in_force_to: 2030-12-31", "in_force_to: 2030-12")
    code, out, _ = run(policy_check_main, ["--policy-dir", str(example_dir)], capsys)
    assert code == 1 and "example-trademark-international.yaml: in_force_to:" in out
    assert any("in_force_to" in p for p in check_pack(example_dir / "example-demo-city"))


def test_a_programme_clauses_list_must_name_clauses_of_its_document(example_dir, capsys):
    _edit(example_dir / "example-demo-city" / "pack.yaml", "clauses: [一, 二(二)]", "clauses: [一, 二(三)]")
    code, out, _ = run(policy_check_main, [str(example_dir / "example-demo-city")], capsys)
    assert code == 1 and "example-trademark-international-grant.clauses[1]" in out and "'二(三)'" in out


def test_a_command_with_a_malformed_policy_dir_names_the_file_and_field_without_a_traceback(example_dir, capsys,
                                                                                          monkeypatch):
    _edit(example_dir / "texts" / "example-trademark-international.yaml", "in_force_to: 2030-12-31", "in_force_to: 2030-12")
    monkeypatch.setenv("IPBOT_POLICY_DIR", str(example_dir))
    code = ipbot(["--db", str(example_dir / "x.db"), "digest", "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "ipbot: " + str(example_dir / "texts" / "example-trademark-international.yaml") + ": in_force_to: " in err
