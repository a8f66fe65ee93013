"""The shortcuts past openpyxl's private internals cannot break a write or a read.

Each test breaks what a shortcut relies on, as a new openpyxl release might (a class moved, a
private attribute behaving otherwise, a failure halfway through), and checks that the plain
public path takes over with exactly the output it gives on its own, and that the shortcut says
it is off.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

import mapgen
from mapgen.core.errors import UnusableInput
from mapgen.formats import verdicts
from mapgen.formats.xlsx import read_shortcuts, sheetxml, shortcuts

FIXTURES = Path(__file__).parent / "fixtures"


def forget_probes() -> None:
    """The shortcuts as a new process of a new release finds them: not yet made or probed,
    no verdict kept from an earlier run (the release's versions would not match it)."""
    verdicts.forget()
    shortcuts.check.cache_clear()
    sheetxml._classes.cache_clear()
    sheetxml._writer_classes.cache_clear()
    read_shortcuts._CLASSES.clear()


@pytest.fixture(autouse=True)
def fresh_shortcuts(monkeypatch):
    """Every test starts with shortcuts not yet made or probed, and leaves them so."""
    def reset():
        shortcuts.turn_on()
        read_shortcuts.turn_on()
        forget_probes()

    reset()
    yield
    monkeypatch.undo()
    reset()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def workbook(out: Path) -> Path:
    bp = mapgen.load_blueprint("saas")
    plan = mapgen.load_plan(FIXTURES / "deal.yaml", bp)
    return mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=out, protect=True)[0]


def plain_workbook(out: Path) -> Path:
    """The workbook written by openpyxl's public calls only."""
    shortcuts.turn_off("the plain reference")
    sheetxml._classes.cache_clear()
    try:
        return workbook(out)
    finally:
        shortcuts.turn_on()


# --------------------------------------------------------------------------- the writer


def break_merged_cell(monkeypatch):
    """A class the merge shortcut imports, moved (openpyxl's own merge imported it long ago)."""
    monkeypatch.delattr(openpyxl.cell.cell, "MergedCell")


def break_sheet_writer(monkeypatch):
    """openpyxl's sheet writer class, which the fast sheet XML subclasses, moved."""
    monkeypatch.delattr(openpyxl.worksheet._writer, "WorksheetWriter")


def break_style_copy(monkeypatch):
    """A style array copied otherwise than openpyxl copies it: no error, other bytes."""
    from mapgen.formats.xlsx.styles import copy_array

    def wrong(array):
        copied = copy_array(array)
        copied[0] += 1  # another font
        return copied

    monkeypatch.setattr(shortcuts, "copy_array", wrong)


def break_binding_midway(monkeypatch):
    """A failure only a real workbook meets (the probe passes): binding a date raises."""
    import datetime as dt

    shortcuts.check()  # probed with the shortcuts as they are
    fast = shortcuts.bind

    def bind(cell, value):
        if isinstance(value, dt.date):
            raise AttributeError("'Cell' object attribute '_value' is read-only")
        fast(cell, value)

    monkeypatch.setattr(shortcuts, "bind", bind)


@pytest.mark.parametrize("breakage", [break_merged_cell, break_sheet_writer, break_style_copy,
                                      break_binding_midway])
def test_a_broken_writer_shortcut_gives_way_to_the_plain_calls(tmp_path, monkeypatch, breakage):
    want = parts(plain_workbook(tmp_path / "plain"))
    assert shortcuts.off_reason() is None
    forget_probes()  # a new process, with the new release
    breakage(monkeypatch)
    got = parts(workbook(tmp_path / "broken"))
    assert shortcuts.off_reason() is not None
    assert list(got) == list(want)
    assert [n for n in want if got[n] != want[n]] == []


def count_probes(monkeypatch) -> list[str]:
    """The probes that run from now on, by name (each still runs as it would)."""
    ran: list[str] = []
    probe, matches = shortcuts._probe, sheetxml._probe_matches
    monkeypatch.setattr(shortcuts, "_probe", lambda: ran.append("writer") or probe())
    monkeypatch.setattr(sheetxml, "_probe_matches", lambda cls: ran.append("sheet") or matches(cls))
    return ran


def later_process() -> None:
    """A later process of the same release: nothing made or probed in it yet."""
    shortcuts.check.cache_clear()
    sheetxml._classes.cache_clear()
    sheetxml._writer_classes.cache_clear()


def test_a_pass_is_kept_for_later_processes_of_the_same_code(tmp_path, monkeypatch):
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "cache"))
    ran = count_probes(monkeypatch)
    first = parts(workbook(tmp_path / "first"))
    assert ran == ["writer", "sheet"]
    later_process()
    ran.clear()
    again = parts(workbook(tmp_path / "again"))
    assert ran == [] and shortcuts.off_reason() is None and sheetxml.sheet_writer_class()
    assert again == first


def test_a_pass_does_not_stand_for_another_release_or_a_doubtful_record(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(cache))
    ran = count_probes(monkeypatch)
    workbook(tmp_path / "first")
    later_process()
    monkeypatch.setattr(openpyxl, "__version__", "9.9.9")  # another openpyxl
    ran.clear()
    workbook(tmp_path / "new-release")
    assert ran == ["writer", "sheet"]
    for record in cache.glob("probe-*"):
        record.chmod(0o666)  # anyone could have written it
    later_process()
    ran.clear()
    workbook(tmp_path / "doubtful")
    assert ran == ["writer", "sheet"]
    monkeypatch.setenv("MAPGEN_CACHE_DIR", "")  # the cache off: probed in every process
    later_process()
    ran.clear()
    workbook(tmp_path / "no-cache")
    assert ran == ["writer", "sheet"]


