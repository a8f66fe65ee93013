"""Company templates in the shapes people bring to ``mapgen blueprint import``, built here.

Each builder writes one file as a team would have made it by hand: a MAP sheet with a deal
block, a cutover plan with group rows and lists on a second sheet, a project plan export with
headerless columns, and the framework document rebuilt in Word. openpyxl saves no result for
a formula, so :func:`_save_with_results` adds the results Excel would have saved.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

GO_LIVE = dt.date(2027, 3, 1)
SEED = Path("/work/shared/seeds/map-framework-for-sales-leaders.txt")

# (phase once per group, action, owner us, owner them, days before go-live, status, notes)
MAP_ROWS = [
    ("Discovery", "Kick-off call with the buying group", "Alex (AE)", "Dana (CIO)", 70, "Done", ""),
    (None, "Current-state analysis shared", "Sam (SE)", "Lee (IT)", 63, "Done", ""),
    (None, "Success criteria agreed in writing", "Alex (AE)", "Dana (CIO)", 56, "In Progress",
     "Waiting for the CFO's input"),
    ("Evaluation", "Technical validation on the buyer's data", "Sam (SE)", "Lee (IT)", 42,
     "In Progress", ""),
    (None, "Security questionnaire returned", "Sam (SE)", "Kim (Security)", 35, "Blocked",
     "Needs the DPA first"),
    (None, "Business case reviewed with the CFO", "Alex (AE)", "Pat (CFO)", 28, "Not Started", ""),
    ("Decision", "Order form and DPA signed", "Alex (AE)", "Robin (Legal)", 14, "Not Started", ""),
    (None, "Onboarding plan agreed", "Chris (CSM)", "Lee (IT)", 7, "Not Started", ""),
]
MAP_HEADERS = ["#", "Phase", "Action Item", "Owner (Us)", "Owner (Them)", "Days Before Go-Live",
               "Due Date", "Status", "Notes / Blockers"]
MAP_STATUS = ["Not Started", "In Progress", "Done", "Blocked"]
MAP_DEAL = [("Account:", "Acme Corp"), ("Opportunity:", "Acme analytics rollout"),
            ("Vendor:", "Nimbus Analytics"), ("Target Go-Live:", GO_LIVE),
            ("Our Sponsor:", "Jordan Vale")]
MAP_LEGEND = [("Status key:", None), ("Not Started", "work has not begun"),
              ("In Progress", "work is under way"), ("Done", "finished and confirmed by both sides"),
              ("Blocked", "cannot move until something else happens")]
MAP_NOTE = "Note: Due Date counts back from the Target Go-Live date; change go-live to move them all."


def map_sheet(path: Path) -> Path:
    """One sheet 'MAP': a title, a deal block, the action table (phase once per group, a
    due-date formula on go-live, a status dropdown), an italic example row, a status key and a
    note under the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "MAP"
    ws["A1"] = "Mutual Action Plan"
    ws["A1"].font = Font(bold=True, size=16)
    for n, (label, value) in enumerate(MAP_DEAL):
        row = 3 + n % 3
        col = 1 if n < 3 else 4
        ws.cell(row, col, label).font = Font(bold=True)
        ws.cell(row, col + 1, value)
        if isinstance(value, dt.date):
            ws.cell(row, col + 1).number_format = "yyyy-mm-dd"
    go_live_cell = "$E$3"  # "Target Go-Live:" is the fourth pair: D3/E3
    header = 8
    fill = PatternFill("solid", fgColor="1F4E79")
    for c, text in enumerate(MAP_HEADERS, start=1):
        cell = ws.cell(header, c, text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
    example = header + 1
    grey = Font(italic=True, color="808080")
    for c, value in enumerate([0, "Example", "e.g. Demo to the buying group", "[Your name]",
                               "[Buyer contact]", 30, None, "Not Started", "[Anything that blocks it]"],
                              start=1):
        if value is not None:
            ws.cell(example, c, value).font = grey
    ws.cell(example, 7, f"={go_live_cell}-F{example}").font = grey
    dv = DataValidation(type="list", formula1='"' + ",".join(MAP_STATUS) + '"', allow_blank=True)
    ws.add_data_validation(dv)
    results: dict[str, dt.date] = {f"G{example}": GO_LIVE - dt.timedelta(days=30)}
    first = example + 1
    for n, (phase, action, us, them, days, status, notes) in enumerate(MAP_ROWS):
        r = first + n
        values = [n + 1, phase, action, us, them, days, None, status, notes or None]
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)
        ws.cell(r, 7, f"={go_live_cell}-F{r}").number_format = "yyyy-mm-dd"
        results[f"G{r}"] = GO_LIVE - dt.timedelta(days=days)
    last = first + len(MAP_ROWS) - 1
    dv.add(f"H{example}:H{last + 20}")
    r = last + 2
    for label, meaning in MAP_LEGEND:
        ws.cell(r, 1, label).font = Font(bold=label.endswith(":"))
        if meaning:
            ws.cell(r, 2, meaning)
        r += 1
    ws.cell(r + 1, 1, MAP_NOTE).font = Font(italic=False)
    for col, width in zip("ABCDEFGHI", (5, 14, 40, 14, 14, 10, 12, 13, 30), strict=True):
        ws.column_dimensions[col].width = width
    return _save_with_results(wb, path, {"MAP": results})


