"""Property: a blueprint that mapgen writes a workbook from, imported back, gives the same
sections, columns, types and choices (text and long text are one family: a workbook shows no
difference between them without values to measure)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.model.blueprint import load_blueprint
from mapgen.ops.blueprint_import import import_template
from mapgen.ops.generate import generate

WORDS = ["Budget", "Risk", "Owner", "Milestone", "Review", "Contract", "Region", "Sponsor",
         "Signal", "Scope", "Pilot", "Training", "Launch", "Renewal", "Partner", "Forecast"]
TYPES = ["text", "longtext", "integer", "date", "choice", "percent"]
CHOICES = ["Green", "Amber", "Red", "Open", "Later", "Maybe"]


@st.composite
def blueprints(draw):
    titles = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True))
    sections = []
    for n, title in enumerate(titles):
        headers = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=5, unique=True))
        columns, example = [], {}
        for h, header in enumerate(headers):
            kind = draw(st.sampled_from(TYPES))
            key = f"c{h}"
            column = {"key": key, "header": f"{header} {h + 1}", "type": kind}
            if kind == "choice":
                column["choices"] = draw(st.lists(st.sampled_from(CHOICES), min_size=2, max_size=4,
                                                  unique=True))
                example[key] = column["choices"][0]
            else:
                example[key] = {
                    "text": draw(st.sampled_from(WORDS)),
                    "longtext": " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=12,
                                                       max_size=14))),
                    "integer": draw(st.integers(1, 999)),
                    "date": draw(st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))).isoformat(),
                    "percent": draw(st.sampled_from([0.1, 0.25, 0.5, 0.75, 1.0])),
                }[kind]
            columns.append(column)
        sections.append({"key": f"s{n}", "title": f"{title} plan", "purpose": f"Why {title}.",
                         "columns": columns, "examples": [example], "blank_rows": 3})
    return {"name": "made", "title": "Made", "sections": sections}


def _family(kind: str) -> str:
    return "text" if kind in ("text", "longtext") else kind


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blueprints())
def test_generated_workbook_imports_to_the_same_blueprint(data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "made.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        made = load_blueprint(str(folder / "made.yaml"))
        [path] = generate(made, formats=["xlsx"], out_dir=folder / "out")
        result = import_template(path, name="back", extends=None)
        (folder / "back.yaml").write_text(result.text)
        back = load_blueprint(str(folder / "back.yaml"))
    assert [s.label for s in back.sections] == [s.label for s in made.sections]
    for mine, theirs in zip(back.sections, made.sections, strict=True):
        assert [c.title for c in mine.columns] == [c.title for c in theirs.columns]
        assert [_family(c.type) for c in mine.columns] == [_family(c.type) for c in theirs.columns]
        assert [c.choices for c in mine.columns] == [c.choices for c in theirs.columns]
        assert mine.purpose == theirs.purpose
