"""One date format per language: the workbook's dates (Overview and section sheets) print as the
handout and the Markdown page print them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.core.i18n import texts_for
from mapgen.formats.xlsx.styles import excel_date_format
from tests.conftest import FIXTURES

SHOWN = {"en": "1 Dec 2026", "de": "01.12.2026"}  # the deal's start, as each language prints it


@pytest.mark.parametrize("blueprint, language", [("map", "en"), ("map-de", "de"),
                                                 ("map-fr", "fr"), ("map-sv", "sv")])
def test_workbook_dates_print_as_the_handout_prints_them(in_tmp, runner, blueprint, language):
    done = runner.invoke(main, ["generate", "--blueprint", blueprint, "--plan",
                                str(FIXTURES / "deal.yaml"), "--format", "all", "--out", "out"])
    assert done.exit_code == 0, done.output
    wb = load_workbook(next(Path("out").glob("*.xlsx")))
    formats = {cell.number_format for sheet in wb.worksheets if sheet.sheet_state == "visible"
               for row in sheet.iter_rows() for cell in row
               if getattr(cell, "is_date", False) and cell.value is not None
               and sheet.title != texts_for(language)("Timeline")}
    assert formats == {excel_date_format(language)}
    printed = texts_for(language).date(dt.date(2026, 12, 1))
    if language in SHOWN:
        assert printed == SHOWN[language]
    md = runner.invoke(main, ["generate", "--blueprint", blueprint, "--plan",
                              str(FIXTURES / "deal.yaml"), "--format", "md", "--out", "md"])
    assert md.exit_code == 0 and printed in next(Path("md").glob("*.md")).read_text()
