"""The blueprint package and the small shared modules sit in no import circle.

The graph is built from the source with ``ast`` and counts every import of a mapgen module,
also those inside functions and under TYPE_CHECKING: a circle there is a circle in the design.
"""

import ast
from pathlib import Path

import mapgen

ROOT = Path(mapgen.__file__).resolve().parent
WATCHED = ("mapgen.model.blueprint", "mapgen.model.fields", "mapgen.core.templating", "mapgen.model.plan",
           "mapgen.core.dealkeys", "mapgen.core.colors", "mapgen.core.xmltext", "mapgen.core.yamlsrc",
           "mapgen.formats.xlsx.styles", "mapgen.formats.docx.ooxml")


def modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    mods = modules()

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {owner(a.name) for a in node.names if a.name.startswith("mapgen")}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                if base.startswith("mapgen"):
                    deps |= {owner(f"{base}.{a.name}") if f"{base}.{a.name}" in mods else owner(base)
                             for a in node.names}
        graph[name] = {d for d in deps if d and d != name}
    return graph


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        for dep in graph.get(node, ()):
            if dep == goal:
                return True
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return False


def test_no_import_circle_through_the_blueprint_and_shared_modules():
    graph = import_graph()
    watched = [m for m in graph if m.startswith(WATCHED)]
    assert "mapgen.model.blueprint.models" in watched and "mapgen.model.fields" in watched
    circles = [m for m in watched if reaches(graph, m, m)]
    assert circles == []


def test_the_column_types_know_nothing_of_blueprints():
    graph = import_graph()
    assert not reaches(graph, "mapgen.model.fields", "mapgen.model.blueprint")
    assert not reaches(graph, "mapgen.core.templating", "mapgen.model.plan")  # render stays light
