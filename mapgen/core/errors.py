"""Errors and issues: every problem found in input is an :class:`Issue`, never a traceback."""

from __future__ import annotations

from dataclasses import InitVar, asdict, dataclass, field, fields
from typing import Any

from mapgen.core.issue_codes import SEVERITIES, Severity, lookup


@dataclass
class Issue:
    """One problem found in an input, with a stable ``code`` and its place.

    The code must be one of :mod:`mapgen.core.issue_codes` (UnknownIssueCode otherwise), and the
    severity defaults to the one registered for it. A plain dataclass (not a pydantic model) so
    that importing mapgen stays cheap.
    """

    code: str
    message: str
    severity: Severity | None = None  # None: the severity registered for the code
    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    section: str | None = None
    column: str | None = None
    table: str | None = None  # a Word handout's table: the section's heading as printed
    row: int | None = None  # the row of that table, counting from the first row below its header
    extra: dict[str, Any] = field(default_factory=dict)  # any further keys, kept as they are
    registered: InitVar[bool] = True  # False: a code read from a file, kept as it is

    def __post_init__(self, registered: bool) -> None:
        if not registered:
            return
        entry = lookup(self.code)
        if self.severity is None:
            self.severity = entry.severity
        elif self.severity not in SEVERITIES:
            raise ValueError(f"issue severity {self.severity!r} is not one of {SEVERITIES}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        """An issue from its plan-format dict; unknown keys go to ``extra``. Its code is kept as
        the file has it (a file may come from another version of mapgen)."""
        known = {f.name for f in fields(cls)} - {"extra"}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs.setdefault("code", "unknown")
        kwargs.setdefault("message", "")
        kwargs.setdefault("severity", "error")
        return cls(**kwargs, extra={k: v for k, v in data.items() if k not in known},
                   registered=False)

    def where(self) -> str:
        """``file:line``, ``file, sheet 'X', cell C7`` or ``file, table 'X', row 3`` as far as
        known."""
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.cell:
            parts.append(f"cell {self.cell}")
        if self.table:
            parts.append(f"table '{self.table}'")
        if self.row is not None and self.table:
            parts.append(f"row {self.row}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        """The plan-format dict (severity first); unset places are left out."""
        data = asdict(self)
        extra = data.pop("extra")
        out = {"severity": data.pop("severity"), "code": data.pop("code")}
        out.update({k: v for k, v in data.items() if v is not None})
        return {**out, **extra}


class MapgenError(Exception):
    """Input that cannot be used at all, or a usage error: one clear line (the CLI exits 2)."""


class UnusableInput(MapgenError):
    """A file that is missing, not of the expected kind, corrupt, unsafe or too large."""


class MixedBlueprints(MapgenError):
    """Inputs made from different blueprints (``parent_and_company``: a company blueprint and
    its parent, which the company blueprint reads alike)."""

    def __init__(self, message: str, *, parent_and_company: bool):
        self.parent_and_company = parent_and_company
        super().__init__(message)


class TemplateError(MapgenError):
    """A blueprint text that cannot be rendered (unknown variable, sandbox violation)."""


class InputsFailed(MapgenError):
    """Some of several inputs cannot be used: one line each in ``lines``; nothing was written."""

    def __init__(self, lines: list[str], total: int):
        self.lines, self.total = lines, total
        super().__init__(lines[0] if len(lines) == 1 else
                         f"{len(lines)} of {total} files could not be read")


class ValidationFailed(MapgenError):
    """The input was read but has errors (the CLI exits 1); ``issues`` says where."""

    def __init__(self, issues: list[Issue], summary: str | None = None):
        self.issues = issues
        errors = [i for i in issues if i.severity == "error"]
        first = str(errors[0]) if errors else "validation failed"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(summary or f"{first}{more}")
