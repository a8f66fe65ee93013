"""``generate --deals --format ics --owner NAME``: each deal's calendar holds exactly that
person's events, a deal without any gets no calendar (and the summary says how many), shards
and prepared templates keep working, and bad combinations stop before anything is written.
Every calendar is read back with icalendar."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import icalendar
import pytest

from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import load_blueprint
from mapgen.ops.batch import prepare_batch

SAAS = load_blueprint("saas")
DATES = {"start": "2026-12-01", "close": "2027-02-12", "go_live": "2027-03-15"}
# the saas blueprint's standard rows are the AE's, SE's, CSM's (and shared) items; these deals
# add their own action items
ANN_ITEMS = [
    {"description": "Kick-off call", "deadline": "2026-12-03", "responsible": "Ann Lee",
     "status": "Done"},
    {"description": "Security review", "phase": 2, "deadline": "2027-01-15",
     "responsible": "ann lee / Bob Diaz", "status": "In progress"},
    {"description": "Undated for Ann", "responsible": "Ann Lee"},
]
BOB_ITEMS = [{"description": "Pricing approved", "deadline": "2027-01-20",
              "responsible": "Bob Diaz"}]


def deal(n: int, items: list[dict], **facts) -> dict:
    return {"deal": {"name": f"Deal {n}", "buyer": f"Buyer {n}", "seller": "Nimbus",
                     **DATES, **facts},
            "sections": {"action_items": items}}


def write_deals(path: Path, deals: list[dict]) -> Path:
    path.write_text(json.dumps({"deals": deals}), encoding="utf-8")
    return path


def run(runner, *args: str):
    return runner.invoke(main, ["generate", "--blueprint", "saas", *args])


def events(path: Path) -> dict[str, tuple[str, str, str]]:
    """The calendar's events by UID: (date, summary, the Owner line of the description)."""
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    out = {}
    for event in cal.walk("VEVENT"):
        owner = next((line.removeprefix("Owner: ") for line in str(event["description"]).split("\n")
                      if line.startswith("Owner: ")), "")
        out[str(event["uid"])] = (event.decoded("dtstart").isoformat(), str(event["summary"]),
                                  owner)
    return out


def names_ann(owner_line: str) -> bool:
    return "ann lee" in {p.strip().casefold() for p in re.split(r"[/,;&+]|\band\b", owner_line)}


def summary_count(stderr: str) -> int:
    """How many deals the summary says have no events (0 when it says nothing)."""
    match = re.search(r"^(\d+) deals? ha(?:s|ve) no events for ", stderr, flags=re.M)
    return int(match.group(1)) if match else 0


@pytest.fixture
def mixed(tmp_path) -> Path:
    """Deals with Ann's items, without (Bob's only, none at all, no dates) and a bad one."""
    return write_deals(tmp_path / "deals.json", [
        deal(1, ANN_ITEMS + BOB_ITEMS),
        deal(2, BOB_ITEMS),
        deal(3, [ANN_ITEMS[1]], go_live="2027-06-01"),
        deal(4, []),
        {"deal": {"name": "Deal 5", "buyer": "Buyer 5", "go_live": "not a date"}},
        deal(6, ANN_ITEMS[2:]),  # Ann has an item, but without a date
    ])


def test_each_deals_calendar_holds_exactly_that_owners_events(runner, mixed, tmp_path):
    everyone = run(runner, "--deals", str(mixed), "--format", "ics", "--out", str(tmp_path / "all"))
    assert everyone.exit_code == 1, everyone.output  # deal 5's date
    ann = run(runner, "--deals", str(mixed), "--format", "ics", "--owner", "ANN LEE",
              "--out", str(tmp_path / "ann"))
    assert ann.exit_code == 1, ann.output
    written = sorted(Path(p).name for p in ann.stdout.splitlines())
    assert written == ["Buyer 1 - Deal 1.ics", "Buyer 3 - Deal 3.ics"]
    assert sorted(p.name for p in (tmp_path / "ann").iterdir()) == written
    for name in written:
        mine = events(tmp_path / "ann" / name)
        full = events(tmp_path / "all" / name)
        # the full calendar's events that name Ann as owner, and only those, event for event
        assert mine == {uid: e for uid, e in full.items() if names_ann(e[2])}
        assert mine and len(mine) < len(full)
    assert sorted(s for _, s, _ in events(tmp_path / "ann" / "Buyer 1 - Deal 1.ics").values()) == [
        "Done: Kick-off call (Buyer 1)", "Security review (Buyer 1)"]
    assert [(d, s) for d, s, _ in events(tmp_path / "ann" / "Buyer 3 - Deal 3.ics").values()] == [
        ("2027-01-15", "Security review (Buyer 3)")]
    # deals 2, 4 and 6 have no events of Ann's; deal 5 failed (and is not counted there)
    assert "3 deals have no events for ANN LEE: no calendar written for them" in ann.stderr
    assert "2 deals generated, 1 failed" in ann.stderr
    assert "Deal 5" in ann.stderr or "deal 5" in ann.stderr


