"""A whole number shared in proportion to weights: agenda minutes, table column widths."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal


def apportion(total: int, weights: Sequence[float], minimums: Sequence[int] | int = 0, *,
              rest: Literal["largest", "last"] = "largest") -> list[int]:
    """``total`` shared in proportion to ``weights``, no share below its minimum; the shares
    add up to ``total`` exactly.

    A share that would fall below its minimum gets the minimum, and the others share what is
    left. Rounding down leaves a few units over: they go one each to the largest remainders
    (``rest="largest"``), or all to the last share (``rest="last"``). When the minimums do not
    fit (they add up to ``total`` or more), the shares follow the minimums instead.
    """
    count = len(weights)
    floors = [minimums] * count if isinstance(minimums, int) else list(minimums)
    ratios = [float(w) for w in weights]
    if sum(floors) >= total:
        ratios, floors = [float(m) for m in floors], [0] * count
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(count) if i not in fixed]
        room = total - sum(fixed.values())
        whole = sum(ratios[i] for i in free) or 1
        ideal = {i: room * ratios[i] / whole for i in free}
        short = [i for i in free if ideal[i] < floors[i]]
        if not short:
            break
        fixed.update({i: floors[i] for i in short})
    share = {i: math.floor(ideal[i]) for i in free}
    if rest == "largest":
        left = room - sum(share.values())
        for i in sorted(free, key=lambda i: ideal[i] - share[i], reverse=True)[:left]:
            share[i] += 1
    out = [fixed.get(i, share.get(i, 0)) for i in range(count)]
    if rest == "last" and out:
        out[-1] += total - sum(out)
    return out
