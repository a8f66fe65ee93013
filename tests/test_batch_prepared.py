"""Prepared templates: a batch filled into templates writes the same files as one-by-one
generation of each deal, member by member."""

import datetime as dt
import json
import random
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mapgen.cli import main
from mapgen.core.errors import MapgenError
from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import Plan
from mapgen.model.view import build_view
from mapgen.ops.batch import prepare_batch
from mapgen.ops.batch_templates import Prepared, Unusable, tokenize
from mapgen.ops.generate import generate

# docProps/core.xml carries the time of writing (dcterms:created and dcterms:modified): the
# only bytes compared after removing them.
STAMP = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")
BLUEPRINTS = {"saas": load_blueprint("saas"), "map": load_blueprint("map")}

DEALS = [
    {"name": "Deal 1", "buyer": "Buyer 1", "seller": "Nimbus", "start": "2026-12-01",
     "close": "2027-02-12", "go_live": "2027-03-15", "stakeholders": "Sarah (CFO); Tom (IT)"},
    {"name": "Deal 2", "buyer": "Buyer 2", "seller": "Nimbus", "start": "2026-12-01",
     "close": "2027-02-12", "go_live": "2027-03-15", "stakeholders": "Sarah (CFO); Tom (IT)"},
    {"name": "=SUM(A1)<&>\"'", "buyer": "Zürich & Søn <AG> \"Ω\" 'x'", "seller": "+Nimbus",
     "start": "2026-12-01", "close": "2027-02-12", "go_live": "2027-03-15",
     "stakeholders": "-Ann (@CFO); Bø (IT & Ops)"},
    {"name": "=SUM(B1)<&>\"'", "buyer": "Zürcha & Søn <AG> \"Ψ\" 'y'", "seller": "+Nimbus",
     "start": "2026-12-01", "close": "2027-02-12", "go_live": "2027-03-15",
     "stakeholders": "-Bob (@CEO); Cø (IT & Ops)"},
    {"name": "A very long deal name " * 12, "buyer": "Long Buyer Incorporated " * 9,
     "seller": "Nimbus", "close": "2027-05-28", "go_live": "2027-06-30",
     "region": "EMEA 😀 東京"},
    {"name": "A very long deal name " * 12, "buyer": "Long Buyer Incorporates " * 9,
     "seller": "Nimbus", "close": "2027-05-28", "go_live": "2027-06-30",
     "region": "EMEA 😀 大阪"},
    {"name": "@no start", "buyer": "Done", "seller": "High", "close": "2027-03-01",
     "go_live": "2027-04-01"},
    {"name": "@no starz", "buyer": "Dona", "seller": "Higg", "close": "2027-03-01",
     "go_live": "2027-04-01"},
    {"name": "Only once", "buyer": "Solo", "seller": "Nimbus", "start": "2027-01-04",
     "close": "2027-04-01", "go_live": "2027-05-03"},
]


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return {name: STAMP.sub(rb"\1", zf.read(name)) for name in zf.namelist()}


def assert_same_files(batch_paths: list[Path], single_dir: Path) -> None:
    for path in batch_paths:
        mine, theirs = members(path), members(single_dir / path.name)
        assert list(mine) == list(theirs), path.name
        for name in mine:
            assert mine[name] == theirs[name], f"{path.name}: {name}"


def one_by_one(batch, out: Path) -> None:
    """Each deal generated on its own, as ``generate --plan`` would (same stems)."""
    for job in batch.jobs:
        generate(batch.blueprint, plan=job.plan, stem=job.stem, out_dir=out, force=True,
                 audience=batch.options["audience"], protect=batch.options["protect"])


@pytest.mark.parametrize("blueprint", ["saas", "map"])
@pytest.mark.parametrize("audience", ["internal", "buyer"])
def test_templated_batch_writes_what_one_by_one_generation_writes(tmp_path, blueprint, audience):
    deals = tmp_path / "deals.json"
    deals.write_text(json.dumps(DEALS), encoding="utf-8")
    batch = prepare_batch(deals, BLUEPRINTS[blueprint], out_dir=tmp_path / "batch",
                          audience=audience, protect=audience == "buyer")
    result = batch.run(1)
    assert result.ok and result.generated == len(DEALS)
    assert result.templated == len(DEALS) - 1  # every shape but the one deal of its own
    assert result.fallbacks == {"the only deal of its shape": 1}
    one_by_one(batch, tmp_path / "single")
    assert_same_files(result.written, tmp_path / "single")
    plan = read_workbook(result.written[4])  # and it reads back as the deal
    assert plan.deal["name"] == DEALS[2]["name"] and plan.deal["buyer"] == DEALS[2]["buyer"]


