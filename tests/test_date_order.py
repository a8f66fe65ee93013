"""Date order: one rule per file (CRM export, plan file), --date-order deciding when asked."""

import datetime as dt
import json

from openpyxl import load_workbook

from mapgen.cli import main
from mapgen.core.date_order import decide
from mapgen.formats.xlsx.meta import read_meta
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import plan_from_data

D = dt.date


def test_the_rule():
    assert decide([("a", "13/04/2027"), ("b", "05/01/2027")]).day_first is True
    assert decide([("a", "04/13/2027"), ("b", "05/01/2027")]).day_first is False
    mixed = decide([("column 'start'", "13/04/2027"), ("column 'close'", "04/13/2027")])
    assert mixed.problem == ("mixed-date-order",
                             "column 'start' has the day first ('13/04/2027') but column 'close' "
                             "has the month first ('04/13/2027'); write the dates one way")
    both = decide([("column 'start'", "05/01/2027"), ("x", "2027-01-01"), ("y", "01/01/2027")])
    assert both.day_first is True and both.problem[0] == "date-order"
    assert decide([("a", "13/04/2027")], "mdy").day_first is False
    assert decide([("a", "2027-04-13"), ("b", "TBD")]) .problem is None


def _deals(tmp, rows):
    path = tmp / "crm.csv"
    path.write_text("name,buyer,start,close,go_live\n" + "".join(f"{r}\n" for r in rows))
    return path


def _deal_dates(path):
    meta = read_meta(load_workbook(path, read_only=True))
    return {k: meta.deal.get(k) for k in ("start", "close", "go_live")}


def test_a_us_crm_export_is_read_month_first(runner, in_tmp):
    _deals(in_tmp, ["Rollout,Contoso,04/13/2027,05/01/2027,06/01/2027",
                    "Pilot,Fabrikam,03/02/2027,04/05/2027,05/06/2027"])
    result = runner.invoke(main, ["generate", "--deals", "crm.csv", "--format", "xlsx",
                                  "--out", "o"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    files = sorted((in_tmp / "o").iterdir())
    assert [f.name for f in files] == ["Contoso - Rollout.xlsx", "Fabrikam - Pilot.xlsx"]
    assert _deal_dates(files[0]) == {"start": "2027-04-13", "close": "2027-05-01",
                                     "go_live": "2027-06-01"}
    assert _deal_dates(files[1]) == {"start": "2027-03-02", "close": "2027-04-05",
                                     "go_live": "2027-05-06"}


def test_a_crm_export_that_reads_both_ways_warns_and_date_order_decides(runner, in_tmp):
    _deals(in_tmp, ["Rollout,Contoso,03/02/2027,04/05/2027,05/06/2027"])
    result = runner.invoke(main, ["generate", "--deals", "crm.csv", "--format", "xlsx",
                                  "--out", "o"])
    assert result.exit_code == 0, result.output
    assert ("warning: crm.csv: every date reads both ways (like '03/02/2027' in column "
            "'start'); read day-first, not month-first; give --date-order dmy or mdy to choose"
            ) in result.output
    assert _deal_dates(in_tmp / "o" / "Contoso - Rollout.xlsx")["start"] == "2027-02-03"
    result = runner.invoke(main, ["generate", "--deals", "crm.csv", "--format", "xlsx",
                                  "--out", "o", "--force", "--date-order", "mdy"])
    assert result.exit_code == 0 and "warning" not in result.output
    assert _deal_dates(in_tmp / "o" / "Contoso - Rollout.xlsx") == {
        "start": "2027-03-02", "close": "2027-04-05", "go_live": "2027-05-06"}


def test_a_crm_export_written_both_ways_is_refused(runner, in_tmp):
    _deals(in_tmp, ["Rollout,Contoso,13/04/2027,05/01/2027,06/01/2027",
                    "Pilot,Fabrikam,04/13/2027,05/01/2027,06/01/2027"])
    result = runner.invoke(main, ["generate", "--deals", "crm.csv", "--out", "o"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Error: crm.csv: column 'start' has the day first ('13/04/2027') but column 'start' has "
        "the month first ('04/13/2027'); write the dates one way, or give --date-order dmy or mdy")
    assert not (in_tmp / "o").exists()


def test_a_plan_file_is_read_one_way(runner, in_tmp):
    bp = load_blueprint("map")
    data = {"deal": {"start": "04/13/2027", "go_live": "06/01/2027"},
            "sections": {"action_items": [{"description": "Kick-off", "deadline": "05/02/2027"}]}}
    plan = plan_from_data(data, bp)
    assert plan.deal["go_live"] == D(2027, 6, 1)
    assert plan.sections["action_items"][0]["deadline"] == D(2027, 5, 2)
    assert plan.issues == []
    data["deal"]["start"] = "05/04/2027"
    plan = plan_from_data(data, bp)
    assert [i.code for i in plan.issues] == ["date-order"]
    assert plan.deal["go_live"] == D(2027, 1, 6)
    (in_tmp / "plan.json").write_text(json.dumps({**data, "deal": {"start": "13/04/2027",
                                                                   "go_live": "06/14/2027"}}))
    result = runner.invoke(main, ["status", "plan.json", "--as-of", "2027-01-01"])
    assert result.exit_code == 1
    assert ("deal 'start' has the day first ('13/04/2027') but deal 'go_live' has the month "
            "first ('06/14/2027')") in result.output