CUTOVER_STATUS = ["Not Started", "In Progress", "Completed", "Delayed", "On Hold"]
CUTOVER_TEAMS = ["PMO", "Data team", "IT Ops", "Finance", "Vendor"]
CUTOVER_HEADERS = ["ID", "Task", "Owner", "Start", "End", "Status", "Comments"]
CUTOVER = [
    ("PRE-CUTOVER", [
        ("Freeze master data changes", "Data team", (3, 8), (3, 9), "Completed", ""),
        ("Back up the legacy system", "IT Ops", (3, 10), (3, 10), "Completed", ""),
        ("Dry run sign-off", "PMO", (3, 11), (3, 11), "In Progress", "Two defects open"),
    ]),
    ("CUTOVER WEEKEND", [
        ("Extract open orders", "Data team", (3, 13), (3, 13), "Not Started", ""),
        ("Load balances into the new ledger", "Finance", (3, 13), (3, 14), "Delayed",
         "Mapping table late"),
        ("Switch interfaces to the new system", "IT Ops", (3, 14), (3, 14), "Not Started", ""),
    ]),
    ("POST GO-LIVE", [
        ("Hypercare stand-up", "Vendor", (3, 15), (3, 26), "On Hold", ""),
        ("Close the legacy system", "IT Ops", (3, 29), (3, 29), "Not Started", ""),
    ]),
]


def cutover_plan(path: Path) -> Path:
    """Sheet 'Cutover': two title rows, group rows (a label alone in the ID column), its own
    status words; sheet 'Lists' holds the status and owner lists the dropdowns point at."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Cutover"
    ws["A1"] = "Project Phoenix: ERP Cutover Plan"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Update the status of your tasks every morning during the cutover."
    header = 4
    for c, text in enumerate(CUTOVER_HEADERS, start=1):
        ws.cell(header, c, text).font = Font(bold=True)
    r = header + 1
    number = 0
    band = PatternFill("solid", fgColor="D9E1F2")
    for group, tasks in CUTOVER:
        ws.cell(r, 1, group).font = Font(bold=True)
        for c in range(1, 8):
            ws.cell(r, c).fill = band
        r += 1
        for task, owner, start, end, status, comment in tasks:
            number += 1
            ws.cell(r, 1, number)
            ws.cell(r, 2, task)
            ws.cell(r, 3, owner)
            for c, (m, d) in ((4, start), (5, end)):
                ws.cell(r, c, dt.datetime(2027, m, d)).number_format = "dd/mm/yyyy"
            ws.cell(r, 6, status)
            if comment:
                ws.cell(r, 7, comment)
            r += 1
    lists = wb.create_sheet("Lists")
    lists["A1"], lists["B1"] = "Status", "Owner"
    for n, word in enumerate(CUTOVER_STATUS, start=2):
        lists.cell(n, 1, word)
    for n, team in enumerate(CUTOVER_TEAMS, start=2):
        lists.cell(n, 2, team)
    status = DataValidation(type="list", formula1=f"Lists!$A$2:$A${1 + len(CUTOVER_STATUS)}")
    owner = DataValidation(type="list", formula1=f"'Lists'!$B$2:$B${1 + len(CUTOVER_TEAMS)}")
    for dv, col in ((status, "F"), (owner, "C")):
        ws.add_data_validation(dv)
        dv.add(f"{col}{header + 1}:{col}{r + 30}")
    ws.column_dimensions["B"].width = 40
    wb.save(path)
    return path


PROJECT_HEADERS = ["WBS", "Outline Level", "Task Name", "Duration", "Start", "Finish",
                   "% Complete", "Predecessors", "Resource Names"]
PROJECT = [
    ("1", 1, "Initiation", "10 days", (2, 1), (2, 12), 1.0, "", "PM", "CC-100", 40),
    ("1.1", 2, "Project charter", "3 days", (2, 1), (2, 3), 1.0, "", "PM", "CC-100", 16),
    ("1.2", 2, "Kick-off workshop", "1 day", (2, 4), (2, 4), 1.0, 2, "PM;Sponsor", "CC-100", 8),
    ("2", 1, "Build", "20 days", (2, 15), (3, 12), 0.45, "", "", "CC-200", 160),
    ("2.1", 2, "Configure tenant", "5 days", (2, 15), (2, 19), 0.8, "3", "Consultant", "CC-200", 40),
    ("2.2", 2, "Integrations", "10 days", (2, 22), (3, 5), 0.3, "5", "Developer", "CC-200", 80),
    ("2.3", 2, "User acceptance test", "5 days", (3, 8), (3, 12), 0.0, "5,6", "Key users", "CC-300", 40),
    ("3", 1, "Go-live", "1 day", (3, 15), (3, 15), 0.0, "7", "PM", "CC-300", 8),
]


def project_plan(path: Path) -> Path:
    """A project plan export: outline levels (indented task names), start/finish dates,
    percent complete, predecessor lists, and two columns of data with no header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Project Plan"
    for c, text in enumerate(PROJECT_HEADERS, start=1):
        ws.cell(1, c, text).font = Font(bold=True)
    for r, row in enumerate(PROJECT, start=2):
        wbs, level, name, duration, start, finish, done, pred, who, cc, hours = row
        values = [wbs, level, name, duration, dt.datetime(2027, *start), dt.datetime(2027, *finish),
                  done, pred or None, who or None, cc, hours]
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)
        ws.cell(r, 3).alignment = Alignment(indent=level - 1)
        ws.cell(r, 3).font = Font(bold=level == 1)
        for c in (5, 6):
            ws.cell(r, c).number_format = "mm/dd/yyyy"
        ws.cell(r, 7).number_format = "0%"
    wb.save(path)
    return path


