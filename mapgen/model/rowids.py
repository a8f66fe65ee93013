"""Row identity: the stable id every row carries, and the link of a row to its standard row.

A plan row may carry two optional keys (the plan format stays at version 1):

- ``_id``: the row's own id, a short text (12 hex digits when mapgen makes it), made once when
  mapgen first writes the row and kept afterwards (a workbook keeps it in its hidden metadata);
- ``_std``: for a row made from one of the blueprint's standard rows, that standard row's key.

A standard row's key is its ``_id`` in the blueprint, else made from its identity values
(``phases`` keyed by phase: ``"2"``; action items by description: ``"security-review"``), with
``~2``, ``~3`` for repeats. A plan also records, per section, the standard row keys it has ever
held (``standard_rows``), so that a standard row a person deleted stays deleted while a
standard row that a newer blueprint version adds is added.

Column keys never start with ``_`` (the blueprint's key pattern), so these keys never clash
with data.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.model.blueprint.models import Section

ID_KEY = "_id"
STD_KEY = "_std"
SEEN_KEY = "standard_rows"  # plan key: section -> the standard row keys the plan has held
MAX_ID = 64  # characters at most in a row id or a standard row key
_ID_PATTERN = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.:~/-]{{0,{MAX_ID - 1}}}$")


@dataclass(frozen=True)
class RowMark:
    """Who a row of a document is: its id, its standard row's key, whether it is an example."""

    id: str
    std: str | None = None
    example: bool = False

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.std:
            out["std"] = self.std
        if self.example:
            out["example"] = True
        return out


def valid_id(value: Any) -> bool:
    """Whether ``value`` can be a row id or a standard row key (a short plain text)."""
    return isinstance(value, str) and bool(_ID_PATTERN.match(value))


def make_id(*parts: Any) -> str:
    """A 12-hex-digit id made from ``parts`` (the same parts always give the same id, so that
    a document written twice from the same plan is the same document)."""
    text = "\x1f".join(json.dumps(p, sort_keys=True, ensure_ascii=False, default=str) for p in parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def _slug(value: Any) -> str:
    text = " ".join(str(value).split()).casefold() if value is not None else ""
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-")[:40]


def standard_keys(section: Section) -> list[str]:
    """The key of each of ``section``'s standard rows (see the module docstring)."""
    out: list[str] = []
    for n, row in enumerate(section.rows, start=1):
        own = row.get(ID_KEY)
        if valid_id(own):
            key = own
        else:
            parts = [_slug(row.get(k)) for k in section.identity_keys]
            key = "/".join(p for p in parts if p) or f"row-{n}"
        base, k = key, 2
        while key in out:
            key, k = f"{base}~{k}", k + 1
        out.append(key)
    return out


def row_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row's data (its column keys only: ids, links and notes left out)."""
    return {k: v for k, v in row.items() if not str(k).startswith("_")}


def seen_keys(plan: Any, section: str) -> set[str]:
    """The standard row keys that ``plan`` records as held in ``section`` (``standard_rows``)."""
    raw = (getattr(plan, "model_extra", None) or {}).get(SEEN_KEY)
    keys = raw.get(section) if isinstance(raw, Mapping) else None
    return {k for k in keys if valid_id(k)} if isinstance(keys, list) else set()


def set_seen(plan: Any, seen: Mapping[str, Iterable[str]]) -> None:
    """Record ``standard_rows`` on ``plan`` (the key is left out when empty)."""
    found = {k: sorted(set(v)) for k, v in seen.items() if v}
    extra = plan.model_extra if plan.model_extra is not None else {}
    if found:
        setattr(plan, SEEN_KEY, found)
    else:
        extra.pop(SEEN_KEY, None)


def own_ids(rows: list[Mapping[str, Any]]) -> list[str | None]:
    """Each row's ``_id`` when it is valid and not already taken by an earlier row, else None
    (a copied row in a plan file is a new row, never the same as the row it copies)."""
    taken: set[str] = set()
    out: list[str | None] = []
    for row in rows:
        rid = row.get(ID_KEY)
        if valid_id(rid) and rid not in taken:
            taken.add(rid)
            out.append(rid)
        else:
            out.append(None)
    return out


def fresh_id(taken: set[str], *parts: Any) -> str:
    """A new id made from ``parts`` that is not in ``taken`` (and is added to it)."""
    rid, salt = make_id(*parts), 0
    while rid in taken:
        salt += 1
        rid = make_id(*parts, salt)
    taken.add(rid)
    return rid
