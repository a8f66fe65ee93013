"""The workbook safety gate: every bad input becomes one clear UnusableInput line.

Fixtures live in tests/fixtures/bad/ and are made by tests/fixtures/bad/make_fixtures.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.core.errors import MapgenError, UnusableInput
from mapgen.formats.xlsx import safety
from mapgen.formats.xlsx.book import open_workbook
from mapgen.formats.xlsx.safety import (
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_RATIO,
    MAX_ROWS_PER_SHEET,
    MAX_UNCOMPRESSED_BYTES,
    check_workbook_file,
)

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
VALID = BAD / "valid.xlsx"

# fixture file -> words its message must contain (case-insensitive)
CASES: dict[str, tuple[str, ...]] = {
    "empty.xlsx": ("the file is empty",),
    "encrypted.xlsx": ("password-protected", "remove the password", "save again"),
    "legacy_word.doc": ("word document", "not a workbook"),
    "word_renamed.xlsx": ("is a word document, not a workbook",),
    "export.csv": ("not an excel workbook", "csv"),
    "notes.txt": ("not an excel workbook", "text"),
    "page_export.xls": ("html",),
    "image.xlsx": ("not an excel workbook",),
    "truncated.xlsx": ("damaged", "truncated or corrupt zip", "fresh copy"),
    "corrupt_crc.xlsx": ("damaged", "crc", "fresh copy"),
    "plain_zip.xlsx": ("not an excel workbook", "xl/workbook.xml"),
    "no_content_types.xlsx": ("not an excel workbook", "[content_types].xml"),
    "bomb_total.xlsx": ("too large to read safely", "300 mb uncompressed", "limit 200 mb"),
    "bomb_ratio.xlsx": ("zip bomb", "xl/media/image1.bin"),
    "billion_laughs_workbook.xlsx": ("unsafe xml", "xl/workbook.xml"),
    "billion_laughs_sheet.xlsx": ("unsafe xml", "xl/worksheets/sheet1.xml"),
    "xxe_sheet.xlsx": ("unsafe xml",),
    "missing_sheet.xlsx": ("damaged", "sheet 'plan'", "xl/worksheets/sheet1.xml"),
    "broken_xml.xlsx": ("damaged", "xl/workbook.xml is not well-formed xml (line 1, column 39)",
                        "open it in excel or libreoffice and save it again"),
}
# pass the check (mapgen read reads them, through calamine), but are no openpyxl workbook
LOAD_FAILURES: dict[str, tuple[str, ...]] = {
    "legacy.xls": ("old-style .xls", "save it as .xlsx"),
    "calc.ods": ("opendocument spreadsheet (.ods)", "save it as .xlsx"),
    "binary.xlsb": (".xlsb", "save it as .xlsx"),
}
KINDS = {"legacy.xls": "xls", "calc.ods": "ods", "binary.xlsb": "xlsb"}
ALL_BAD = {**CASES, **LOAD_FAILURES}


def message(excinfo: pytest.ExceptionInfo) -> str:
    return str(excinfo.value)


def assert_one_line(text: str, path: Path | str) -> None:
    assert str(path) in text, text
    assert "\n" not in text and "\r" not in text, text
    assert "Traceback" not in text


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_all_fixtures_are_small_and_listed():
    files = {p.name for p in BAD.iterdir() if p.is_file() and p.suffix != ".py"}
    assert files == {*ALL_BAD, "valid.xlsx"}
    for name in files:
        assert (BAD / name).stat().st_size < 1 << 20, name


# --------------------------------------------------------------------------- the good case


def test_valid_workbook_passes_and_opens():
    assert check_workbook_file(VALID) == "xlsx"
    wb = open_workbook(VALID)
    try:
        assert wb.sheetnames == ["Plan", "Notes"]
        rows = list(wb["Plan"].iter_rows(values_only=True))
        assert rows[0] == ("Step", "Owner", "Due", "Status")
        assert rows[2][:2] == ("Security review", "Bob")
    finally:
        wb.close()


def test_valid_workbook_opens_in_write_mode_without_data_only():
    wb = open_workbook(str(VALID), read_only=False, data_only=False)
    assert wb["Notes"]["A1"].value == "Notes go here"


def test_content_decides_not_the_extension(tmp_path):
    odd = tmp_path / "plan.dat"
    shutil.copyfile(VALID, odd)
    check_workbook_file(odd)
    assert open_workbook(odd).sheetnames == ["Plan", "Notes"]


def test_limits_are_exported():
    assert MAX_FILE_BYTES == 50 * 1024 * 1024
    assert MAX_UNCOMPRESSED_BYTES == 200 * 1024 * 1024
    assert MAX_RATIO == 200
    assert MAX_CELLS == 2_000_000
    assert MAX_ROWS_PER_SHEET == 100_000


# --------------------------------------------------------------------------- every bad fixture


def _refused(gate, path: Path, words) -> None:
    """``gate`` refuses ``path`` in one line naming it, with each of ``words``."""
    with pytest.raises(UnusableInput) as excinfo:
        gate(path)
    text = message(excinfo)
    assert_one_line(text, path)
    for word in words:
        assert word in text.lower(), f"{word!r} not in {text!r}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_fixture_rejected_by_check(name):
    _refused(check_workbook_file, BAD / name, CASES[name])


@pytest.mark.parametrize("name", sorted(ALL_BAD))
def test_bad_fixture_rejected_by_open(name):
    _refused(open_workbook, BAD / name, ALL_BAD[name])


@pytest.mark.parametrize("name", sorted(LOAD_FAILURES))
def test_other_formats_pass_the_check_with_their_kind(name):
    assert check_workbook_file(BAD / name) == KINDS[name]


@pytest.mark.parametrize("name", sorted({*ALL_BAD, "valid.xlsx"}))
def test_files_are_never_modified(name, tmp_path):
    path = tmp_path / name
    shutil.copy2(BAD / name, path)
    before = snapshot(path)
    for fn in (check_workbook_file, open_workbook):
        try:
            fn(path)
        except UnusableInput:
            pass
    assert snapshot(path) == before


# --------------------------------------------------------------------------- the file itself


def test_missing_file(tmp_path):
    path = tmp_path / "report.xlsx"
    for fn in (check_workbook_file, open_workbook):
        with pytest.raises(UnusableInput) as excinfo:
            fn(path)
        assert message(excinfo) == f"{path}: no such file"


def test_missing_parent_is_no_such_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(UnusableInput, match="no such file"):
        check_workbook_file(tmp_path / "afile" / "report.xlsx")


def test_directory(tmp_path):
    folder = tmp_path / "report.xlsx"
    folder.mkdir()
    for fn in (check_workbook_file, open_workbook):
        with pytest.raises(UnusableInput, match="is a folder") as excinfo:
            fn(folder)
        assert_one_line(message(excinfo), folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX fifos")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(UnusableInput, match="not a regular file"):
        check_workbook_file(fifo)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable(tmp_path):
    path = tmp_path / "secret.xlsx"
    shutil.copyfile(VALID, path)
    path.chmod(0)
    try:
        with pytest.raises(UnusableInput, match="permission denied") as excinfo:
            check_workbook_file(path)
        assert_one_line(message(excinfo), path)
    finally:
        path.chmod(0o644)


def test_permission_denied(tmp_path, monkeypatch):
    """Simulated, so it also runs as root."""
    path = tmp_path / "secret.xlsx"
    shutil.copyfile(VALID, path)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    for fn in (check_workbook_file, open_workbook):
        with pytest.raises(UnusableInput) as excinfo:
            fn(path)
        assert message(excinfo) == f"{path}: cannot be read (permission denied); check the file's permissions"


def test_file_too_large_on_disk(tmp_path):
    big = tmp_path / "huge.xlsx"
    with big.open("wb") as fh:  # sparse: costs no disk space
        fh.write(VALID.read_bytes())
        fh.truncate(MAX_FILE_BYTES + 1)
    for fn in (check_workbook_file, open_workbook):
        with pytest.raises(UnusableInput) as excinfo:
            fn(big)
        expected = "too large to read safely (52,428,801 bytes on disk; limit 52,428,800 bytes)"
        assert expected in message(excinfo)


def test_file_limit_is_configurable():
    with pytest.raises(UnusableInput, match="on disk; limit 1 KB"):
        check_workbook_file(VALID, max_file_bytes=1024)
    check_workbook_file(VALID, max_file_bytes=VALID.stat().st_size)


def test_control_characters_in_the_name_stay_on_one_line(tmp_path):
    path = tmp_path / "line1\nline2.xlsx"
    with pytest.raises(UnusableInput) as excinfo:
        check_workbook_file(path)
    text = message(excinfo)
    assert "\n" not in text
    assert "line1?line2.xlsx: no such file" in text


# --------------------------------------------------------------------------- zip bombs


def test_total_uncompressed_limit_is_configurable():
    with pytest.raises(UnusableInput, match=r"too large to read safely \(.* uncompressed; limit 1 KB\)"):
        check_workbook_file(VALID, max_uncompressed=1024)


def test_ratio_limit_is_configurable():
    check_workbook_file(BAD / "bomb_ratio.xlsx", max_ratio=5000)
    with pytest.raises(UnusableInput, match="zip bomb"):
        check_workbook_file(BAD / "bomb_ratio.xlsx", max_ratio=500)


def test_small_members_are_not_ratio_checked(tmp_path):
    """A 1 MiB run of zeros compresses ~1000:1 but is under the 1 MiB threshold."""
    path = tmp_path / "padded.xlsx"
    shutil.copyfile(VALID, path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/media/pad.bin", bytes(1 << 20), compress_type=zipfile.ZIP_DEFLATED)
    check_workbook_file(path)


def test_too_many_members(tmp_path):
    path = tmp_path / "many.xlsx"
    shutil.copyfile(VALID, path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_STORED) as zf:
        for i in range(10_001):
            zf.writestr(f"x/{i}", b"")
    for fn in (check_workbook_file, open_workbook):
        with pytest.raises(UnusableInput, match=r"\(10,0\d\d zip entries; limit 10,000\)"):
            fn(path)


def test_deflate_bomb_generated_at_test_time(tmp_path):
    """A classic deflate bomb: 210 MB of zeros stored in about 200 KB."""
    path = tmp_path / "bomb.xlsx"
    shutil.copyfile(VALID, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/media/zeros.bin", "w") as fh:
        block = bytes(1 << 20)
        for _ in range(210):
            fh.write(block)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(UnusableInput, match=r"\(210 MB uncompressed; limit 200 MB\)"):
        open_workbook(path)


# --------------------------------------------------------------------------- unsafe XML


def _with_member(tmp_path: Path, member: str, data: bytes) -> Path:
    """valid.xlsx with one member replaced."""
    path = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(VALID) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == member else src.read(info))
    return path


def test_utf16_doctype_is_caught(tmp_path):
    with zipfile.ZipFile(VALID) as zf:
        xml = zf.read("xl/workbook.xml").decode("utf-8")
    if xml.startswith("<?xml"):
        xml = xml[xml.index("?>") + 2 :]
    xml = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml
    path = _with_member(tmp_path, "xl/workbook.xml", "\ufeff".encode("utf-16-le") + xml.encode("utf-16-le"))
    with pytest.raises(UnusableInput, match=r"unsafe XML in 'xl/workbook\.xml'"):
        check_workbook_file(path)


UNSAFE_PROLOGS = [
    b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<!-- caf\xc3\xa9 -->\n<!DOCTYPE x><x/>',
    b"\xef\xbb\xbf  <?xml version='1.0'?><!DOCTYPE x SYSTEM 'file:///etc/passwd'><x/>",
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16"),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-be"),
    ' <!DOCTYPE x><x/>'.encode("utf-16-le"),
    '<!DOCTYPE x><x/>'.encode("utf-32-le"),
]


@pytest.mark.parametrize("doc", UNSAFE_PROLOGS)
def test_prolog_scan_never_calls_a_prefix_safe(doc):
    """Whatever prefix the scanner sees first, it either waits for more or says unsafe."""
    for cut in range(len(doc)):
        decided, reason = safety._prolog_verdict(doc[:cut], eof=False)
        assert not decided or reason, (cut, doc[:cut])
    assert safety._prolog_verdict(doc, eof=True)[1]


@pytest.mark.parametrize(
    "doc",
    [b"", b"\x89PNG\r\n", b'<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment> --><x/>',
     b"<x><![CDATA[<!DOCTYPE x>]]></x>", '<?xml version="1.0" encoding="UTF-16"?><x/>'.encode("utf-16")],
)
def test_prolog_scan_accepts_ordinary_content(doc):
    assert safety._prolog_verdict(doc, eof=True) == (True, None)


def test_doctype_after_a_comment_is_caught(tmp_path):
    xml = b'<?xml version="1.0"?>\n<!-- hello -->\n<?pi x?>\n<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>'
    path = _with_member(tmp_path, "xl/styles.xml", xml)
    with pytest.raises(UnusableInput, match=r"unsafe XML in 'xl/styles\.xml'"):
        check_workbook_file(path)


def test_unusual_xml_encoding_is_refused(tmp_path):
    xml = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<x/>'
    path = _with_member(tmp_path, "xl/styles.xml", xml)
    with pytest.raises(UnusableInput, match=r"unsafe XML.*encoding 'UTF-7'"):
        check_workbook_file(path)


def test_doctype_text_inside_content_is_fine(tmp_path):
    """Only a real DTD counts: the words in a cell value are harmless."""
    from openpyxl import load_workbook

    wb = load_workbook(VALID)
    wb["Notes"]["A2"] = '<!DOCTYPE lolz [<!ENTITY lol "lol">]>'
    path = tmp_path / "words.xlsx"
    wb.save(path)
    rows = list(open_workbook(path)["Notes"].iter_rows(values_only=True))
    assert rows[1][0].startswith("<!DOCTYPE")


@pytest.mark.parametrize(
    "name", ["billion_laughs_sheet.xlsx", "xxe_sheet.xlsx", "billion_laughs_workbook.xlsx"]
)
@pytest.mark.parametrize("read_only", [True, False])
def test_openpyxl_layer_also_refuses_entities(name, read_only, monkeypatch):
    """Defence in depth: with our DTD scan switched off, openpyxl's own (defused) parsing is mapped too."""
    monkeypatch.setattr(safety, "_check_members", lambda *args, **kwargs: None)
    with pytest.raises(UnusableInput) as excinfo:
        wb = open_workbook(BAD / name, read_only=read_only)
        for ws in wb.worksheets:
            with safety.workbook_errors(BAD / name):
                list(ws.iter_rows(values_only=True))
    text = message(excinfo)
    assert_one_line(text, BAD / name)
    if name != "billion_laughs_workbook.xlsx":  # that one is parsed by lxml, whose wording varies
        assert "unsafe XML" in text


