"""For blueprint authors: the JSON Schema of the file format and a starting company blueprint."""

from __future__ import annotations

import json
from typing import Any

from mapgen.model.blueprint.loading import load_blueprint
from mapgen.model.blueprint.models import Blueprint
from mapgen.model.fields import TYPES


def schema() -> dict[str, Any]:
    """JSON Schema of the blueprint file format (for editors)."""
    from mapgen.model.blueprint.declare import json_schema

    out = json_schema(Blueprint)
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "mapgen blueprint"
    return out


def new_blueprint_text(name: str, extends: str = "map") -> str:
    """A commented starting file for a company blueprint that passes ``check``."""
    parent = load_blueprint(extends)
    first = parent.sections[0] if parent.sections else None
    lines = [
        f"# {name}: a company blueprint for mapgen, extending '{parent.name}'.",
        "# Only what differs from the parent goes here. Check it with:",
        f"#   mapgen blueprint check {name}.yaml",
        "# See every field with `mapgen blueprint schema` and the parent with",
        f"#   mapgen blueprint show {parent.name}",
        f"name: {name}",
        f"extends: {extends}",
        'version: "1"',
        f"title: {_yaml_str(parent.title)}",
        "",
        "branding:",
        '  company: "Your Company"',
        '  primary_color: "1F4E79"   # hex colour of headers',
        "  # logo: logo.png          # relative to this file",
        "",
        "sections:",
        "  # Override a section field by field; its columns merge by key.",
    ]
    if first is not None:
        lines += [
            f"  - key: {first.key}",
            f"    title: {_yaml_str(first.label)}",
            "    # columns:",
            "    #   - key: new_column        # adds a column",
            "    #     header: New column",
            "    #     type: text             # " + " | ".join(TYPES),
            "    #   - key: old_column",
            "    #     remove: true           # drops an inherited column",
        ]
    lines += [
        "  # A new section:",
        "  # - key: risks",
        "  #   title: Risks",
        "  #   after: stakeholders",
        "  #   columns:",
        "  #     - {key: risk, header: Risk, type: text}",
        "",
    ]
    return "\n".join(lines)


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
