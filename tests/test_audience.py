"""The buyer edition holds nothing seller-only: per-audience texts, internal columns, and a scan
of every visible text of the buyer's documents."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES
from openpyxl import load_workbook

from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import load_plan
from mapgen.model.view import build_view
from mapgen.ops.generate import generate

SELLER_ONLY = ("workshop", "homework", "sales enablement", "mapgen")


def write_blueprint(folder: Path, text: str) -> Path:
    path = folder / "co.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_texts_per_audience_and_a_plain_string_for_both(tmp_path):
    path = write_blueprint(tmp_path, """
name: co
extends: map
intro: {internal: "Team: run the workshop.", buyer: "Welcome to our plan."}
how_to_use: {internal: ["Prepare the homework."], buyer: "Read it together."}
sections:
  - key: objective
    purpose: {internal: "Why we sell.", buyer: "Why we work together."}
  - key: phases
    instructions: Both read this.
""")
    bp = load_blueprint(path)
    internal, buyer = build_view(bp), build_view(bp, audience="buyer")
    assert internal.intro == ["Team: run the workshop."] and buyer.intro == ["Welcome to our plan."]
    assert internal.how_to_use == ["Prepare the homework."] and buyer.how_to_use == ["Read it together."]
    assert internal.sections[0].purpose == "Why we sell."
    assert buyer.sections[0].purpose == "Why we work together."
    assert internal.sections[1].instructions == buyer.sections[1].instructions == "Both read this."
    # The resolved blueprint shows them in the same form.
    data = bp.to_data()
    assert data["intro"] == {"internal": "Team: run the workshop.", "buyer": "Welcome to our plan."}
    assert data["sections"][0]["purpose"]["buyer"] == "Why we work together."
    assert isinstance(data["sections"][1]["instructions"], str)


def test_an_unknown_audience_is_an_error(tmp_path):
    path = write_blueprint(tmp_path, "name: co\nextends: map\nintro: {internal: a, customer: b}\n")
    with pytest.raises(MapgenError, match="customer"):
        load_blueprint(path)


def test_default_blueprint_speaks_to_the_buyer_and_keeps_its_assessment_internal():
    bp = load_blueprint("map")
    stakeholders = bp.section("stakeholders")
    assert stakeholders.column("impact").internal
    assert len(bp.signoff) == 2
    buyer = build_view(bp, audience="buyer")
    assert "impact" not in [c.key for c in buyer.sections[3].columns]
    text = " ".join(buyer.intro + buyer.how_to_use + [s.purpose + s.instructions
                                                      for s in buyer.sections]).lower()
    assert not [w for w in SELLER_ONLY if w in text]


# --------------------------------------------------------------------------- visible texts


def docx_texts(path: Path) -> list[str]:
    """Every text of the body, tables, headers and footers (w:t of those parts)."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                xml = z.read(name).decode("utf-8")
                out += re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    return out


def xlsx_texts(path: Path) -> list[str]:
    """Cells (values and formulas), input and error messages, comments and their authors,
    sheet names: every text of the visible sheets."""
    wb = load_workbook(path)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        out.append(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    out.append(cell.value)
                if cell.comment is not None:
                    out += [cell.comment.text, cell.comment.author or ""]
        for dv in ws.data_validations.dataValidation:
            out += [dv.promptTitle or "", dv.prompt or "", dv.errorTitle or "", dv.error or ""]
        out += [ws.oddHeader.right.text or "", ws.oddFooter.left.text or ""]
    return out


def internal_headers(blueprint) -> list[str]:
    """Headers of internal columns and titles of internal sections."""
    out = []
    for section in blueprint.sections:
        if section.internal:
            out.append(section.label)
        out += [c.title for c in section.columns if c.internal]
    return out


@pytest.fixture(scope="module")
def buyer_editions(tmp_path_factory) -> list[tuple[Path, list[str]]]:
    out = tmp_path_factory.mktemp("buyer")
    made = []
    saas = load_blueprint("saas")
    deal = load_plan(FIXTURES / "deal.yaml", saas)
    for bp, plan, stem in ((load_blueprint("map"), None, "blank"), (saas, deal, "deal"),
                           (saas, None, "saas-blank")):
        paths = generate(bp, plan=plan, formats=["docx", "xlsx", "md", "html"], audience="buyer",
                         out_dir=out, stem=stem)
        made += [(p, internal_headers(bp)) for p in paths]
    return made


def test_buyer_editions_hold_no_seller_only_text(buyer_editions):
    for path, headers in buyer_editions:
        if path.suffix == ".docx":
            texts = docx_texts(path)
        elif path.suffix == ".xlsx":
            texts = xlsx_texts(path)
        elif path.suffix == ".html":  # every text and attribute value, markup aside
            html = path.read_text(encoding="utf-8")
            texts = [t.strip() for t in re.split(r"<[^>]*>", html) if t.strip()]
            texts += re.findall(r'="([^"]*)"', html)
        else:
            texts = path.read_text(encoding="utf-8").splitlines()
        assert len(texts) > 20, path
        joined = "\n".join(texts)
        found = [w for w in SELLER_ONLY if w in joined.lower()]
        assert not found, (path.name, found,
                           [t for t in texts if any(w in t.lower() for w in found)][:5])
        for header in headers:
            assert not re.search(rf"(^|[|\n]\s*){re.escape(header)}\s*($|[|\n])", joined), (
                path.name, header)
        assert headers  # the blueprints do have internal columns to leave out
