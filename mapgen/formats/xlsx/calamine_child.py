"""The child process that reads .xls, .xlsb and .ods with python-calamine (see :mod:`.book`).

It imports nothing of mapgen (a child starts in a fraction of the parent's time), limits its
own memory and time before it reads a byte, reads the file from stdin and writes the sheets,
pickled, to stdout: ``{"sheets": [(title, state, rows, truncated)], "error": None or text}``.
Rows are tuples of ``(value, type)`` cells as openpyxl's read-only cells give them.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import sys
from typing import Any

_STATES = {"visible": "visible", "hidden": "hidden", "veryhidden": "veryHidden"}


class _Stop(Exception):
    pass


def _limit(memory: int, seconds: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not a POSIX system
        return
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def _cell(value: Any) -> tuple[Any, str]:
    if value == "" or value is None:
        return None, "n"
    if isinstance(value, str):
        return value, "s"
    if isinstance(value, bool):
        return value, "b"
    if isinstance(value, float):
        return (int(value) if value.is_integer() else value), "n"
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return value, "d"
    return value, "n"


def _error(exc: Exception) -> str:
    kind = type(exc).__name__
    if "Password" in kind or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
        return "the workbook is password-protected; open it in Excel, remove the password and save again"
    if "Xml" in kind:
        return ("the {what} is damaged (its XML is not well-formed); open it in Excel or LibreOffice "
                "and save it again")
    return ("the {what} could not be read (it is damaged or uses a feature mapgen does not "
            "understand); open it in Excel or LibreOffice and save it again")


def main() -> None:
    """argv: the package root, then rows per sheet, cells, text characters, memory bytes, seconds."""
    max_rows, max_cells, max_text, memory, seconds = (int(a) for a in sys.argv[2:7])
    _limit(memory, seconds)
    data = sys.stdin.buffer.read()
    out: dict[str, Any] = {"sheets": [], "error": None}
    try:
        import python_calamine as pc

        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        text = cells = 0
        for meta in wb.sheets_metadata:
            if "worksheet" not in str(meta.typ).lower():
                continue
            state = _STATES.get(str(meta.visible).rsplit(".", 1)[-1].lower(), "visible")
            sheet = wb.get_sheet_by_name(meta.name)
            truncated = None
            rows: list[tuple] = []
            top, left = sheet.start or (0, 0)  # rows walked from A1, as Excel numbers them
            raw_rows = ((None,) * left + tuple(r) for r in sheet.iter_rows())
            for number, raw in enumerate(raw_rows, start=top + 1):
                if number > max_rows:
                    truncated = f"rows after {max_rows:,} were not read"
                    break
                row = [_cell(value) for value in raw]
                while row and row[-1][0] is None:
                    row.pop()
                text += sum(len(v) for v, t in row if t == "s")
                cells += len(row)
                if text > max_text:
                    out["error"] = (f"the {{what}} holds too much text to read safely (more than "
                                    f"{max_text:,} characters of cell text; limit {max_text:,})")
                    raise _Stop
                if cells > max_cells:
                    truncated = (f"the workbook has more than {max_cells:,} cells; rows from {number} "
                                 "on were not read")
                    break
                if not rows and number > 1:
                    rows.extend(() for _ in range(number - 1))
                rows.append(tuple(row))
            out["sheets"].append((meta.name, state, rows, truncated))
    except _Stop:
        out["sheets"] = []
    except Exception as exc:
        out["error"] = _error(exc)
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
