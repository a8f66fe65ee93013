"""Batch generation from a CRM export: one set of documents per deal, safe names, bad rows."""

import csv
import json
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.batch import deal_key, file_stem, load_deals, parse_stakeholders

FIXTURES = Path(__file__).parent / "fixtures" / "deals"
SAAS = load_blueprint("saas")


def test_header_spellings_become_deal_keys():
    assert [deal_key(h) for h in ("Deal name", "Account", "Go-live date", "Close Date",
                                  "go_live", " Region ")] == [
        "name", "buyer", "go_live", "close", "go_live", "region"]


def test_stakeholders_cell_becomes_rows():
    assert parse_stakeholders("Sarah Chen (CFO); Tom (Head of IT);; Ana") == [
        {"name": "Sarah Chen", "role": "CFO"}, {"name": "Tom", "role": "Head of IT"},
        {"name": "Ana"}]


def test_csv_deals_load_with_line_numbers_and_errors():
    rows = load_deals(FIXTURES / "deals.csv", SAAS)
    assert [r.where.rsplit(":", 1)[1] for r in rows] == ["2", "3", "4"]
    good = rows[0].plan
    assert good.deal["buyer"] == "Contoso" and good.deal["region"] == "EMEA"
    assert good.sections["stakeholders"][1] == {"name": "Tom Berg", "role": "Head of IT"}
    assert rows[2].plan is None and "'not a date' is not a date" in rows[2].error


def test_file_stem_is_safe_and_refuses_attribute_access():
    assert file_stem("{buyer} - {name}", {"buyer": "../etc", "name": "a/b"}) == "etc - a-b"
    assert file_stem("{buyer} - {name}", {}) == ""
    assert file_stem("{buyer}", {"buyer": "CON"}) == "deal-CON"
    with pytest.raises(MapgenError):
        file_stem("{buyer.__class__}", {"buyer": "x"})


def test_batch_with_a_bad_row_generates_the_others_and_exits_1(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--blueprint", "saas", "--deals",
                                  str(FIXTURES / "deals.csv"), "--out", "out"])
    assert result.exit_code == 1
    assert "deals.csv:4:" in result.output and "not a date" in result.output
    names = sorted(p.name for p in (in_tmp / "out").iterdir())
    assert names == ["Contoso - Analytics rollout.docx", "Contoso - Analytics rollout.xlsx",
                     "Fabrikam - Pilot.docx", "Fabrikam - Pilot.xlsx"]
    again = runner.invoke(main, ["generate", "--blueprint", "saas", "--deals",
                                 str(FIXTURES / "deals.csv"), "--out", "out"])
    assert again.exit_code == 1 and "--force" in again.output
    assert len(list((in_tmp / "out").iterdir())) == 4  # nothing new, nothing overwritten