def test_parallel_templated_batch_matches_too(tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("name,buyer,seller,start,close,go_live,stakeholders\n" + "".join(
        f"Deal {i},Buyer {i % 3},Nimbus,2026-12-01,2027-02-12,2027-03-{10 + i % 2},"
        f"Sarah (CFO); Tom (IT)\n" for i in range(12)), encoding="utf-8")
    batch = prepare_batch(deals, BLUEPRINTS["saas"], out_dir=tmp_path / "batch")
    result = batch.run(2)
    # Deal 10 and Deal 11 share a shape although their go-live dates are a day apart
    assert result.ok and result.templated == 12 and result.fallbacks == {}
    assert [p.name for p in result.written] == [
        f"Buyer {i % 3} - Deal {i}.{fmt}" for i in range(12) for fmt in ("xlsx", "docx")]
    one_by_one(batch, tmp_path / "single")
    assert_same_files(result.written, tmp_path / "single")


def varied_deals(n: int, seed: int = 18) -> list[dict]:
    """Deals as a real export has them: each its own start, close and go-live (some before
    today, some around it: overdue bars and this week's column), days of one and two digits."""
    rnd = random.Random(seed)
    today = dt.date.today()
    deals = []
    for i in range(n):
        start = today + dt.timedelta(days=rnd.randrange(-120, 300))
        close = start + dt.timedelta(days=rnd.choice([42, 49, 56, rnd.randrange(30, 120)]))
        go_live = close + dt.timedelta(days=rnd.choice([21, 28, rnd.randrange(14, 90)]))
        deals.append({"name": f"Deal {i % 10}", "buyer": f"Buyer {i % 7}", "seller": "Nimbus",
                      "start": start.isoformat(), "close": close.isoformat(),
                      "go_live": go_live.isoformat(), "stakeholders": "Sarah (CFO); Tom (IT)"})
    deals.append({**deals[0], "start": today.isoformat()})  # a deal date on the day of writing
    deals.append({**deals[1], "close": (dt.date.fromisoformat(deals[1]["go_live"])
                                        - dt.timedelta(weeks=6)).isoformat()})  # two dates one
    return deals


@pytest.mark.parametrize("blueprint", ["saas", "map"])
@pytest.mark.parametrize("audience", ["internal", "buyer"])
def test_deals_with_their_own_dates_share_templates_and_match(tmp_path, blueprint, audience):
    """A real export: every deal its own dates. Most share a template all the same (dates are
    slots), and every file is the one generated on its own."""
    deals = tmp_path / "deals.json"
    deals.write_text(json.dumps(varied_deals(40)), encoding="utf-8")
    batch = prepare_batch(deals, BLUEPRINTS[blueprint], out_dir=tmp_path / "batch",
                          audience=audience, protect=audience == "buyer")
    result = batch.run(1)
    assert result.ok and result.generated == 42
    assert result.templated >= 21, result.fallbacks
    one_by_one(batch, tmp_path / "single")
    assert_same_files(result.written, tmp_path / "single")


def test_a_template_fills_in_other_dates_than_its_own(tmp_path):
    """The template of a shape made for one deal, filled in for another with other dates:
    the workbook's serial numbers and metadata, the handout's printed dates, the timeline's
    week labels and bars are the other deal's."""
    bp = BLUEPRINTS["saas"]
    first = {"name": "Deal 1", "buyer": "Buyer 1", "start": dt.date(2027, 3, 1),
             "close": dt.date(2027, 5, 14), "go_live": dt.date(2027, 6, 15)}
    second = {"name": "Deal 2", "buyer": "Buyer 2", "start": dt.date(2027, 9, 8),
              "close": dt.date(2027, 11, 25), "go_live": dt.date(2027, 12, 22)}
    prepared = Prepared(bp, formats=["xlsx", "docx"], audience="internal")
    plans = [Plan(deal=d) for d in (first, second)]
    shapes = [prepared.check(p, build_view(bp, p))[0] for p in plans]
    assert shapes[0] == shapes[1] is not None
    out = tmp_path / "t"
    for n, plan in enumerate(plans):
        written = prepared.write(plan, shapes[n], [(f, out / f"deal{n}.{f}") for f in ("xlsx", "docx")],
                                 force=True)
    generate(bp, plan=plans[1], stem="deal1", out_dir=tmp_path / "single", force=True)
    assert_same_files(written, tmp_path / "single")
    package = prepared._packages[next(iter(prepared._packages))]
    assert package.view.deal["start"] == first["start"]  # made for the first deal


def test_a_deal_whose_dates_take_other_lines_is_refused(tmp_path):
    """The handout's layout counts its texts' lines: a deal whose printed dates would take
    other lines than the template's is refused the template (here: the measure altered)."""
    bp = BLUEPRINTS["saas"]
    plans = [Plan(deal={"name": f"Deal {n}", "buyer": "Buyer", "start": dt.date(2027, 3, n),
                        "close": dt.date(2027, 5, 10 + n), "go_live": dt.date(2027, 6, 15 + n)})
             for n in (1, 2)]
    prepared = Prepared(bp, formats=["docx"], audience="internal")
    shape = prepared.check(plans[0], build_view(bp, plans[0]))[0]
    assert shape == prepared.check(plans[1], build_view(bp, plans[1]))[0]
    prepared.write(plans[0], shape, [("docx", tmp_path / "a.docx")], force=True)
    (package,) = prepared._packages.values()
    assert package.measures  # the deadline cells print dates: measured
    pieces, per_line, lines = package.measures[0]
    package.measures[0] = (pieces, per_line, lines + 1)
    with pytest.raises(Unusable, match="layout"):
        prepared.write(plans[1], shape, [("docx", tmp_path / "b.docx")], force=True)
    assert not (tmp_path / "b.docx").exists()


def test_deals_whose_rows_keep_links_are_written_one_by_one(tmp_path):
    """The handout makes a kept link a hyperlink when it is a web or mail address, which a
    token cannot show: such deals go one by one (a template printed the link as plain text)."""
    deals = tmp_path / "deals.json"
    deals.write_text(json.dumps({"deals": [
        {"deal": {"name": f"Deal {n}", "buyer": f"Buyer {n}"},
         "sections": {"action_items": [{"description": "Call", "deadline": "2027-01-15",
                                        "_notes": {"description": {
                                            "comment": "See", "link": f"https://ex{n}.com/a"}}}]}}
        for n in range(2)]}), encoding="utf-8")
    batch = prepare_batch(deals, BLUEPRINTS["map"], out_dir=tmp_path / "batch")
    result = batch.run(1)
    assert result.ok and result.templated == 0 and result.fallbacks == {"a row keeps a link": 2}
    one_by_one(batch, tmp_path / "single")
    assert_same_files(result.written, tmp_path / "single")


def test_a_blueprint_that_transforms_a_value_falls_back(tmp_path):
    source = tmp_path / "upper.yaml"
    source.write_text('name: upper\nextends: map\nversion: "1"\n'
                      'title: "Plan for {{ (deal.buyer or \'\') | upper }}"\n', encoding="utf-8")
    deals = tmp_path / "deals.csv"
    deals.write_text("name,buyer\nA,acme\nB,acmf\n", encoding="utf-8")
    batch = prepare_batch(deals, load_blueprint(source), out_dir=tmp_path / "batch")
    result = batch.run(1)
    assert result.templated == 0 and sum(result.fallbacks.values()) == 2
    one_by_one(batch, tmp_path / "single")
    assert_same_files(result.written, tmp_path / "single")


def test_templated_batch_never_overwrites_without_force(runner, in_tmp):
    deals = in_tmp / "deals.csv"
    deals.write_text("name,buyer\nA,One\nB,Two\n", encoding="utf-8")
    args = ["generate", "--deals", str(deals), "--out", "out"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0 and "2 from a prepared template" in first.output
    before = {p.name: p.read_bytes() for p in (in_tmp / "out").iterdir()}
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert {p.name: p.read_bytes() for p in (in_tmp / "out").iterdir()} == before
    assert not [p for p in (in_tmp / "out").iterdir() if p.name.startswith(".")]


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
               max_size=40).map(str.strip).filter(bool)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(name=text, buyer=text, seller=st.one_of(st.none(), text),
       go_live=st.one_of(st.none(), st.dates(min_value=__import__("datetime").date(2026, 6, 1),
                                             max_value=__import__("datetime").date(2028, 1, 1))),
       people=st.lists(st.tuples(text, text), max_size=3),
       blueprint=st.sampled_from(["saas", "map"]), audience=st.sampled_from(["internal", "buyer"]))
def test_any_deal_through_its_template_is_the_deal_generated_on_its_own(
        tmp_path_factory, name, buyer, seller, go_live, people, blueprint, audience):
    """A deal's files from its shape's template (made for another deal of the same shape) equal
    its files generated on its own; or the deal is refused the template."""
    bp = BLUEPRINTS[blueprint]
    deal = {"name": name, "buyer": buyer, "seller": seller, "go_live": go_live}
    deal = {k: v for k, v in deal.items() if v is not None}
    rows = [{"name": n, "role": r} for n, r in people]
    plan = Plan(deal=deal, sections={"stakeholders": rows} if rows else {})
    twin = Plan(deal={k: (_twin(v) if isinstance(v, str) else v) for k, v in deal.items()},
                sections={"stakeholders": [{k: _twin(v) for k, v in r.items()} for r in rows]}
                if rows else {})
    try:
        assert tokenize(plan)[2] == tokenize(twin)[2]
    except Unusable:  # a value holding the tokens' own private-use characters: no template
        key, why = Prepared(bp, formats=["xlsx"], audience=audience).check(plan, None)
        assert key is None and why
        return
    out = tmp_path_factory.mktemp("deal")
    prepared = Prepared(bp, formats=["xlsx", "docx"], audience=audience)
    try:
        view = build_view(bp, plan, audience=audience)
    except MapgenError:  # e.g. saas without a go-live date: the deal fails either way
        event("no view")
        return
    key, why = prepared.check(plan, view)
    event(f"template: {why or 'used'}")
    if key is None:
        return
    twin_key, _ = prepared.check(twin, build_view(bp, twin, audience=audience))
    assert twin_key == key
    targets = [(fmt, out / f"twin.{fmt}") for fmt in ("xlsx", "docx")]
    prepared.write(twin, key, targets, force=True)  # the template is made for the twin
    targets = [(fmt, out / f"deal.{fmt}") for fmt in ("xlsx", "docx")]
    written = prepared.write(plan, key, targets, force=True)
    generate(bp, plan=plan, stem="deal", out_dir=out / "single", force=True, audience=audience)
    assert_same_files(written, out / "single")


def _twin(value: str) -> str:
    """Another value of the same shape: each letter or digit moved to another."""
    return "".join(chr(ord(c) + 1) if c.isascii() and c.isalnum() and c not in "9zZ" else c
                   for c in value)


# Texts of any characters a CSV can hold, control characters too (the writers drop those).
plain_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                     max_size=40).map(str.strip).filter(bool)
day = st.dates(min_value=dt.date.today() - dt.timedelta(days=200),
               max_value=dt.date.today() + dt.timedelta(days=400))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(name=plain_text, buyer=plain_text, start=day,
       later=st.tuples(st.integers(1, 150), st.integers(1, 120)),
       known=st.sampled_from(["sc", "sg", "cg", "scg", "scg", "scg", "g"]),
       moves=st.lists(st.integers(-20, 20), min_size=3, max_size=3),
       people=st.lists(st.tuples(plain_text, plain_text), max_size=2),
       blueprint=st.sampled_from(["saas", "map"]), audience=st.sampled_from(["internal", "buyer"]))