def framework_docx(path: Path, seed: Path = SEED) -> Path:
    """The framework (seeds/map-framework-for-sales-leaders.txt) as the Word document it came
    from: a title, the introduction's headings and paragraphs, then per section a heading,
    Purpose and Instructions paragraphs and its table, whose <i> rows are italic."""
    from docx import Document

    doc = Document()
    lines = seed.read_text(encoding="utf-8").splitlines()
    section_heading = re.compile(r"^\d\. [A-Z]")
    intro_headings = {"Introduction", "Purpose of the MAP Framework", "How to Use This Framework",
                      "Components of the MAP Framework"}
    in_contents = False
    table: list[list[str]] = []

    def flush() -> None:
        if not table:
            return
        grid = doc.add_table(rows=0, cols=len(table[0]))
        grid.style = "Table Grid"
        for n, cells in enumerate(table):
            row = grid.add_row()
            for cell, text in zip(row.cells, cells, strict=False):
                italic = "<i>" in text
                plain = re.sub(r"</?i>", "", text).strip()
                if italic:
                    plain = plain.strip('"')
                run = cell.paragraphs[0].add_run(plain)
                run.italic = italic or None
                run.bold = n == 0 or None
        table.clear()

    for raw in lines:
        line = raw.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if in_contents or set("".join(cells)) <= set("-: "):
                continue
            table.append(cells)
            continue
        flush()
        in_contents = False
        if not line:
            continue
        if line.startswith("Mutual Action Plan (MAP) Framework"):
            doc.add_heading(line, 0)
            in_contents = True
        elif line in intro_headings or (section_heading.match(line) and len(line) < 50
                                        and ":" not in line):
            doc.add_heading(line, 1)
        elif line.startswith("- **"):
            label, _, text = line[4:].partition(":**")
            p = doc.add_paragraph()
            p.add_run(label + ":").bold = True
            p.add_run(" " + text.strip())
        elif re.match(r"^\d\. ", line):
            doc.add_paragraph(line.replace("**", ""), style="List Number")
        else:
            doc.add_paragraph(line)
    flush()
    doc.save(path)
    return path


def _save_with_results(wb, path: Path, results: dict[str, dict[str, dt.date]]) -> Path:
    """Save ``wb`` with each formula's result in the file, as Excel saves it (openpyxl keeps
    a formula's text only): sheet title -> cell -> the date the formula gives."""
    wb.save(path)
    epoch = dt.date(1899, 12, 30)
    names = {ws.title: n for n, ws in enumerate(wb.worksheets, start=1)}
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    for title, cells in results.items():
        part = f"xl/worksheets/sheet{names[title]}.xml"
        xml = parts[part].decode()
        for ref, value in cells.items():
            serial = (value - epoch).days
            xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                         rf"\1\2<v>{serial}</v>", xml)
        parts[part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path