def test_json_deals_and_a_name_template(runner, in_tmp):
    deals = [{"name": "Pilot", "buyer": "Fabrikam", "go_live": "2027-04-05",
              "close": "2027-03-01", "region": "AMER"},
             {"deal": {"name": "Rollout", "buyer": "Contoso", "go_live": "2027-03-15",
                       "close": "2027-02-12"},
              "sections": {"stakeholders": [{"name": "Sarah", "role": "CFO"}]}}]
    (in_tmp / "deals.json").write_text(json.dumps(deals))
    result = runner.invoke(main, ["generate", "--blueprint", "saas", "--deals", "deals.json",
                                  "--format", "xlsx", "--name", "{buyer}_{name}", "--out", "o"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (in_tmp / "o").iterdir()) == ["Contoso_Rollout.xlsx",
                                                                 "Fabrikam_Pilot.xlsx"]


def test_a_cell_over_several_lines_is_reported_at_its_first_line(in_tmp):
    (in_tmp / "deals.csv").write_text('name,buyer,go_live\n"Two\nlines",X,soon\nB,Y,later\n')
    rows = load_deals(in_tmp / "deals.csv", SAAS)
    assert [r.where for r in rows] == [f"{in_tmp / 'deals.csv'}:2", f"{in_tmp / 'deals.csv'}:4"]
    assert all("is not a date" in r.error for r in rows)


def test_windows_1252_export_is_read_with_a_warning(runner, in_tmp):
    (in_tmp / "deals.csv").write_bytes("name;buyer;go_live;close\nPilot;Zoë;2027-03-15;"
                                       "2027-02-12\n".encode("cp1252"))
    result = runner.invoke(main, ["generate", "--blueprint", "saas", "--deals", "deals.csv",
                                  "--format", "xlsx", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert "not UTF-8; read as Windows-1252" in result.stderr
    assert [p.name for p in (in_tmp / "out").iterdir()] == ["Zoë - Pilot.xlsx"]


@pytest.mark.parametrize("content,words", [
    (b"", "empty"),
    (b"name,buyer,go_live\n\n", "no deals"),
    (b"[]", "no deals"),
    (b"PK\x03\x04rest", "spreadsheet, not CSV"),
    (b"name,name\nA,B\n", "appears twice"),
    (b"[1, 2", "invalid JSON"),
])
def test_unusable_deals_files_exit_2_and_write_nothing(runner, in_tmp, content, words):
    name = "deals.json" if content.startswith(b"[") else "deals.csv"
    (in_tmp / name).write_bytes(content)
    result = runner.invoke(main, ["generate", "--deals", name, "--out", "out"])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert not (in_tmp / "out").exists()


def test_bad_name_template_is_a_usage_error(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--deals", str(FIXTURES / "deals.csv"),
                                  "--name", "{buyer.__class__}", "--out", "out"])
    assert result.exit_code == 2 and "plain deal field" in result.output


def test_hundred_deals_with_tricky_names(runner, in_tmp):
    buyers = ["../etc", "CON", "A/B", "A-B", "Zoë & Co", "dup", "DUP", "x" * 300, " .. ", "nul.txt"]
    with open(in_tmp / "deals.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "buyer", "seller", "start", "close", "go_live", "stakeholders"])
        for i in range(100):
            buyer = buyers[i] if i < len(buyers) else f"Buyer {i}"
            writer.writerow([f"Deal {i % 7}" if i >= len(buyers) else "Deal", buyer, "Nimbus",
                             "2026-12-01", "2027-02-12", "2027-03-15", f"Person {i} (CFO)"])
    start = time.perf_counter()
    result = runner.invoke(main, ["generate", "--blueprint", "saas", "--deals", "deals.csv",
                                  "--out", "out", "--jobs", "2"])
    elapsed = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    files = list((in_tmp / "out").iterdir())
    xlsx = [f for f in files if f.suffix == ".xlsx"]
    docx = [f for f in files if f.suffix == ".docx"]
    assert len(xlsx) == 100 and len(docx) == 100
    assert {f.stem for f in xlsx} == {f.stem for f in docx}
    assert len({f.name.casefold() for f in files}) == 200
    for f in files:
        assert f.parent == in_tmp / "out" and len(f.name) <= 90
        assert f.stem.split(".")[0].strip().casefold() not in {"con", "nul"}
        assert not f.name.startswith((".", "-"))
    printed = [line for line in result.stdout.splitlines() if line.endswith((".xlsx", ".docx"))]
    assert len(printed) == 200
    assert elapsed < 120


def test_blueprint_template_errors_stop_the_batch_before_writing(runner, in_tmp):
    (in_tmp / "deals.csv").write_text("name,buyer,go_live,region\nA,X,2027-03-15,EMEA\n"
                                      "B,Y,2027-03-15,\n")
    (in_tmp / "typo.yaml").write_text('extends: map\ntitle: "MAP for {{ deal.buyr }}"\n')
    result = runner.invoke(main, ["generate", "--blueprint", "typo.yaml", "--deals",
                                  "deals.csv", "--out", "out"])
    assert result.exit_code == 2 and "typo.yaml:2:" in result.output
    assert "deal.buyr" in result.output and not (in_tmp / "out").exists()
    # A text that fails only for deals without a region fails those deals only.
    (in_tmp / "region.yaml").write_text('extends: map\ntitle: "MAP {{ deal.region }}"\n')
    result = runner.invoke(main, ["generate", "--blueprint", "region.yaml", "--deals",
                                  "deals.csv", "--format", "xlsx", "--out", "out"])
    assert result.exit_code == 1
    assert "deals.csv:3:" in result.stderr and "deal.region" in result.stderr
    assert [p.name for p in (in_tmp / "out").iterdir()] == ["X - A.xlsx"]


def test_buyer_copies_are_named_like_a_single_buyer_copy(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--blueprint", "saas", "--deals",
                                  str(FIXTURES / "deals.csv"), "--audience", "buyer",
                                  "--format", "xlsx", "--out", "out"])
    assert result.exit_code == 1  # the fixture's third deal has a bad date
    assert sorted(p.name for p in (in_tmp / "out").iterdir()) == [
        "Contoso - Analytics rollout-buyer.xlsx", "Fabrikam - Pilot-buyer.xlsx"]
    wb = load_workbook(in_tmp / "out" / "Fabrikam - Pilot-buyer.xlsx")
    assert not any("risk" in name.casefold() for name in wb.sheetnames)  # internal section


def _many_deals(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["name", "buyer", "start", "close", "go_live"])
        for n in range(count):  # repeated buyer/deal names test that collisions agree too
            out.writerow([f"Deal {n % 7}", f"Buyer {n % 5}", "2026-12-01", "2027-02-01",
                          "2027-03-01" if n != 3 else "not a date"])
    return path


def _cells(path: Path) -> list:
    wb = load_workbook(path, read_only=True)
    try:
        return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
    finally:
        wb.close()


def test_shards_together_write_exactly_the_whole_batch(runner, in_tmp):
    deals = _many_deals(in_tmp / "deals.csv", 24)
    whole = runner.invoke(main, ["generate", "--deals", str(deals), "--format", "xlsx",
                                 "--out", "whole", "--jobs", "1"])
    assert whole.exit_code == 1 and "deals.csv:5:" in whole.output  # the bad date, once
    shard_files: dict[str, Path] = {}
    failures = []
    for k in (1, 2, 3):
        result = runner.invoke(main, ["generate", "--deals", str(deals), "--format", "xlsx",
                                      "--out", f"shard{k}", "--shard", f"{k}/3", "--jobs", "1"])
        assert result.exit_code in (0, 1), result.output
        failures += [line for line in result.stderr.splitlines() if line.startswith("error:")]
        for path in (in_tmp / f"shard{k}").glob("*.xlsx"):
            assert path.name not in shard_files, f"{path.name} written by two shards"
            shard_files[path.name] = path
    expected = {p.name: p for p in (in_tmp / "whole").glob("*.xlsx")}
    assert sorted(shard_files) == sorted(expected) and len(expected) == 23
    assert failures == [line for line in whole.stderr.splitlines() if line.startswith("error:")]
    for name in list(expected)[:4]:
        assert _cells(shard_files[name]) == _cells(expected[name])


@pytest.mark.parametrize("value", ["0/3", "4/3", "x", "1-3", "1/"])
def test_bad_shard_is_a_usage_error(runner, in_tmp, value):
    result = runner.invoke(main, ["generate", "--deals", str(FIXTURES / "deals.csv"),
                                  "--shard", value, "--out", "out"])
    assert result.exit_code == 2 and "--shard" in result.output
    assert not (in_tmp / "out").exists()


def test_shard_needs_deals(runner, in_tmp):
    result = runner.invoke(main, ["generate", "--shard", "1/2", "--out", "out"])
    assert result.exit_code == 2 and "--deals" in result.output
