"""Row ids aside: comparing read plans with the plans they were written from."""

from typing import Any


def without_ids(value: Any) -> Any:
    """``value`` (rows, a section map or a plan's data) with every row's ``_id`` and ``_std``
    left out: what a person typed, and nothing of who the row is."""
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k not in ("_id", "_std")}
    return value
