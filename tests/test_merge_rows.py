"""Rows through merge and status, on real files through the command line: two rows of one copy
with the same description, a conflict with a value that is not a date, numbers people typed and
the ones merge had to change (in the report and in the merged workbook and handout), handouts
merged with workbooks of the same plan, and where a handout's status items are."""

from __future__ import annotations

import json
from pathlib import Path

from handout_fill import fill

from mapgen.cli import main
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.generate import generate

MAP = load_blueprint("map")


def run(runner, *args: str):
    return runner.invoke(main, [*map(str, args)])


def blank_handout(out: Path) -> Path:
    [path] = generate(MAP, formats=["docx"], out_dir=out, force=True, stem="blank")
    return path


# --------------------------------------------------------------------------- status of a handout

def test_a_handouts_status_items_name_their_table_and_row(runner, tmp_path):
    # action items: body row 0 is the grey example, 1.. are write-in rows; the empty row 2
    # is no item, so the plan's second item is the table's fourth row
    filled = fill(blank_handout(tmp_path), tmp_path / "ann.docx", {"3.": [
        (0, ["1", "1", "Security review with IT", "2027-01-15", "", "High", "Tom", "In progress"]),
        (1, ["2", "1", "Kick-off call", "2027-01-20", "", "Low", "", "Not started"]),
        (3, ["3", "1", "Pricing workshop", "2027-02-03", "", "", "Bob", "Done"])]})
    result = run(runner, "status", filled, "--as-of", "2027-02-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    items = [(i["label"], i["row"], i.get("table"), i.get("table_row"), i.get("sheet"))
             for i in report["items"] if i["section"] == "action_items"]
    assert items == [("Security review with IT", 1, "3. Action Items", 1, None),
                     ("Kick-off call", 2, "3. Action Items", 2, None),
                     ("Pricing workshop", 3, "3. Action Items", 4, None)]
    unowned = [f for f in report["findings"] if f["code"] == "unowned"]
    assert [(f["row"], f["table"], f["table_row"], f["column"]) for f in unowned] == [
        (2, "3. Action Items", 2, "responsible")]

    text = run(runner, "status", filled, "--as-of", "2027-02-01").stdout
    assert "Security review with IT" in text
    [line] = [x for x in text.splitlines() if x.startswith("stalled (17 days late)")]
    assert "table '3. Action Items', row 1" in line
    assert ("  unowned: table '3. Action Items', row 2: 'Kick-off call' has no one responsible"
            in text.splitlines())
    markdown = run(runner, "status", filled, "--as-of", "2027-02-01", "--format", "markdown").stdout
    assert ("- `unowned` (Action Items, table '3. Action Items', row 2): 'Kick-off call' has no "
            "one responsible") in markdown.splitlines()
