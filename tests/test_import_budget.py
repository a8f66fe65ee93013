"""A command loads only what it needs: the import budget of a read (see the README's Performance).

Whole processes, as a user runs them: the second run of a command (bytecode and the blueprint
cache in place) must not load the libraries of other commands or formats, and a workbook's
texts are compiled only for its own language (English needs no catalog).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mapgen.core import i18n
from mapgen.formats.xlsx.reader import read_workbook
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import load_plan
from mapgen.ops.generate import generate

DEAL = "tests/fixtures/deal.yaml"
# Libraries no read, status or diff of a workbook needs once its blueprint is cached:
# Word, templates, blueprint validation, YAML, translation catalogs, other commands' modules.
NOT_FOR_A_READ = ("docx", "jinja2", "pydantic", "yaml", "babel", "mapgen.formats.docx",
                  "mapgen.ops.generate", "mapgen.ops.merge", "mapgen.core.templating")


def _loaded(args: list[str], env: dict[str, str], modules: tuple[str, ...] = NOT_FOR_A_READ,
            ) -> list[str]:
    """The ``modules`` that ``mapgen ARGS`` loaded (run in a fresh process)."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['mapgen', *{args!r}]\n"
            "try:\n    runpy.run_module('mapgen', run_name='__main__')\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            f"print('\\n' + repr(sorted(m for m in {modules!r} if m in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1].replace("'", '"'))


@pytest.fixture(scope="module")
def deal_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deal")
    [book] = generate(load_blueprint("saas"), plan=load_plan(DEAL),
                      formats=["xlsx"], out_dir=folder)
    return book


@pytest.mark.parametrize("command", [["read"], ["status", "--as-of", "2027-01-10"], ["diff"]])
def test_a_read_loads_no_other_command_or_format(deal_book, command, tmp_path):
    env = {**os.environ, "MAPGEN_CACHE_DIR": str(tmp_path / "cache")}
    args = [command[0], str(deal_book), *([str(deal_book)] if command == ["diff"] else []),
            *command[1:]]
    first = _loaded(args, env)  # fills the blueprint cache: validation (pydantic, YAML) allowed
    assert "docx" not in first and "jinja2" not in first
    assert _loaded(args, env) == []


@pytest.mark.parametrize("fmt, other", [("xlsx", "docx"), ("docx", "openpyxl")])
def test_generating_a_typical_deal_loads_no_template_engine_nor_the_other_format(fmt, other, tmp_path):
    """The saas texts hold only ``{{ deal.KEY or '...' }}``: no jinja2 (and no xml.sax, which
    brings urllib, http and ssl)."""
    env = {**os.environ, "MAPGEN_CACHE_DIR": str(tmp_path / "cache")}
    args = ["generate", "--blueprint", "saas", "--plan", DEAL, "--out", str(tmp_path / "out"),
            "--force", "--format", fmt]
    modules = ("jinja2", "xml.sax", "urllib.request", "pydantic", other)
    _loaded(args, env, modules)  # fills the blueprint cache
    assert _loaded(args, env, modules) == []


def test_an_english_read_compiles_no_catalog_and_a_german_one_only_german(tmp_path, monkeypatch):
    compiled: list[str] = []
    real = i18n.load_catalog
    monkeypatch.setattr(i18n, "load_catalog", lambda path, language: compiled.append(language)
                        or real(path, language))
    i18n.texts_for.cache_clear()
    try:
        [english] = generate(load_blueprint("map"), formats=["xlsx"], out_dir=tmp_path / "en")
        [german] = generate(load_blueprint("map-de"), formats=["xlsx"], out_dir=tmp_path / "de")
        i18n.texts_for.cache_clear()
        compiled.clear()
        read_workbook(english)
        assert compiled == []
        read_workbook(german)
        assert set(compiled) <= {"de"}  # (none where this process already compiled it)
    finally:
        i18n.texts_for.cache_clear()
