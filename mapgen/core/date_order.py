"""Date order: whether the numeric dates of one file (03/04/2027) are day-first or month-first.

One rule for a whole file (a CRM export, a plan file, a workbook's column): a date whose first
field is over 12 (``13/04/2027``) can only be day-first, one whose second field is over 12
(``04/13/2027``) only month-first. The file is read the way its dates show; when they show
both ways, that is an error naming where; when every date reads both ways, day-first is used
and a warning says so. A given order (``--date-order dmy|mdy``) decides instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Order = Literal["dmy", "mdy"]
ORDERS: tuple[Order, ...] = ("dmy", "mdy")
_NUMERIC = re.compile(r"\s*(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})\s*", re.ASCII)


@dataclass(frozen=True)
class OrderFound:
    """The order a file's dates are read in, and why: ``problem`` is None, or (code, message)
    for the file's one issue about it (``mixed-date-order``, an error; ``date-order``, a
    warning)."""

    day_first: bool
    problem: tuple[str, str] | None = None


def decide(values: Iterable[tuple[str, object]], given: Order | None = None) -> OrderFound:
    """The order of ``values`` ((where, value): where names the column, value as typed)."""
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
                                 f"month first ('{month[1]}'); write the dates one way, or give "
                                 "--date-order dmy or mdy"))
    if day or month:
        return OrderFound(day is not None)
    if both:
        return OrderFound(True, ("date-order",
                                 f"every date reads both ways (like '{both[1]}' in {both[0]}); "
                                 "read day-first: give --date-order mdy if they are month-first"))
    return OrderFound(True)