def test_a_failed_probe_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "cache"))
    break_style_copy(monkeypatch)
    workbook(tmp_path / "broken")
    assert shortcuts.off_reason() is not None
    assert [p.name for p in (tmp_path / "cache").glob("probe-xlsx-writer-*")] == []


def test_the_shortcuts_are_on_with_the_tested_openpyxl(tmp_path):
    workbook(tmp_path)
    assert shortcuts.off_reason() is None
    assert shortcuts.cell_at is shortcuts.FAST["cell_at"]


def test_an_error_of_the_data_is_no_reason_to_turn_them_off(tmp_path):
    bp = mapgen.load_blueprint("saas")
    plan = mapgen.load_plan(FIXTURES / "deal.yaml", bp)
    plan.sections["action_items"][0]["description"] = "x" * 40_000  # more than a cell holds
    with pytest.raises(mapgen.ValidationFailed):
        mapgen.generate(bp, plan=plan, formats=["xlsx"], out_dir=tmp_path)
    assert shortcuts.off_reason() is None


# --------------------------------------------------------------------------- the reader


def read(path: Path) -> dict:
    return mapgen.read_workbook(path).to_data()


def break_coordinates(monkeypatch):
    """A function the parser shortcut imports, moved."""
    monkeypatch.delattr(openpyxl.utils.cell, "coordinate_to_tuple")


def break_inline_text(monkeypatch):
    """openpyxl's parser reads inline text otherwise (no error): the shortcut would differ."""
    from openpyxl.worksheet._reader import WorkSheetParser

    original = WorkSheetParser.parse_cell

    def parse_cell(self, element):
        cell = original(self, element)
        if cell.get("data_type") == "s" and isinstance(cell.get("value"), str):
            cell["value"] = cell["value"].replace("a", "\u0251")
        return cell

    monkeypatch.setattr(WorkSheetParser, "parse_cell", parse_cell)


def break_rows_midway(monkeypatch):
    """The shortcut's row walk fails after a few hundred cells (the probe passes)."""
    import openpyxl.cell.read_only as read_only

    made = [0]

    class Cell(read_only.ReadOnlyCell):
        __slots__ = ()

        def __init__(self, *args, **kwargs):
            made[0] += 1
            if made[0] > 300:
                raise TypeError("ReadOnlyCell() got an unexpected keyword argument 'style_id'")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(read_only, "ReadOnlyCell", Cell)


@pytest.mark.parametrize("breakage", [break_coordinates, break_inline_text, break_rows_midway])
def test_a_broken_reader_shortcut_gives_way_to_openpyxls_classes(tmp_path, monkeypatch, breakage):
    path = workbook(tmp_path)
    forget_probes()  # a new process, with the new release
    breakage(monkeypatch)
    read_shortcuts.turn_off("the plain reference")
    want = read(path)
    read_shortcuts.turn_on()
    got = read(path)
    assert read_shortcuts.off_reason() is not None
    assert got == want


def test_the_reader_shortcuts_are_on_with_the_tested_openpyxl(tmp_path):
    read(workbook(tmp_path))
    assert read_shortcuts.off_reason() is None
    assert read_shortcuts.sheet_class() is read_shortcuts._CLASSES["sheet"]


def test_a_damaged_sheet_is_no_reason_to_turn_them_off(tmp_path):
    path = workbook(tmp_path)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data[: len(data) // 2]  # cut off halfway
            dst.writestr(info, data)
    with pytest.raises(UnusableInput):
        mapgen.read_workbook(broken)
    assert read_shortcuts.off_reason() is None


# --------------------------------------------------------------------------- batch templates


def test_the_handouts_line_hook_gone_means_one_by_one(monkeypatch):
    """The batch templates record a handout's measures of lines through a module global of the
    page estimate; without it (or with nothing recorded) a deal is written on its own."""
    from mapgen.formats.docx import pages
    from mapgen.ops.batch_templates import Unusable, _measured

    monkeypatch.delattr(pages, "MEASURES")
    with pytest.raises(Unusable, match="cannot be recorded"), _measured("docx"):
        pass
    monkeypatch.setattr(pages, "MEASURES", None, raising=False)
    with pytest.raises(Unusable, match="no measure of lines"), _measured("docx"):
        pass  # a handout written without measuring a line
    assert pages.MEASURES is None


def test_a_failing_template_turns_the_templates_off_for_the_batch(monkeypatch):
    from mapgen.ops.batch_templates import Prepared, Unusable

    bp = mapgen.load_blueprint("saas")
    plan = mapgen.load_plan(FIXTURES / "deal.yaml", bp)
    prepared = Prepared(bp, formats=["xlsx"], audience="internal")

    def broken(*args, **kwargs):
        raise KeyError("a part the template expected")

    monkeypatch.setattr(prepared, "_write", broken)
    with pytest.raises(Unusable, match="templates turned off: KeyError"):
        prepared.write(plan, (("xlsx", "key"),), [], force=True)
    assert prepared.check(plan, None)[1].startswith("templates turned off")
