"""The whole workshop loop through the CLI, on real files, as the kit's checklist tells it:
kit -> homework filled in -> merge -> consolidated workbook and handout -> the agreed plan."""

from __future__ import annotations

import datetime as dt
import glob
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import soffice_convert_all

from mapgen.cli import main

PEOPLE = ["Ann Lee", "Bob Diaz", "Cleo Park"]
# What each participant writes in their homework: overlapping stakeholders (the same person
# written differently), a deadline on which Ann and Bob disagree, and gaps the others fill.
HOMEWORK = {
    "Ann Lee": {
        "stakeholders": [{"name": "Sarah Chen", "role": "CFO"}],
        "action_items": [{"description": "Security review", "deadline": dt.date(2027, 1, 15),
                          "responsible": "Ann Lee", "status": "Not started"}],
    },
    "Bob Diaz": {
        "stakeholders": [{"name": "sarah  chen", "expectations": "A signed business case"},
                         {"name": "Tom Berg", "role": "IT lead"}],
        "action_items": [{"description": "Security review", "deadline": dt.date(2027, 1, 22)}],
    },
    "Cleo Park": {
        "stakeholders": [{"name": "Tom Berg", "impact": "High: owns the integration"}],
        "tools": [{"tool": "Shared workspace", "purpose": "Documents and the MAP itself"}],
    },
}


def _fill(src: Path, dst: Path, sections: dict[str, list[dict]]) -> None:
    """Fill a homework workbook as a participant would, below its example rows."""
    from openpyxl import load_workbook

    from mapgen.formats.xlsx.meta import read_meta

    wb = load_workbook(src)
    meta = read_meta(wb)
    assert meta is not None
    for sheet_meta in meta.sheets:
        rows = sections.get(sheet_meta.section, [])
        ws = wb[sheet_meta.sheet]
        first = sheet_meta.header_row + 1 + len(sheet_meta.examples)
        for r, row in enumerate(rows):
            for key, value in row.items():
                col = sheet_meta.first_col + sheet_meta.columns.index(key)
                ws.cell(row=first + r, column=col).value = value
    wb.save(dst)


def _commands(markdown: str) -> list[list[str]]:
    """The mapgen commands of the checklist's shell blocks, split as a shell would."""
    blocks = re.findall(r"```sh\n(.*?)```", markdown, flags=re.S)
    return [shlex.split(line) for block in blocks for line in block.splitlines()
            if line.startswith("mapgen ")]


def _run_checklist(runner, kit: Path, monkeypatch) -> None:
    """Every command of the kit's checklist, from the kit folder, exactly as written there."""
    checklist = (kit / "CHECKLIST.md").read_text(encoding="utf-8")
    assert "# cd into the kit folder (the one holding CHECKLIST.md), then:" in checklist
    assert str(kit.resolve()) not in checklist
    commands = _commands(checklist)
    assert [c[1] for c in commands] == ["merge", "merge", "read", "generate", "generate", "generate"]
    monkeypatch.chdir(kit)
    for command in commands:
        _run(runner, command[1:])


