"""Real workbooks through ``mapgen read``: read what Excel reads, or refuse in one plain line.

Fixtures are in tests/fixtures/bad/real/ (made by tests/fixtures/bad/make_fixtures.py from a
generated MAP workbook), beside the older bad-input fixtures in tests/fixtures/bad/.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from mapgen.cli import main
from mapgen.core.errors import UnusableInput
from mapgen.formats.xlsx import book as book_module
from mapgen.formats.xlsx import reader
from mapgen.formats.xlsx.reader import read_workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = FIXTURES / "bad"
REAL = BAD / "real"
PLAN = REAL / "plan.xlsx"

# Library words that must never reach the user
LEAKS = re.compile(r"Traceback|site-packages|openpyxl|calamine|\.py\b|\b[A-Z]\w*(Error|Exception|Warning)\b|"
                   r"<class ")

# read as the plan they hold: the same rows as the workbook mapgen wrote
SAME_AS_PLAN = ["shared_strings.xlsx", "backslashes.xlsx", "moved_workbook.xlsx", "cased_parts.xlsx",
                "no_shared_strings.xlsx", "strict.xlsx", "nameless_style.xlsx",
                "style_index_out_of_range.xlsx", "megabyte_headers.xlsx", "plan.ods", "plan.xls"]

# refused: exit 2 and exactly this line after "Error: <path>: "
REFUSED = {
    "broken_sheet.xlsx": "the workbook is damaged: xl/worksheets/sheet3.xml is not well-formed XML "
                         "(line 1, column 4028); open it in Excel or LibreOffice and save it again",
    "amplification.xlsx": "the workbook holds too much text to read safely (more than 10,000,000 "
                          "characters of cell text, a shared text counted each time a cell uses it; "
                          "limit 10,000,000)",
    "excel4.xls": "this is an old-style .xls workbook (Excel 4 or older); open it in Excel or "
                  "LibreOffice and save it as .xlsx",
    "flat.fods": "is a flat OpenDocument spreadsheet (.fods), which mapgen does not read; open it in "
                 "LibreOffice and save it as .ods or .xlsx",
    "far_corner.xls": "the Excel 97-2003 workbook (.xls) is too large to read safely (reading it needs "
                      "more than 200 MB of memory; limit 200 MB)",
    "far_corner.ods": "the OpenDocument spreadsheet (.ods) is too large to read safely (reading it needs "
                      "more than 200 MB of memory; limit 200 MB)",
}


def read_cli(runner, *args: str):
    return runner.invoke(main, ["read", *map(str, args)])


def error_line(result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def expected() -> dict:
    return read_workbook(PLAN).to_data()["sections"]


# --------------------------------------------------------------------------- what Excel reads, read


@pytest.mark.parametrize("name", SAME_AS_PLAN)
def test_workbooks_excel_opens_are_read(runner, name, expected):
    result = read_cli(runner, REAL / name)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["sections"] == expected
    assert not LEAKS.search(result.stderr), result.stderr


def test_strict_open_xml_is_read_with_its_deal_facts():
    """Strict is read (namespaces mapped), metadata and all: not a workbook without sheets."""
    strict, plain = read_workbook(REAL / "strict.xlsx"), read_workbook(PLAN)
    assert strict.to_data() == plain.to_data() | {"issues": strict.to_data()["issues"]}
    assert strict.deal["buyer"] == "Contoso"
    assert not strict.issues


def test_other_formats_have_no_formulas_but_the_same_rows(expected):
    for name in ("plan.ods", "plan.xls"):
        plan = read_workbook(REAL / name)
        assert plan.to_data()["sections"] == expected, name
        assert plan.deal["buyer"] == "Contoso", name  # LibreOffice kept the metadata sheet


def test_a_string_index_past_the_table_reads_as_empty_with_a_warning(runner):
    result = read_cli(runner, REAL / "string_index_out_of_range.xlsx")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    [issue] = data["issues"]
    assert issue["code"] == "damaged-workbook" and issue["severity"] == "warning"
    assert "1 cells refer to shared text that xl/sharedStrings.xml does not hold" in issue["message"]


def test_a_date_past_the_calendar_is_a_cell_error_not_a_library_warning(runner):
    result = read_cli(runner, REAL / "date_out_of_range.xlsx")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [i["cell"] for i in data["issues"]] == ["E7"]
    assert "#VALUE!" in data["issues"][0]["message"]
    assert not LEAKS.search(result.stderr), result.stderr


# --------------------------------------------------------------------------- refused in one line


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_in_one_plain_line(runner, name, tmp_path):
    out = tmp_path / "plan.json"
    result = read_cli(runner, REAL / name, "--out", out)
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {REAL / name}: {REFUSED[name]}"
    assert result.stdout == "" and not out.exists()


def test_not_a_map_workbook_names_the_sections_looked_for(runner):
    result = read_cli(runner, BAD / "valid.xlsx")
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith(f"Error: {BAD / 'valid.xlsx'}: is not a MAP workbook: it has no mapgen "
                           "metadata and no sheet with the headers of any section of blueprint 'map'")
    assert "'Key Phases and Milestones' (Phase, Milestone Description, Deadline...)" in line  # closest first
    assert "give --blueprint" in line


def test_a_workbook_with_some_sections_is_read_with_warnings(runner):
    result = read_cli(runner, FIXTURES / "read" / "handmade.xlsx")
    assert result.exit_code in (0, 1)
    data = json.loads(result.stdout)
    assert any(i["code"] == "no-metadata" for i in data["issues"])
    assert data["sections"]


def test_binary_workbook_calamine_cannot_read_is_refused_plainly(runner):
    result = read_cli(runner, BAD / "binary.xlsb")
    assert result.exit_code == 2
    assert error_line(result) == (
        f"Error: {BAD / 'binary.xlsb'}: the binary Excel workbook (.xlsb) could not be read (it is "
        "damaged or uses a feature mapgen does not understand); open it in Excel or LibreOffice and "
        "save it again")


# --------------------------------------------------------------------------- nothing but data on stdout


def every_fixture() -> list[Path]:
    files = [p for p in sorted(BAD.iterdir()) + sorted(REAL.iterdir()) if p.is_file() and p.suffix != ".py"]
    return files + sorted((FIXTURES / "read").glob("*.xlsx"))


# Runs ``mapgen read FILE`` for each file in one process, with the real file descriptors 1 and 2
# sent to files: whatever a library printed or warned, even below Python, would be in them.
_DRIVER = """
import json, os, sys, tempfile
from mapgen.cli import main
results = []
for path in sys.argv[1:]:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        saved = os.dup(1), os.dup(2)
        sys.stdout.flush(); sys.stderr.flush()
        os.dup2(out.fileno(), 1); os.dup2(err.fileno(), 2)
        try:
            main(["read", path], standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os.dup2(saved[0], 1); os.dup2(saved[1], 2)
        out.seek(0); err.seek(0)
        results.append([path, code, out.read().decode(), err.read().decode()])
print(json.dumps(results))
"""


def test_every_fixture_gives_json_or_one_line(tmp_path):
    paths = [str(p) for p in every_fixture()]
    proc = subprocess.run([sys.executable, "-W", "always", "-c", _DRIVER, *paths], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout.splitlines()[-1])
    assert len(results) == len(paths) > 40
    for path, code, out, err in results:
        assert code in (0, 1, 2), (path, err)
        assert not LEAKS.search(err), (path, err)
        if code == 2:
            assert out == "", path
            [line] = err.splitlines()
            assert line.startswith(f"Error: {path}: "), line
            continue
        data = json.loads(out)
        assert data["format"] == "mapgen-plan", path
        for line in err.splitlines():
            assert line.startswith(("warning: ", "error: ", "... and ", f"{path}: ")), (path, line)


def test_library_output_is_swallowed_inside_the_boundary(monkeypatch, capsys, expected):
    real = book_module._workbook_sheets

    def noisy(*args, **kwargs):
        print("2 is out of range")
        print("noise", file=sys.stderr)
        warnings.warn("Workbook contains no default style, apply openpyxl's default", UserWarning,
                      stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(book_module, "_workbook_sheets", noisy)
    plan = read_workbook(PLAN)
    assert plan.to_data()["sections"] == expected
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_unexpected_library_errors_become_plain_words(monkeypatch):
    def broken(*args, **kwargs):
        raise TypeError("<class 'openpyxl.styles.named_styles._NamedCellStyle'>.name should be <class 'str'>")

    monkeypatch.setattr(book_module, "_date_styles", broken)
    with pytest.raises(UnusableInput) as excinfo:
        read_workbook(PLAN)
    assert str(excinfo.value) == (f"{PLAN}: the workbook is damaged: xl/styles.xml holds a value of an "
                                  "unexpected kind; open it in Excel or LibreOffice and save it again")


# --------------------------------------------------------------------------- bounds


def test_header_matching_looks_at_the_first_few_hundred_characters():
    long = "Description " + "x" * 1_000_000
    start = time.process_time()
    for _ in range(100):
        folded = reader._fold(long)
    assert time.process_time() - start < 0.5
    assert folded == reader._fold(long[: reader.HEADER_CHARS])
    assert len(reader._text(long)) <= reader.HEADER_CHARS + 3


def test_megabyte_strings_in_header_rows_read_quickly():
    read_workbook(REAL / "megabyte_headers.xlsx")  # warm up imports
    start = time.process_time()
    read_workbook(REAL / "megabyte_headers.xlsx")
    assert time.process_time() - start < 2.0  # about 0.1 s on the development machine


def test_amplification_is_refused_quickly_and_in_little_memory():
    # The peak is VmHWM of the child's own memory: ru_maxrss would also count the pytest
    # worker's memory, which Linux carries over into a child across exec.
    code = ("import resource, sys, time\n"
            "from mapgen.core.errors import UnusableInput\n"
            "from mapgen.formats.xlsx.reader import read_workbook\n"
            "def peak():\n"
            "    try:\n"
            "        with open('/proc/self/status') as fh:\n"
            "            return next(int(l.split()[1]) for l in fh if l.startswith('VmHWM:'))\n"
            "    except (OSError, StopIteration):\n"
            "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "start = time.perf_counter()\n"
            "try:\n"
            "    read_workbook(sys.argv[1])\n"
            "except UnusableInput as exc:\n"
            "    print('refused', time.perf_counter() - start, peak())\n")
    proc = subprocess.run([sys.executable, "-c", code, str(REAL / "amplification.xlsx")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    word, seconds, kib = proc.stdout.split()
    assert word == "refused", proc.stderr
    assert float(seconds) < 10
    assert int(kib) < 300 * 1024


def test_text_budget_counts_a_shared_string_each_time_it_is_used(monkeypatch):
    """The amplification file's one string (1,000,000 characters) is within a 2,500,000 budget;
    the three cells of its first row that show it are not."""
    monkeypatch.setattr(book_module.Budget.__init__, "__defaults__", (2_500_000,))
    with pytest.raises(UnusableInput, match=r"more than 2,500,000 characters of cell text, a shared text "
                                            r"counted each time a cell uses it; limit 2,500,000\)$"):
        read_workbook(REAL / "amplification.xlsx")


def test_output_bound(monkeypatch):
    """Checked while the cells are collected, and on the finished plan (with its issues)."""
    monkeypatch.setattr(reader, "MAX_OUTPUT_CHARS", 100)
    with pytest.raises(UnusableInput, match=r"the plan read from it would be too large to write safely "
                                            r"\((about|more than) [\d,]+ characters; limit 100\)$"):
        read_workbook(PLAN)


@pytest.mark.parametrize("shift", [0, 1, 17, 40, 63])
def test_strict_namespaces_are_mapped_across_chunk_boundaries(shift):
    import io

    from mapgen.formats.xlsx.package import STRICT_MAIN, _destrict, _Mapped

    attribute = f' xmlns="{STRICT_MAIN}"'.encode()
    body = b"<x>" + b"a" * (65536 - 20 - shift) + b"".join(b"<y" + attribute + b"/>" for _ in range(3000))
    body += b"<t>quote \" and " + STRICT_MAIN.encode() + b" in text</t></x>"
    with io.BufferedReader(_Mapped(io.BytesIO(body))) as fh:
        assert fh.read() == _destrict(body)
    assert STRICT_MAIN.encode() not in _destrict(body)


def test_output_bound_on_the_finished_plan(monkeypatch):
    plan = read_workbook(PLAN)
    monkeypatch.setattr(reader, "MAX_OUTPUT_CHARS", 1000)
    with pytest.raises(UnusableInput, match=r"\(about [\d,]+ characters; limit 1,000\)$"):
        reader._check_output(plan, str(PLAN))
