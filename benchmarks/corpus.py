"""The writers' output, byte for byte: write a corpus of documents, or compare against one.

    python benchmarks/corpus.py write /tmp/corpus-before    # with the known-good code
    python benchmarks/corpus.py check /tmp/corpus-before    # after a change: exit 1 on a difference

The corpus covers the built-in blueprints in three languages and the SaaS example: blank,
buyer edition, protected, pre-filled with tests/fixtures/deal.yaml (or review.yaml), a merged
plan and the 1,000-item plan of bench.py. Every zip member is compared byte for byte, except
the timestamps of docProps/core.xml.
"""

from __future__ import annotations

import re
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FIXTURES = ROOT / "tests" / "fixtures"
STAMPS = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def cases():
    """(stem, blueprint, plan or None, generate keywords) for every document of the corpus."""
    from bench import big_plan

    from mapgen.model.blueprint import load_blueprint
    from mapgen.model.plan import load_plan
    from mapgen.ops.merge import merge_plans

    for name in ("map", "map-de", "map-fr", "saas"):
        bp = load_blueprint(str(ROOT / "blueprints/examples/saas.yaml") if name == "saas" else name)
        fixture = FIXTURES / ("deal.yaml" if name == "saas" else "review.yaml")
        plan = load_plan(fixture, bp)
        yield f"{name}-blank", bp, None, {}
        yield f"{name}-buyer", bp, None, {"audience": "buyer"}
        yield f"{name}-protect", bp, None, {"protect": True}
        yield f"{name}-plan", bp, plan, {}
        yield f"{name}-plan-buyer-protect", bp, plan, {"audience": "buyer", "protect": True}
        if name == "map":
            week2 = load_plan(FIXTURES / "review-week2.yaml", bp)
            merged = merge_plans([plan, week2], bp, sources=["week1", "week2"]).plan
            yield f"{name}-merged", bp, merged, {}
            yield f"{name}-big", bp, big_plan(1000), {}


def write(folder: Path) -> list[Path]:
    from mapgen.ops.generate import generate

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, bp, plan, kw in cases():
        paths += generate(bp, plan=plan, formats=["xlsx", "docx"], out_dir=folder, force=True,
                          stem=stem, **kw)
    return paths


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        data = {info.filename: zf.read(info) for info in zf.infolist()}
    if "docProps/core.xml" in data:
        data["docProps/core.xml"] = STAMPS.sub(rb"\1\3", data["docProps/core.xml"])
    data[" order"] = "\n".join(data).encode()  # the members' order matters too
    return data


def check(known: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="mapgen-corpus-") as tmp:
        new = write(Path(tmp))
        wrong = 0
        for path in new:
            old_members, new_members = members(known / path.name), members(path)
            for name in sorted(old_members.keys() | new_members.keys()):
                if old_members.get(name) != new_members.get(name):
                    wrong += 1
                    print(f"DIFFERS {path.name}: {name}")
        print(f"{len(new)} documents compared, {wrong} members differ")
    return 1 if wrong else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        sys.exit(__doc__)
    folder = Path(sys.argv[2])
    if sys.argv[1] == "write":
        print(f"{len(write(folder))} documents written to {folder}")
    else:
        sys.exit(check(folder))
