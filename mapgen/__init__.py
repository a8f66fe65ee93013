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
    "Blueprint": "mapgen.model.blueprint",
    "load_blueprint": "mapgen.model.blueprint",
    "list_blueprints": "mapgen.model.blueprint",
    "check_blueprint": "mapgen.model.blueprint",
    "Plan": "mapgen.model.plan",
    "load_plan": "mapgen.model.plan",
    "plan_from_data": "mapgen.model.plan",
    "build_view": "mapgen.model.view",
    "generate": "mapgen.ops.generate",
    "read_workbook": "mapgen.formats.xlsx.reader",
    "merge_files": "mapgen.ops.merge",
    "merge_plans": "mapgen.ops.merge",
    "make_workshop": "mapgen.ops.workshop",
    "status_report": "mapgen.ops.status_report",
    "plan_status": "mapgen.ops.status_report",
    "render_status": "mapgen.ops.status_report",
    "diff_plans": "mapgen.ops.diff",
    "diff_files": "mapgen.ops.diff",
    "render_diff": "mapgen.ops.diff",
    "shift_plan": "mapgen.ops.shift",
    "shift_file": "mapgen.ops.shift",
    "Issue": "mapgen.core.errors",
    "MapgenError": "mapgen.core.errors",
    "ValidationFailed": "mapgen.core.errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mapgen' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
