"""mapgen: Mutual Action Plans (MAPs) from YAML blueprints, as Word handouts and Excel plans.

The Python API (the CLI is a thin layer over it)::

    import mapgen
    bp = mapgen.load_blueprint("map")                        # or a path, or a company blueprint
    paths = mapgen.generate(bp, formats=["xlsx", "docx"], out_dir="output")
    plan = mapgen.read_workbook("output/map.xlsx")           # completed workbook -> Plan
    result = mapgen.merge_files(["ann.xlsx", "bob.xlsx"])    # consolidated Plan + report

Heavy libraries (openpyxl, python-docx, jinja2) load only when a function needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Blueprint": "mapgen.blueprint",
    "load_blueprint": "mapgen.blueprint",
    "list_blueprints": "mapgen.blueprint",
    "check_blueprint": "mapgen.blueprint",
    "Plan": "mapgen.plan",
    "load_plan": "mapgen.plan",
    "plan_from_data": "mapgen.plan",
    "build_view": "mapgen.layout",
    "generate": "mapgen.generator",
    "read_workbook": "mapgen.xlsx.reader",
    "merge_files": "mapgen.merge",
    "merge_plans": "mapgen.merge",
    "make_workshop": "mapgen.workshop",
    "status_report": "mapgen.report",
    "plan_status": "mapgen.report",
    "render_status": "mapgen.report",
    "diff_plans": "mapgen.diff",
    "diff_files": "mapgen.diff",
    "render_diff": "mapgen.diff",
    "shift_plan": "mapgen.shift",
    "shift_file": "mapgen.shift",
    "Issue": "mapgen.errors",
    "MapgenError": "mapgen.errors",
    "ValidationFailed": "mapgen.errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mapgen' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
