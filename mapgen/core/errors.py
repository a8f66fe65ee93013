"""Errors and issues: every problem found in input is an :class:`Issue`, never a traceback."""

from __future__ import annotations

from dataclasses import InitVar, asdict, dataclass, field, fields
from pathlib import Path
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


class FileExists(MapgenError):
    """A file that is there already and would be overwritten without ``force``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        super().__init__(f"{path} already exists")

    def __reduce__(self) -> tuple[Any, ...]:  # across worker processes
        return FileExists, (self.path,)


class BadArgument(MapgenError):
    """A value given to a library function that cannot be used.

    ``text`` is a format string: ``{-name}`` stands for the function's parameter ``name``
    (which the command line says as its option), any other ``{field}`` for a value given as a
    keyword, so that the library never spells a command-line option:
    ``BadArgument("{-row} '{text}': write it as SECTION:N", text=text)``.
    """

    def __init__(self, text: str, /, **values: Any):
        self.text, self.values = text, values
        super().__init__(self.say(str))

    @property
    def names(self) -> list[str]:
        """The parameters the message names, in order."""
        import string

        fields = (f for _, f, _, _ in string.Formatter().parse(self.text) if f)
        return list(dict.fromkeys(f[1:] for f in fields if f.startswith("-")))

    def say(self, name: Any) -> str:
        """The message with each parameter said as ``name(parameter)``."""
        return self.text.format(**self.values, **{f"-{n}": name(n) for n in self.names})

    def __reduce__(self) -> tuple[Any, ...]:
        return _bad_argument, (self.text, self.values)


def _bad_argument(text: str, values: dict[str, Any]) -> BadArgument:
    return BadArgument(text, **values)


class NotOfBlueprint(UnusableInput):
    """A workbook or handout in which nothing of the blueprint it is read with was found (it
    may have been made from another blueprint)."""


class MixedBlueprints(MapgenError):
    """Inputs made from different blueprints (``parent_and_company``: a company blueprint and
    its parent, which the company blueprint reads alike)."""

    def __init__(self, message: str, *, parent_and_company: bool):
        self.parent_and_company = parent_and_company
        super().__init__(message)


class TemplateError(MapgenError):
    """A blueprint text that cannot be rendered (unknown variable, sandbox violation)."""


class InputsFailed(MapgenError):
    """Some of several inputs cannot be used: one line each in ``lines`` (``errors``: the
    errors themselves where given); nothing was written."""

    def __init__(self, failed: list[str] | list[MapgenError], total: int):
        self.errors: list[str | MapgenError] = list(failed)
        self.lines, self.total = [str(e) for e in failed], total
        lines = self.lines
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
