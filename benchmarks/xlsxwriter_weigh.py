"""XlsxWriter beside openpyxl for the workbook writer: CPU time to write the same 1,000 action items.

    python benchmarks/xlsxwriter_weigh.py [--runs N]    # needs XlsxWriter (pip install xlsxwriter)

Cases, each the median CPU time of N runs in this process (imports done before timing):

- the same cells, bare: values only (openpyxl ``ws.append``; XlsxWriter ``write_row``);
- the same cells as a section sheet is made: a style per column (date format, wrapped text,
  borders), an Excel table over them, a list validation and two conditional formats;
- mapgen's whole workbook (``generate`` of the xlsx format: Overview, Timeline, every section
  sheet, metadata), as users run it.

The figures and the decision are in docs/architecture.md ("The workbook writer").
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import STATUSES, bare_xlsx, big_plan, median_cpu

WIDTHS = [8, 8, 40, 14, 24, 12, 18, 14]
HEADERS = ["#", "Phase", "Description", "Deadline", "If missed", "Importance", "Responsible", "Status"]


def rows_of(n: int) -> list[list]:
    return [list(r.values()) for r in big_plan(n).sections["action_items"]]


def xlsxwriter_bare(path: Path, rows: list[list]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    date = wb.add_format({"num_format": "yyyy-mm-dd"})  # a date needs a format to show as one
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, value, date)
            else:
                ws.write(r, c, value)
    wb.close()


def openpyxl_styled(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    wb = Workbook()
    ws = wb.active
    side = Side(style="thin", color="D9D9D9")
    border = Border(left=side, right=side, top=side, bottom=side)
    for name, fmt, wrap in (("text", "General", True), ("date", "yyyy-mm-dd", False),
                            ("number", "0", False)):
        wb.add_named_style(NamedStyle(name, font=Font(name="Calibri", size=10), border=border,
                                      number_format=fmt, alignment=Alignment(wrap_text=wrap,
                                                                             vertical="top")))
    kinds = ["number", "number", "text", "date", "text", "text", "text", "text"]
    for c, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        ws.cell(1, c, header)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, row in enumerate(rows, start=2):
        for c, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
            cell = ws.cell(r, c, value)
            cell.style = kind
    last = len(rows) + 1
    table = Table(displayName="tbl_action_items", ref=f"A1:H{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    dv.add(f"H2:H{last}")
    ws.add_data_validation(dv)
    red = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
    green = PatternFill("solid", start_color="E2EFDA", end_color="E2EFDA")
    ws.conditional_formatting.add(f"D2:D{last}", FormulaRule(formula=['AND(ISNUMBER(D2),D2<TODAY())'],
                                                             fill=red))
    ws.conditional_formatting.add(f"A2:H{last}", FormulaRule(formula=['$H2="Done"'], fill=green))
    wb.save(path)


def xlsxwriter_styled(path: Path, rows: list[list]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    base = {"font_name": "Calibri", "font_size": 10, "border": 1, "border_color": "#D9D9D9",
            "valign": "top"}
    formats = {"text": wb.add_format({**base, "text_wrap": True}),
               "date": wb.add_format({**base, "num_format": "yyyy-mm-dd"}),
               "number": wb.add_format({**base, "num_format": "0"})}
    kinds = [formats[k] for k in ("number", "number", "text", "date", "text", "text", "text", "text")]
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    for r, row in enumerate(rows, start=1):
        for c, (value, fmt) in enumerate(zip(row, kinds, strict=True)):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, value, fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value, fmt)
            else:
                ws.write_number(r, c, value, fmt)
    last = len(rows)
    ws.add_table(0, 0, last, 7, {"name": "tbl_action_items", "style": "Table Style Light 1",
                                 "autofilter": True, "columns": [{"header": h} for h in HEADERS]})
    ws.data_validation(1, 7, last, 7, {"validate": "list", "source": STATUSES})
    red = wb.add_format({"bg_color": "#FFC7CE"})
    green = wb.add_format({"bg_color": "#E2EFDA"})
    ws.conditional_format(1, 3, last, 3, {"type": "formula", "criteria": "=AND(ISNUMBER(D2),D2<TODAY())",
                                          "format": red})
    ws.conditional_format(1, 0, last, 7, {"type": "formula", "criteria": '=$H2="Done"', "format": green})
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    try:
        import xlsxwriter
    except ImportError:
        sys.exit("XlsxWriter is not installed: pip install xlsxwriter")
    import openpyxl

    from mapgen.model.blueprint import load_blueprint
    from mapgen.ops.generate import generate

    plan, rows = big_plan(args.items), rows_of(args.items)
    bp = load_blueprint("map")
    with tempfile.TemporaryDirectory(prefix="mapgen-weigh-") as tmp:
        out = Path(tmp)

        def mapgen_xlsx() -> None:
            generate(bp, plan=plan, formats=["xlsx"], out_dir=out / "mapgen", force=True)

        cases = [
            ("same cells, bare: openpyxl", lambda: bare_xlsx(out / "a.xlsx", plan)),
            ("same cells, bare: XlsxWriter", lambda: xlsxwriter_bare(out / "b.xlsx", rows)),
            ("as a section sheet: openpyxl", lambda: openpyxl_styled(out / "c.xlsx", rows)),
            ("as a section sheet: XlsxWriter", lambda: xlsxwriter_styled(out / "d.xlsx", rows)),
            ("mapgen's whole workbook (openpyxl)", mapgen_xlsx),
        ]
        for _label, fn in cases:  # warm up: imports, catalogs, caches
            fn()
        print(f"{args.items:,} action items, median CPU of {args.runs} runs "
              f"(openpyxl {openpyxl.__version__}, XlsxWriter {xlsxwriter.__version__})")
        for label, fn in cases:
            print(f"  {label:<38} {median_cpu(fn, args.runs) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
