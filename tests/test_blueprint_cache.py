"""The blueprint cache: a cached blueprint is the blueprint its files make now, never an old one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mapgen.model.blueprint import cache, find_blueprint, load_blueprint


@pytest.fixture
def cache_in(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(folder))
    return folder


def entries(folder):
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def test_a_cached_blueprint_is_the_blueprint_loaded_afresh(in_tmp, cache_in):
    fresh = load_blueprint("map-de")
    assert len(entries(cache_in)) == 1
    cached = load_blueprint("map-de")
    assert cached == fresh and cached is not fresh
    column = cached.section("action_items").column("status")
    assert column.where("choices") == fresh.section("action_items").column("status").where("choices")
    assert column.choice_for("Done") == fresh.section("action_items").column("status").choice_for("Done")


def test_an_edit_to_any_file_of_the_chain_is_seen(in_tmp, cache_in):
    parent = in_tmp / "blueprints" / "base.yaml"
    child = in_tmp / "blueprints" / "acme.yaml"
    parent.parent.mkdir()
    parent.write_text("extends: map\ntitle: Plan A\n", encoding="utf-8")
    child.write_text("extends: base\n", encoding="utf-8")
    assert load_blueprint("acme").title == "Plan A"
    parent.write_text("extends: map\ntitle: Plan B\n", encoding="utf-8")  # same size, same moment
    assert load_blueprint("acme").title == "Plan B"
    child.write_text("extends: map\n", encoding="utf-8")  # the chain itself changes
    assert load_blueprint("acme").title == "Mutual Action Plan"


def test_a_new_local_parent_shadows_the_cached_builtin_one(in_tmp, cache_in):
    (in_tmp / "blueprints").mkdir()
    (in_tmp / "blueprints" / "acme.yaml").write_text("extends: map\n", encoding="utf-8")
    assert load_blueprint("acme").title == "Mutual Action Plan"
    (in_tmp / "blueprints" / "map.yaml").write_text("title: Our own map\nsections:\n"
                                                     "  - key: notes\n    columns: [{key: note}]\n",
                                                     encoding="utf-8")
    assert load_blueprint("acme").title == "Our own map"


def test_an_entry_others_could_write_is_not_used(in_tmp, cache_in):
    load_blueprint("map")
    path = find_blueprint("map")
    assert cache.load(path, find_blueprint) == load_blueprint("map")
    [entry] = entries(cache_in)
    entry.chmod(0o666)
    assert cache.load(path, find_blueprint) is None


def test_no_cache_folder_means_no_cache(in_tmp, monkeypatch, tmp_path):
    monkeypatch.setenv("MAPGEN_CACHE_DIR", "")
    assert cache.cache_dir() is None
    assert load_blueprint("map") == load_blueprint("map")


def test_a_cached_read_loads_neither_yaml_nor_pydantic(tmp_path, cache_in):
    """The point of the cache: a second command with the same blueprint parses and validates
    nothing (a fresh process, as a user runs it)."""
    code = ("import sys; from mapgen.model.blueprint import load_blueprint; load_blueprint('saas'); "
            "print(sorted(m for m in ('yaml', 'pydantic') if m in sys.modules))")
    env = {**os.environ, "MAPGEN_CACHE_DIR": str(cache_in)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["['pydantic', 'yaml']", "[]"]
