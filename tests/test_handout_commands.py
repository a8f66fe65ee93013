"""Everything that takes a PLAN takes a handout: merge (mixed with workbooks), status, diff,
shift and generate --plan; LibreOffice's .docx and .odt read the same; .docm without macros."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, soffice_convert_all
from handout_fill import fill

from mapgen.cli import main


@pytest.fixture(scope="module")
def deal_files(tmp_path_factory) -> dict[str, Path]:
    """The SaaS deal's handout and workbook, and a filled copy of the handout."""
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("deal")
    result = CliRunner().invoke(main, ["generate", "--blueprint", "saas", "--plan",
                                       str(FIXTURES / "deal.yaml"), "--format", "all", "--out",
                                       str(out)])
    assert result.exit_code == 0, result.output
    docx = next(out.glob("*.docx"))
    xlsx = next(out.glob("*.xlsx"))
    # A status and a date changed, a row added (Tab in the last cell).
    filled = fill(docx, out / "ann.docx", {
        "3.": [(0, [None, None, None, None, None, None, None, "Done"]),
               (1, [None, None, None, "20 Jan 2027", None, None, None, "In progress"])]},
        added={"3.": [["9", "3", "Reference call", "2027-02-01", "", "Low", "Ann", "Not started"]]})
    return {"docx": docx, "xlsx": xlsx, "filled": filled, "out": out}


def run(runner, *args: str):
    return runner.invoke(main, [*map(str, args)])


def test_status_from_handout_equals_status_from_workbook(runner, deal_files):
    numbers = []
    for key in ("docx", "xlsx"):
        result = run(runner, "status", deal_files[key], "--as-of", "2027-01-20", "--format", "json",
                     "--blueprint", "saas")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        numbers.append((report["sections"], report["overall"], report["days_to_go_live"],
                        [(i["section"], i["row"], i["health"]) for i in report["items"]],
                        report["next_milestone"], [f["code"] for f in report["findings"]]))
    assert numbers[0] == numbers[1]
    assert numbers[0][0]["action_items"]["total"] == 4


def test_merge_handouts_and_workbooks_mixed(runner, deal_files, tmp_path):
    out = tmp_path / "merged.json"
    result = run(runner, "merge", deal_files["xlsx"], deal_files["filled"], "--out", out,
                 "--blueprint", "saas")
    assert result.exit_code == 0, result.output
    merged = json.loads(out.read_text())
    actions = merged["sections"]["action_items"]
    assert [a["description"] for a in actions][-1] == "Reference call"
    assert len(actions) == 5
    assert {a["description"]: a["status"] for a in actions}["Reference call"] == "Not started"


def test_diff_and_shift_read_handouts(runner, deal_files, tmp_path):
    result = run(runner, "diff", deal_files["docx"], deal_files["filled"], "--format", "json",
                 "--blueprint", "saas")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)
    assert diff["summary"]["added"] == 1
    assert diff["summary"]["completed"] == 1
    shifted = tmp_path / "shifted.json"
    result = run(runner, "shift", deal_files["filled"], "--row", "phases:2", "--by", "1w", "--out",
                 shifted, "--blueprint", "saas")
    assert result.exit_code == 0, result.output
    assert "is a handout: the shifted plan was written as a plan file" in result.stderr
    plan = json.loads(shifted.read_text())
    assert plan["sections"]["phases"][1]["deadline"] == "2027-01-25"
    refused = run(runner, "shift", deal_files["filled"], "--row", "phases:2", "--by", "1w",
                  "--out", tmp_path / "x.docx")
    assert refused.exit_code == 2
    assert "a handout shifts into a plan file (.json or .yaml) or a workbook (.xlsx)" in refused.stderr


def test_generate_plan_from_a_handout(runner, deal_files, tmp_path):
    result = run(runner, "generate", "--plan", deal_files["filled"], "--blueprint", "saas",
                 "--format", "xlsx", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    back = run(runner, "read", next(tmp_path.glob("*.xlsx")))
    plan = json.loads(back.stdout)
    assert plan["sections"]["action_items"][-1]["description"] == "Reference call"


def test_libreoffice_docx_and_odt_read_the_same(runner, deal_files, tmp_path):
    src = tmp_path / "lo-src"
    src.mkdir()
    docx = shutil.copy(deal_files["filled"], src / "filled-lo.docx")
    odt_src = shutil.copy(deal_files["filled"], src / "filled-odt.docx")
    [lo_docx] = soffice_convert_all([Path(docx)], "docx:MS Word 2007 XML", tmp_path / "docx")
    [odt] = soffice_convert_all([Path(odt_src)], "odt", tmp_path / "odt")
    plans = []
    for path in (deal_files["filled"], lo_docx, odt):
        result = run(runner, "read", path, "--blueprint", "saas")
        assert result.exit_code == 0, (path, result.output)
        plans.append(json.loads(result.stdout))
    assert plans[0]["sections"] == plans[1]["sections"] == plans[2]["sections"]
    assert plans[0]["deal"] == plans[1]["deal"] == plans[2]["deal"]


def test_docm_is_read_without_its_macros(runner, deal_files, tmp_path):
    docm = tmp_path / "macros.docm"
    with zipfile.ZipFile(deal_files["filled"]) as src, zipfile.ZipFile(docm, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml",
                                    b"ms-word.document.macroEnabled.main+xml")
            dst.writestr(info, data)
        dst.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
    result = run(runner, "read", docm, "--blueprint", "saas")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["sections"]["action_items"][-1]["description"] == "Reference call"
    assert "macros-ignored" in {i["code"] for i in plan["issues"]}
