"""YAML loading that remembers where each value came from (file and line).

Mappings load as :class:`SrcDict` and sequences as :class:`SrcList`; both carry the line of
every key or item, so that an error found later (after merging blueprints) can still name
``file:line``. Aliases are expanded with a node budget, so a "billion laughs" file is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mapgen.core.errors import Issue, MapgenError

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000


class SrcDict(dict):
    """A dict with ``file``, ``line`` and ``lines[key]`` (1-based line of each key)."""

    file: str | None = None
    line: int | None = None

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}
        self.files: dict[Any, str | None] = {}  # per key, when it differs from ``file`` (merged)

    def where(self, key: Any = None) -> tuple[str | None, int | None]:
        """(file, line) of a key's value, or of the mapping itself."""
        if key is None or key not in self.lines:
            return self.file, self.line
        return self.files.get(key, self.file), self.lines[key]


class SrcList(list):
    """A list with ``file``, ``line`` and ``lines[i]`` for each item."""

    file: str | None = None
    line: int | None = None

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.lines: list[int] = []


class YamlError(MapgenError):
    """A YAML file that cannot be parsed; carries one :class:`Issue`."""

    def __init__(self, issue: Issue):
        super().__init__(str(issue))
        self.issue = issue


def load_yaml_text(text: str, file: str) -> Any:
    """Parse YAML text into SrcDict/SrcList/scalars; YamlError names file and line."""
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml: same nodes, faster
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(Issue(code="yaml-syntax", file=file, line=line,
                              message=f"YAML syntax error: {problem}")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Issue(code="yaml-syntax", file=file,
                              message=f"YAML syntax error: {exc}")) from None
    if node is None:
        return None
    budget = [MAX_NODES]
    return _convert(node, loader, file, budget)


def load_yaml_file(path: Path, label: str | None = None, what: str = "YAML file") -> Any:
    """Read and parse a YAML file (size-bounded, UTF-8)."""
    from mapgen.core.fileio import read_text

    return load_yaml_text(read_text(path, what=what, limit=MAX_YAML_BYTES), label or str(path))


def _convert(node: Any, loader: Any, file: str, budget: list[int]) -> Any:
    import yaml

    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(Issue(code="yaml-too-large", file=file, line=node.start_mark.line + 1,
                              message="YAML document too large (too many values or aliases)"))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out = SrcDict()
        out.file, out.line = file, node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, file, budget)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise YamlError(Issue(code="yaml-key", file=file, line=key_node.start_mark.line + 1,
                                      message="mapping keys must be plain values"))
            if key in out:
                raise YamlError(Issue(code="yaml-duplicate-key", file=file,
                                      line=key_node.start_mark.line + 1,
                                      message=f"key '{key}' appears twice in the same mapping"))
            out[key] = _convert(value_node, loader, file, budget)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = SrcList()
        seq.file, seq.line = file, node.start_mark.line + 1
        for item in node.value:
            seq.append(_convert(item, loader, file, budget))
            seq.lines.append(item.start_mark.line + 1)
        return seq
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise YamlError(Issue(code="yaml-value", file=file, line=node.start_mark.line + 1,
                              message=f"invalid value: {getattr(exc, 'problem', exc)}")) from None
