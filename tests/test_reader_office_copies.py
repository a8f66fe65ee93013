"""Workbooks saved again by LibreOffice (.ods keeps a formula's result as the cell's value for
the reader) read as the workbooks they came from: the Overview's objective box, which shows the
Objective sheet or its own pointer words, is never taken for an objective a person typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import soffice_convert_all
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.generate import generate


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Path]:
    """Blank English and German workbooks, and an English one whose objective was typed on the
    Objective sheet, each saved as .ods by LibreOffice (one start)."""
    out = tmp_path_factory.mktemp("copies")
    sources = []
    for blueprint in ("map", "map-de"):
        sources += generate(load_blueprint(blueprint), formats=["xlsx"], out_dir=out,
                            stem=f"blank-{blueprint}")
    filled = out / "filled.xlsx"
    wb = load_workbook(sources[0])
    ws = wb["Objective"]
    header = next(r for r in range(1, 40) if ws.cell(r, 3).value == "Description")
    ws.cell(header + 2, 3).value = "Live on the new platform by June"
    wb.save(filled)
    outs = soffice_convert_all([*sources, filled], "ods", out / "ods")
    return {p.stem: p for p in outs}


def read(runner, path: Path) -> tuple[int, dict, str]:
    result = runner.invoke(main, ["read", str(path)])
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr


@pytest.mark.parametrize("stem", ["blank-map", "blank-map-de"])
def test_a_blank_workbook_saved_as_ods_reads_empty_without_warnings(runner, copies, stem):
    code, plan, stderr = read(runner, copies[stem])
    assert code == 0, stderr
    assert all(rows == [] for rows in plan["sections"].values()), plan["sections"]
    assert stderr.strip().endswith("0 rows; 0 errors, 0 warnings"), stderr


def test_an_objective_typed_on_its_sheet_comes_back_once_from_ods(runner, copies):
    code, plan, stderr = read(runner, copies["filled"])
    assert code == 0, stderr
    assert [r["description"] for r in plan["sections"]["objective"]] == [
        "Live on the new platform by June"]
    assert "Overview" not in stderr, stderr
