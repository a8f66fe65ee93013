"""Errors and issues: every problem found in input is an :class:`Issue`, never a traceback."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning"]


class Issue(BaseModel):
    """One problem found in an input, with a stable ``code`` and its place."""

    model_config = ConfigDict(extra="allow")

    severity: Severity = "error"
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    section: str | None = None
    column: str | None = None

    def where(self) -> str:
        """``file:line`` or ``file, sheet 'X', cell C7`` as far as known."""
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.cell:
            parts.append(f"cell {self.cell}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        """The plan-format dict: unset places are left out."""
        return self.model_dump(exclude_none=True)


class MapgenError(Exception):
    """Input that cannot be used at all (exit code 2): one clear line."""

    exit_code = 2


class UnusableInput(MapgenError):
    """A file that is missing, not of the expected kind, corrupt, unsafe or too large."""


class TemplateError(MapgenError):
    """A blueprint text that cannot be rendered (unknown variable, sandbox violation)."""


class ValidationFailed(MapgenError):
    """The input was read but has errors (exit code 1); ``issues`` says where."""

    exit_code = 1

    def __init__(self, issues: list[Issue], summary: str | None = None):
        self.issues = issues
        errors = [i for i in issues if i.severity == "error"]
        first = str(errors[0]) if errors else "validation failed"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(summary or f"{first}{more}")
