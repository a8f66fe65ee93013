"""The shape of the code: the library never talks to the terminal, and imports form no circle."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "mapgen"
LIBRARY = [p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts]


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """mapgen modules that ``path`` imports, at any depth (in functions and TYPE_CHECKING too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {name for name in found if name == "mapgen" or name.startswith("mapgen.")}


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_library_never_imports_click_prints_or_exits(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(a.name.split(".")[0] != "click" for a in node.names), path
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "click", path
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            assert name not in ("print", "sys.exit", "exit", "quit", "os._exit"), \
                f"{path.name}:{node.lineno}: {name}()"


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path):
            # "from mapgen.x import y": y may be a module or a name in x
            while imported not in modules and "." in imported:
                imported = imported.rsplit(".", 1)[0]
            if imported in modules and imported != name and imported != "mapgen":
                targets.add(imported)
        graph[name] = targets
    return graph


def test_no_import_circles():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            # a package importing its own submodules (re-exports) is not a circle
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " -> ".join([*stack[stack.index(nxt):], nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_every_package_is_installed():
    """A plain (non-editable) install ships every package of mapgen/."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {_module(p) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml's packages: {sorted(found - listed)}"


# The layers, lowest first: a module may import its own layer and those below it, never one above.
LAYERS = ("core", "model", "formats", "ops", "cli")


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_layer_folders_cover_the_package():
    """Every module lives in a layer folder, but for the package's face and ``python -m mapgen``."""
    loose = sorted(m for m in _graph() if _layer(m) is None and m not in ("mapgen", "mapgen.__main__"))
    assert loose == [], f"modules outside the layer folders {LAYERS}: {loose}"


@pytest.mark.parametrize("layer", LAYERS)
def test_a_lower_layer_never_imports_a_higher_one(layer):
    graph = _graph()
    rank = LAYERS.index(layer)
    upward = [f"{name} -> {target}" for name, targets in sorted(graph.items()) if _layer(name) == rank
              for target in sorted(targets) if (_layer(target) or 0) > rank]
    assert upward == [], f"{layer} imports a higher layer: {upward}"


def test_the_layer_rule_catches_an_upward_import(tmp_path, monkeypatch):
    """The rule is not vacuous: a foundation module importing an operation is reported."""
    fake = tmp_path / "mapgen"
    for folder in ("core", "ops"):
        (fake / folder).mkdir(parents=True)
        (fake / folder / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "core" / "low.py").write_text("from mapgen.ops.high import x\n")
    (fake / "ops" / "high.py").write_text("x = 1\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    with pytest.raises(AssertionError, match=r"mapgen\.core\.low -> mapgen\.ops\.high"):
        test_a_lower_layer_never_imports_a_higher_one("core")


def _docs_section(title: str) -> str:
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def _first_cells(section: str) -> list[str]:
    return [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]


def test_the_modules_table_names_every_module_and_no_other():
    """docs/architecture.md's modules table describes the tree as it is: every module (or its
    folder, or ``cli/<command>.py`` for the commands) has a row, and every path named exists."""
    import re

    named = {path for cell in _first_cells(_docs_section("Modules"))
             for path in re.findall(r"`([^`]+)`", cell)}
    files = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
             if p.name not in ("__init__.py", "__main__.py")]
    missing = sorted(f for f in files if f not in named
                     and not any(n.endswith("/") and f.startswith(n) for n in named)
                     and not f.startswith("cli/"))  # commands: cli/<command>.py
    absent = sorted(n for n in named - {"cli/<command>.py"} if not (PACKAGE / n).exists())
    assert (missing, absent) == ([], [])


def test_the_layers_table_names_every_module_of_its_layer():
    rows = {cell.strip().split("`")[1].rstrip("/"): cell for cell in
            [line.split("|")[1] + "|" + line.split("|")[2]
             for line in _docs_section("Layers").splitlines() if line.startswith("| ")
             and "`" in line.split("|")[1]]}
    for layer in ("core", "model", "formats", "ops"):
        listed = rows[layer].split("|")[1]
        here = sorted(p.stem if p.is_file() else p.name for p in (PACKAGE / layer).iterdir()
                      if (p.suffix == ".py" and p.stem != "__init__")
                      or (p.is_dir() and p.name != "__pycache__" and p.name not in ("locales", "templates")))
        assert [m for m in here if f"`{m}`" not in listed and f"`{m}/`" not in listed] == [], layer