def test_any_deal_through_a_template_made_for_other_dates_is_the_deal_generated_on_its_own(
        tmp_path_factory, name, buyer, start, later, known, moves, people, blueprint, audience):
    """A deal's files from a template made for a deal of the same shape with other dates (each
    moved by its own number of days) equal its files generated on its own, format by format;
    or the format is refused the template."""
    bp = BLUEPRINTS[blueprint]
    close = start + dt.timedelta(days=later[0])
    dates = {"start": start if "s" in known else None, "close": close if "c" in known else None,
             "go_live": close + dt.timedelta(days=later[1]) if "g" in known else None}
    deal = {"name": name, "buyer": buyer, **{k: v for k, v in dates.items() if v is not None}}
    other = {**deal, **{k: v + dt.timedelta(days=m) for (k, v), m in zip(dates.items(), moves,
                                                                         strict=True) if v}}
    rows = [{"name": n, "role": r} for n, r in people]
    sections = {"stakeholders": rows} if rows else {}
    plan, twin = Plan(deal=deal, sections=sections), Plan(deal=other, sections=sections)
    prepared = Prepared(bp, formats=["xlsx", "docx"], audience=audience)
    try:
        view, twin_view = (build_view(bp, p, audience=audience) for p in (plan, twin))
    except MapgenError:
        event("no view")
        return
    shape, why = prepared.check(plan, view)
    twin_shape, _ = prepared.check(twin, twin_view)
    if shape is None or twin_shape is None:
        event(f"template: {why}")
        return
    shared = tuple(pair for pair in shape if pair in twin_shape)
    event(f"formats shared: {[fmt for fmt, _key in shared]}")
    if not shared:
        return
    out = tmp_path_factory.mktemp("deal")
    targets = [(fmt, out / f"twin.{fmt}") for fmt, _key in shared]
    try:
        prepared.write(twin, shared, targets, force=True)  # the templates are made for the twin
        written = prepared.write(plan, shared, [(f, out / f"deal.{f}") for f, _k in shared],
                                 force=True)
    except Unusable as exc:
        event(f"refused: {exc}")
        return
    generate(bp, plan=plan, stem="deal", formats=[f for f, _k in shared], out_dir=out / "single",
             force=True, audience=audience)
    assert_same_files(written, out / "single")
