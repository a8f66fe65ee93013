"""The small wrongs a newcomer meets: each through the CLI or the files as shipped."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mapgen.cli import main
from tests.conftest import FIXTURES, ROOT


@pytest.mark.parametrize("blueprint", ["map", "map-de", "saas"])
def test_the_deals_action_item_is_numbered(in_tmp, runner, blueprint):
    done = runner.invoke(main, ["generate", "--blueprint", blueprint, "--plan",
                                str(FIXTURES / "deal.yaml"), "--format", "xlsx", "--out", "x.xlsx"])
    assert done.exit_code == 0, done.output
    read = runner.invoke(main, ["read", "x.xlsx", "--out", "plan.json"])
    assert read.exit_code == 0, read.output
    import json

    items = json.loads(Path("plan.json").read_text())["sections"]["action_items"]
    assert items and all(isinstance(row.get("number"), int) for row in items)
    kick_off = [r for r in items if r["description"] == "Kick-off call with the buying group"]
    assert len(kick_off) == 1 and kick_off[0]["number"] >= 1


@pytest.mark.parametrize("blueprint", ["map", "map-de", "map-sv", "map-fr", "map-es", "map-nl"])
def test_buyer_stakeholder_instructions_do_not_ask_for_the_impact_column(in_tmp, runner, blueprint):
    from mapgen.model.blueprint import load_blueprint

    bp = load_blueprint(blueprint)
    section = bp.for_audience("buyer").section("stakeholders")
    assert section.column("impact") is None
    internal = bp.section("stakeholders").instructions
    buyer = section.buyer_instructions or section.instructions
    assert buyer != internal and len(buyer) < len(internal)
    done = runner.invoke(main, ["generate", "--blueprint", blueprint, "--audience", "buyer",
                                "--format", "docx", "--out", "buyer.docx"])
    assert done.exit_code == 0, done.output
    import docx

    text = "\n".join(p.text for p in docx.Document("buyer.docx").paragraphs)
    assert buyer in text and internal not in text


def test_the_license_is_an_spdx_expression():
    """setuptools deprecates the ``{text = ...}`` table; the SPDX string needs setuptools 77."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    assert any(req.startswith("setuptools>=") and int(req.split(">=")[1]) >= 77
               for req in project["build-system"]["requires"])
