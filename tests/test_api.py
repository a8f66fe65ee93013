"""The Python API as the README shows it: every name exported by ``mapgen`` works."""

import subprocess
import sys

import mapgen


def test_readme_api_loop(tmp_path):
    import mapgen.ops.batch  # imports the generator module: the API names must survive it
    import mapgen.ops.generate

    bp = mapgen.load_blueprint("saas")
    plan = mapgen.load_plan("tests/fixtures/deal.yaml")
    paths = mapgen.generate(bp, plan=plan, formats=["xlsx", "docx"], audience="buyer",
                            out_dir=tmp_path)
    assert [p.suffix for p in paths] == [".xlsx", ".docx"] and all(p.exists() for p in paths)
    filled = mapgen.read_workbook(paths[0])
    assert isinstance(filled, mapgen.Plan) and filled.deal["buyer"] == "Contoso"
    names = [r["name"] for r in filled.sections["stakeholders"]]
    assert names == ["Sarah Chen", "Tom Berg"]
    assert "importance" not in filled.sections["action_items"][0]
    import shutil

    copy = shutil.copy(paths[0], tmp_path / "second.xlsx")
    result = mapgen.merge_files([paths[0], copy])
    assert len(result.plan.sections["stakeholders"]) == 2
    kit = mapgen.make_workshop(bp, plan=plan, participants=["Ann"], out_dir=tmp_path / "kit")
    assert any(p.name == "Ann.xlsx" for p in kit)


def test_every_export_resolves():
    for name in mapgen.__all__:
        assert getattr(mapgen, name) is not None


def test_import_and_help_stay_light():
    code = ("import sys, mapgen, mapgen.cli; heavy = {'openpyxl', 'docx', 'jinja2', 'pydantic'};"
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