def test_defusedxml_is_required():
    code = (
        "from mapgen.formats.xlsx.book import open_workbook\n"
        "from mapgen.core.errors import MapgenError\n"
        "try:\n"
        f"    open_workbook({str(VALID)!r})\n"
        "except MapgenError as exc:\n"
        "    print('REFUSED', exc)\n"
    )
    env = {**os.environ, "OPENPYXL_DEFUSEDXML": "False"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("REFUSED cannot read workbooks safely"), out.stdout
    assert "defusedxml" in out.stdout


def test_import_is_cheap():
    code = ("import sys, mapgen.formats.xlsx.safety; "
            "print('openpyxl' in sys.modules, 'defusedxml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"], out.stderr


# --------------------------------------------------------------------------- nothing else escapes


def test_workbook_errors_maps_library_exceptions():
    expected = (r"^x\.xlsx: the workbook could not be read: it refers to an entry that does not exist; "
                "open it in Excel or LibreOffice and save it again$")
    with pytest.raises(UnusableInput, match=expected), safety.workbook_errors("x.xlsx"):
        raise KeyError("boom")
    with pytest.raises(UnusableInput, match="damaged"), safety.workbook_errors("x.xlsx"):
        raise zipfile.BadZipFile("Bad CRC-32")
    with pytest.raises(UnusableInput, match="out of memory"), safety.workbook_errors("x.xlsx"):
        raise MemoryError
    with pytest.raises(MapgenError, match=r"^kept$"), safety.workbook_errors("x.xlsx"):
        raise MapgenError("kept")


_VALID_BYTES = VALID.read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=1, max_value=len(_VALID_BYTES)),
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(_VALID_BYTES) - 1), st.integers(1, 255)), max_size=4
    ),
)
def test_mangled_workbooks_never_raise_anything_else(tmp_path, cut, flips):
    data = bytearray(_VALID_BYTES)
    for at, xor in flips:
        data[at] ^= xor
    path = tmp_path / "mangled.xlsx"
    path.write_bytes(bytes(data[:cut]))
    try:
        wb = open_workbook(path)
        for ws in wb.worksheets:
            with safety.workbook_errors(path):
                list(ws.iter_rows(values_only=True))
    except UnusableInput as exc:
        assert_one_line(str(exc), path)


def test_name_in_message_is_the_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnusableInput, match=r"^nope\.xlsx: no such file$"):
        check_workbook_file("nope.xlsx")
    with pytest.raises(UnusableInput, match=r"^sub/nope\.xlsx: no such file$"):
        open_workbook(Path("sub") / "nope.xlsx")