def _run(runner, args: list[str]) -> None:
    expanded = [a for arg in args for a in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
    result = runner.invoke(main, expanded)
    assert result.exit_code == 0, f"{shlex.join(args)}: {result.output}"


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.soffice
@pytest.mark.slow
def test_workshop_loop(runner, in_tmp, monkeypatch):
    from openpyxl import load_workbook

    made = runner.invoke(main, ["workshop", "--participants", ", ".join(PEOPLE), "--out", "kit"])
    assert made.exit_code == 0, made.output
    kit = in_tmp / "kit"
    assert len(made.stdout.splitlines()) == 2 + 2 * len(PEOPLE)

    for person, sections in HOMEWORK.items():
        _fill(kit / "homework" / f"{person}.xlsx", kit / "returned" / f"{person}.xlsx", sections)

    _run_checklist(runner, kit, monkeypatch)

    s2 = kit / "session-2"
    report = json.loads((s2 / "merge-report.json").read_text(encoding="utf-8"))
    assert [i["participant"] for i in report["inputs"]] == PEOPLE
    credited = {p["row"]: p["sources"] for p in report["provenance"]["stakeholders"]}
    assert credited == {"Sarah Chen": ["Ann Lee", "Bob Diaz"], "Tom Berg": ["Bob Diaz", "Cleo Park"]}
    assert report["provenance"]["tools"][0]["sources"] == ["Cleo Park"]
    (clash,) = report["conflicts"]
    assert (clash["section"], clash["column"]) == ("action_items", "deadline")
    assert [v["source"] for v in clash["values"]] == ["Ann Lee", "Bob Diaz"]

    # The Sources column of the consolidated workbook credits each row.
    wb = load_workbook(s2 / "consolidated.xlsx", read_only=True)
    cells = {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if c is not None}
    wb.close()
    assert {"Ann Lee, Bob Diaz", "Bob Diaz, Cleo Park", "Cleo Park"} <= cells

    agreed = json.loads((s2 / "agreed-plan.json").read_text(encoding="utf-8"))
    names = sorted(r["name"] for r in agreed["sections"]["stakeholders"])
    assert names == ["Sarah Chen", "Tom Berg"]
    finals = sorted(p.name for p in (kit / "final").iterdir())
    assert len(finals) == 5 and sum(n.endswith("-buyer.docx") for n in finals) == 1
    assert sum(n.endswith("-buyer.html") for n in finals) == 1  # the buyer's page

    # LibreOffice opens every file the loop made (one start per format); the handouts carry
    # their participant's name.
    docs = [kit / "facilitator-guide.docx", *(kit / "handouts").glob("*.docx"),
            s2 / "consolidated.docx", *(kit / "final").glob("*.docx")]
    books = [*(kit / "homework").glob("*.xlsx"), s2 / "consolidated.xlsx",
             *(kit / "final").glob("*.xlsx")]
    pdfs = [*soffice_convert_all(docs, "pdf", kit / "pdf" / "docx"),
            *soffice_convert_all(books, "pdf", kit / "pdf" / "xlsx")]
    assert len(pdfs) == 2 * len(PEOPLE) + 7
    texts = {pdf.parent.name + "/" + pdf.stem: _pdf_text(pdf) for pdf in pdfs}
    assert "Session 1" in texts["docx/facilitator-guide"]
    for person in PEOPLE:
        assert person in texts[f"docx/{person}"] and person in texts[f"xlsx/{person}"]
    assert "Ann Lee, Bob Diaz" in texts["docx/consolidated"]


def test_company_blueprint_loop_takes_the_deal_dates_from_the_kit(runner, in_tmp, monkeypatch):
    """saas dates its standard phases from go-live: a kit made without a plan asks for the
    dates in deal.yaml, and the checklist's merge reads them from there."""
    made = runner.invoke(main, ["workshop", "-b", "saas", "--participants", "Ann Lee, Bob Diaz",
                                "--out", "kit"])
    assert made.exit_code == 0, made.output
    assert "fill them in kit/deal.yaml before the merge, or make the kit with --plan" in made.stderr
    kit = in_tmp / "kit"
    homework = {"Ann Lee": {"stakeholders": [{"name": "Sarah Chen", "role": "CFO"}]},
                "Bob Diaz": {"stakeholders": [{"name": "Sarah Chen", "impact": "High"}]}}
    for person, sections in homework.items():
        _fill(kit / "homework" / f"{person}.xlsx", kit / "returned" / f"{person}.xlsx", sections)
    stub = kit / "deal.yaml"
    stub.write_text(stub.read_text(encoding="utf-8").replace("close:", "close: 2027-02-15")
                    .replace("go_live:", "go_live: 2027-04-01"), encoding="utf-8")
    _run_checklist(runner, kit, monkeypatch)
    report = json.loads((kit / "session-2" / "merge-report.json").read_text(encoding="utf-8"))
    assert report["provenance"]["stakeholders"] == [
        {"row": "Sarah Chen", "sources": ["Ann Lee", "Bob Diaz"]}]
    agreed = json.loads((kit / "session-2" / "agreed-plan.json").read_text(encoding="utf-8"))
    assert agreed["deal"] == {"close": "2027-02-15", "go_live": "2027-04-01"}
    go_live = next(r for r in agreed["sections"]["phases"] if r["milestone"] == "Go-live")
    assert go_live["deadline"] == "2027-04-01"


def test_a_moved_kit_still_runs_its_checklist(runner, in_tmp, monkeypatch):
    """The kit's commands use paths relative to the kit folder: moved, the kit still works."""
    made = runner.invoke(main, ["workshop", "--participants", "Ann Lee, Bob Diaz", "--out", "kit"])
    assert made.exit_code == 0, made.output
    kit = in_tmp / "elsewhere" / "kit"
    kit.parent.mkdir()
    (in_tmp / "kit").rename(kit)
    for person in ("Ann Lee", "Bob Diaz"):
        _fill(kit / "homework" / f"{person}.xlsx", kit / "returned" / f"{person}.xlsx",
              {"stakeholders": [{"name": f"Contact of {person}"}]})
    _run_checklist(runner, kit, monkeypatch)
    assert (kit / "session-2" / "consolidated.xlsx").is_file()
    assert sorted(p.suffix for p in (kit / "final").iterdir()) == [".docx", ".docx", ".html",
                                                                   ".xlsx", ".xlsx"]
    assert not (in_tmp / "kit").exists()
