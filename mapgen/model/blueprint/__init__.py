"""Blueprints: the models, finding and loading YAML files, ``extends``, validation, JSON Schema.

* :mod:`.models`: the pydantic models (Blueprint, Section, Column, Branding);
* :mod:`.loading`: find a blueprint by name or path, list them, load one resolved;
* :mod:`.extends`: a child's data merged onto its parent's (overrides, remove, placement);
* :mod:`.checks`: validation, and every problem in plain words with file and line;
* :mod:`.authoring`: the JSON Schema and a starting company blueprint.

Everything that other modules use is importable from ``mapgen.model.blueprint`` itself.
"""

from __future__ import annotations

from mapgen.model.blueprint.authoring import new_blueprint_text, schema
from mapgen.model.blueprint.loading import (
    BlueprintInfo,
    blueprint_to_read,
    builtin_dir,
    check_blueprint,
    find_blueprint,
    list_blueprints,
    load_blueprint,
    looks_like_path,
    resolve_blueprint_ref,
    search_dirs,
)
from mapgen.model.blueprint.models import (
    KEY_PATTERN,
    MEANINGS,
    Audience,
    Blueprint,
    Branding,
    Column,
    Section,
)

__all__ = ["KEY_PATTERN", "MEANINGS", "Audience", "Blueprint", "BlueprintInfo", "Branding", "Column",
           "Section", "blueprint_to_read", "builtin_dir", "check_blueprint", "find_blueprint",
           "list_blueprints", "load_blueprint", "looks_like_path", "new_blueprint_text",
           "resolve_blueprint_ref", "schema", "search_dirs"]