def test_the_batch_calendar_is_the_single_plan_calendar(runner, mixed, tmp_path):
    run(runner, "--deals", str(mixed), "--format", "ics", "--owner", "Ann Lee", "--owner", "SE",
        "--out", str(tmp_path / "batch"))
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format": "mapgen-plan", "format_version": 1,
                                "blueprint": {"name": "saas", "version": "1"},
                                **deal(1, ANN_ITEMS + BOB_ITEMS)}))
    one = run(runner, "--plan", str(plan), "--format", "ics", "--owner", "Ann Lee", "--owner",
              "SE", "--out", str(tmp_path / "one"))
    assert one.exit_code == 0, one.output
    batch = events(tmp_path / "batch" / "Buyer 1 - Deal 1.ics")
    assert batch == events(Path(one.stdout.strip()))
    assert {o for _, _, o in batch.values()} == {"Ann Lee", "ann lee / Bob Diaz", "SE"}


def test_a_deal_without_events_is_reported_once_and_gets_no_empty_calendar(runner, tmp_path):
    deals = write_deals(tmp_path / "deals.json", [deal(1, BOB_ITEMS), deal(2, ANN_ITEMS)])
    result = run(runner, "--deals", str(deals), "--format", "ics", "--owner", "Ann Lee",
                 "--owner", "Zoe", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert [Path(p).name for p in result.stdout.splitlines()] == ["Buyer 2 - Deal 2.ics"]
    assert not (tmp_path / "out" / "Buyer 1 - Deal 1.ics").exists()
    lines = result.stderr.splitlines()
    assert lines[-2:] == ["1 deal generated, 0 failed",
                          "1 deal has no events for Ann Lee or Zoe: no calendar written for it"]
    # nobody's calendar: nothing to write, still not an error
    nobody = run(runner, "--deals", str(deals), "--format", "ics", "--owner", "Nobody",
                 "--out", str(tmp_path / "none"))
    assert nobody.exit_code == 0 and nobody.stdout == ""
    assert "2 deals have no events for Nobody" in nobody.stderr
    assert not (tmp_path / "none").exists() or not any((tmp_path / "none").iterdir())
    # every deal has events: no such line
    everyone = run(runner, "--deals", str(deals), "--format", "ics", "--owner", "AE",
                   "--out", str(tmp_path / "ae"))
    assert everyone.exit_code == 0 and "no events" not in everyone.stderr
    assert len(everyone.stdout.splitlines()) == 2


def test_a_deal_without_events_does_not_clash_with_an_existing_calendar(runner, tmp_path):
    """Its calendar is not written, so an old file of that name is left alone (no --force
    needed), while a deal that does get a calendar still refuses to overwrite."""
    deals = write_deals(tmp_path / "deals.json", [deal(1, BOB_ITEMS), deal(2, ANN_ITEMS)])
    out = tmp_path / "out"
    out.mkdir()
    (out / "Buyer 1 - Deal 1.ics").write_bytes(b"old")
    result = run(runner, "--deals", str(deals), "--format", "ics", "--owner", "Ann Lee",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "Buyer 1 - Deal 1.ics").read_bytes() == b"old"
    again = run(runner, "--deals", str(deals), "--format", "ics", "--owner", "Ann Lee",
                "--out", str(out))
    assert again.exit_code == 1 and "Deal 2" not in again.stdout
    assert "1 failed" in again.stderr


def _many(tmp_path: Path, count: int) -> Path:
    deals = []
    for n in range(1, count + 1):
        items = [ANN_ITEMS, BOB_ITEMS, ANN_ITEMS[1:2] + BOB_ITEMS, []][n % 4]
        deals.append(deal(n, items, go_live=f"2027-{3 + n % 6:02d}-15"))
    deals.append(deal(count + 1, ANN_ITEMS))  # the same deal twice: -2 in the name
    deals.append(deal(count + 1, ANN_ITEMS))
    return write_deals(tmp_path / "many.json", deals)


def test_shards_together_write_exactly_the_unsharded_owner_calendars(runner, tmp_path):
    deals = _many(tmp_path, 22)
    whole = run(runner, "--deals", str(deals), "--format", "ics", "--owner", "Ann Lee",
                "--out", str(tmp_path / "whole"), "--jobs", "2")
    assert whole.exit_code == 0, whole.output
    expected = {p.name: events(p) for p in (tmp_path / "whole").glob("*.ics")}
    assert len(expected) == 13 and "Buyer 23 - Deal 23-2.ics" in expected
    assert summary_count(whole.stderr) == 11
    union: dict[str, dict] = {}
    no_events = 0
    for k in (1, 2, 3):
        result = run(runner, "--deals", str(deals), "--format", "ics", "--owner", "Ann Lee",
                     "--shard", f"{k}/3", "--out", str(tmp_path / f"shard{k}"), "--jobs", "1")
        assert result.exit_code == 0, result.output
        no_events += summary_count(result.stderr)
        for path in (tmp_path / f"shard{k}").glob("*.ics"):
            assert path.name not in union, f"{path.name} written by two shards"
            union[path.name] = events(path)
    assert union == expected
    assert no_events == 11


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    stamp = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")
    with zipfile.ZipFile(path) as zf:
        return {name: stamp.sub(rb"\1", zf.read(name)) for name in zf.namelist()}


@pytest.mark.parametrize("workers", [1, 2])
def test_prepared_templates_leave_the_calendar_to_its_writer(tmp_path, workers):
    """xlsx from prepared templates beside the owner's ics: the workbooks are those of a batch
    without owners, every deal has its workbook, only deals with Ann's items a calendar."""
    deals = write_deals(tmp_path / "deals.json",
                        [deal(n, ANN_ITEMS if n % 2 else BOB_ITEMS) for n in range(1, 10)])
    plain = prepare_batch(deals, SAAS, formats=["xlsx"], out_dir=tmp_path / "plain").run(1)
    batch = prepare_batch(deals, SAAS, formats=["xlsx", "ics"], out_dir=tmp_path / "ann",
                          owners=["Ann Lee"])
    result = batch.run(workers)
    assert result.ok and result.generated == 9 and result.templated == 9
    assert len(result.no_events) == 4 and all("deal " in w for w in result.no_events)
    xlsx = sorted(p.name for p in result.written if p.suffix == ".xlsx")
    assert xlsx == sorted(p.name for p in plain.written)
    for path in plain.written:
        assert _xlsx_parts(tmp_path / "ann" / path.name) == _xlsx_parts(path)
    calendars = sorted(p for p in result.written if p.suffix == ".ics")
    assert [p.stem for p in calendars] == sorted(f"Buyer {n} - Deal {n}" for n in (1, 3, 5, 7, 9))
    for path in calendars:
        assert {s.split(" (")[0] for _, s, _ in events(path).values()} == {
            "Done: Kick-off call", "Security review"}


def test_the_library_checks_owners(tmp_path):
    deals = write_deals(tmp_path / "deals.json", [deal(1, ANN_ITEMS)])
    with pytest.raises(MapgenError, match="ics"):
        prepare_batch(deals, SAAS, formats=["xlsx", "docx"], owners=["Ann"])
    with pytest.raises(MapgenError, match="name"):
        prepare_batch(deals, SAAS, formats=["ics"], owners=["Ann", " "])
    assert prepare_batch(deals, SAAS, formats=["ics"]).no_events == []


@pytest.mark.parametrize("args, words", [
    (["--owner", "Ann"], "--format ics"),                                 # --format all
    (["--owner", "Ann", "--format", "xlsx"], "--format ics"),
    (["--owner", "Ann", "--format", "docx", "--shard", "1/2"], "--format ics"),
    (["--owner", "", "--format", "ics"], "--owner needs a person's name"),
    (["--owner", "Ann", "--owner", "  ", "--format", "ics"], "--owner needs a person's name"),
    (["--owner", "Ann", "--format", "ics", "--plan", "PLAN"], "either --plan or --deals"),
])
def test_bad_combinations_say_one_line_and_write_nothing(runner, mixed, tmp_path, args, words):
    args = [str(tmp_path / "plan.json") if a == "PLAN" else a for a in args]
    (tmp_path / "plan.json").write_text(json.dumps({"deal": {"name": "x"}}))
    result = run(runner, "--deals", str(mixed), *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and words in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, words", [
    (["--owner", "", "--format", "ics"], "--owner needs a person's name"),
    (["--owner", "Ann", "--format", "md"], "--format ics"),
    (["--owner", "Ann", "--format", "ics", "--shard", "1/2"], "give --deals too"),
])
def test_bad_combinations_of_one_plan_say_one_line(runner, tmp_path, args, words):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format": "mapgen-plan", "format_version": 1,
                                "blueprint": {"name": "saas", "version": "1"},
                                **deal(1, ANN_ITEMS)}))
    result = run(runner, "--plan", str(plan), *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and words in line
    assert not (tmp_path / "out").exists()


def test_help_says_owner_works_with_deals(runner):
    text = " ".join(runner.invoke(main, ["generate", "--help"]).output.split())
    assert "With --deals, each deal's calendar holds that person's items" in text
    assert "--deals crm-export.csv --format ics --owner CSM" in text
