"""Date order: whether numeric dates typed as text (03/04/2027) are day-first or month-first.

One rule for a whole file (a CRM export, a plan file) or for one column of a workbook or a
handout: a date whose first field is over 12 (``13/04/2027``) can only be day-first, one whose
second field is over 12 (``04/13/2027``) only month-first. The dates are read the way they
show; when they show both ways, that is an error naming where; when every date reads both
ways, a default order is used (day-first unless the caller says otherwise; a column follows the
order its file's other columns show, when they agree) and a warning names it. A given order
(``date_order``; on the command line ``--date-order dmy|mdy``) decides instead, without a
word. Real dates (a spreadsheet's date cells) never come here: only texts vote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from mapgen.core.errors import BadArgument

Order = Literal["dmy", "mdy"]
ORDERS: tuple[Order, ...] = ("dmy", "mdy")
_NUMERIC = re.compile(r"\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})\s*", re.ASCII)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class OrderFound:
    """The order dates are read in, and why: ``problem`` is None, or (code, message) for the
    one issue about it (``mixed-date-order``, an error; ``date-order``, a warning); ``shown``:
    the dates themselves proved the order."""

    day_first: bool
    problem: tuple[str, str] | None = None
    shown: bool = False


def order_name(day_first: bool) -> str:
    return "day-first" if day_first else "month-first"


def decide(values: Iterable[tuple[str, object]], given: Order | None = None, *,
           day_first: bool = True, why: str = "") -> OrderFound:
    """The order of ``values`` ((where, value): where names the place, value as typed).

    ``day_first`` is the order used when every date reads both ways, ``why`` the reason for it
    said in the warning (e.g. "as the file's other columns show")."""
    if given is not None:
        return OrderFound(given == "dmy")
    day: tuple[str, str] | None = None
    month: tuple[str, str] | None = None
    both: tuple[str, str] | None = None
    for where, value in values:
        match = _NUMERIC.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            continue
        a, b = int(match.group(1)), int(match.group(3))
        if a > 12 >= b:
            day = day or (where, value.strip())
        elif b > 12 >= a:
            month = month or (where, value.strip())
        elif a != b and a <= 12 and b <= 12:
            both = both or (where, value.strip())
    if day and month:
        return OrderFound(True, ("mixed-date-order",
                                 f"{day[0]} has the day first ('{day[1]}') but {month[0]} has the "
                                 f"month first ('{month[1]}'); write the dates one way"),
                          shown=True)
    if day or month:
        return OrderFound(day is not None, shown=True)
    if both:
        return OrderFound(day_first, ("date-order",
                                      f"every date reads both ways (like '{both[1]}' in "
                                      f"{both[0]}); read {order_name(day_first)}"
                                      f"{f' {why}' if why else ''}, not "
                                      f"{order_name(not day_first)}"))
    return OrderFound(day_first)


def refused(where: str, problem: tuple[str, str]) -> BadArgument:
    """The error for dates written both ways in ``where`` (a file, or a file's column; from
    :attr:`OrderFound.problem`): the ``date_order`` parameter of the caller decides them."""
    return BadArgument("{where}: {message}, or give {-date_order} dmy or mdy", where=where,
                       message=problem[1])


def decide_columns(columns: Mapping[K, Sequence[tuple[str, object]]], given: Order | None = None,
                   *, day_first: bool = True) -> dict[K, OrderFound]:
    """:func:`decide` for each column of one file (column -> its (where, value) pairs).

    A column whose dates all read both ways follows the order the file's other columns show
    when they all show the same one, else ``day_first``; either way with a warning naming it."""
    found = {key: decide(values, given, day_first=day_first) for key, values in columns.items()}
    shown = {f.day_first for f in found.values() if f.shown and f.problem is None}
    if len(shown) != 1 or not any(f.problem and f.problem[0] == "date-order"
                                  for f in found.values()):
        return found
    file_order = shown.pop()
    return {key: decide(columns[key], given, day_first=file_order,
                        why="as the file's other dates show")
            if f.problem and f.problem[0] == "date-order" else f for key, f in found.items()}


def shown_order(found: Iterable[OrderFound], day_first: bool = True) -> bool:
    """The order that columns' dates show when they all show the same one, else ``day_first``."""
    shown = {f.day_first for f in found if f.shown and f.problem is None}
    return shown.pop() if len(shown) == 1 else day_first


def settle_columns(columns: Mapping[K, Sequence[tuple[str, object]]], given: Order | None,
                   report: Callable[[K, str, str], tuple[Any, str]]
                   ) -> tuple[dict[K, bool], bool, list[Any]]:
    """A reader's date columns settled: (column -> day-first, the order of the file's other
    dates, the warnings). ``report(column, code, message)`` gives a problem's issue and the
    column's header; a column written both ways raises :func:`refused` at that issue's place."""
    found = decide_columns(columns, given)
    issues = []
    for key, order in found.items():
        if order.problem is None:
            continue
        issue, header = report(key, *order.problem)
        if order.problem[0] == "mixed-date-order":
            raise refused(f"{issue.where()}: {header}", order.problem)
        issues.append(issue)
    shown = given == "dmy" if given else shown_order(found.values())
    return {key: order.day_first for key, order in found.items()}, shown, issues
