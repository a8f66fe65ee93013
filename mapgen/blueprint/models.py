"""The blueprint models: Blueprint, Section, Column and Branding (pydantic).

These hold a fully resolved blueprint. Finding and merging files is :mod:`.loading` and
:mod:`.extends`; turning problems into plain-language issues is :mod:`.checks`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from mapgen.fields import TYPES, FieldType, field_type
from mapgen.status import MEANINGS, default_meanings

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
Audience = Literal["internal", "buyer"]
# Placement keys used only while merging onto a parent; never part of a resolved blueprint.
_MERGE_ONLY = ("remove", "before", "after")
Where = tuple[str | None, int | None]
Meaning = Annotated[str, WithJsonSchema({"type": "string", "enum": list(MEANINGS)})]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)
    # field name -> (file, line) where the value was written
    _where: dict[str, Where] = PrivateAttr(default_factory=dict)

    def where(self, field: str) -> Where:
        """The file and line that a field's value came from."""
        return self._where.get(field, self._where.get("", (None, None)))


class Column(_Model):
    """One typed column of a section's table."""

    key: str = Field(pattern=KEY_PATTERN, description="Stable key used in plan data.")
    header: str = Field("", description="Header text shown in documents.")
    type: str = Field("text", description="; ".join(f"{n}: {t.description}" for n, t in TYPES.items()),
                      json_schema_extra={"enum": list(TYPES)})
    help: str = Field("", description="Help shown as the input message in Excel.")
    width: float | None = Field(None, gt=0, le=255, description="Column width in characters.")
    required: bool = False
    internal: bool = Field(False, description="Seller-only: left out of buyer editions.")
    choices: list[str] | None = Field(None, description="The choices of a `choice` column.")
    aliases: list[str] = Field(default_factory=list, description=(
        "Other headers the column goes by (Owner for Responsible Person): a workbook whose "
        "header reads one of them is read into this column."))
    meanings: dict[str, Meaning] | None = Field(
        None, description="What each choice of a status column means: choice -> one of "
                          + ", ".join(MEANINGS) + " (default: by position or English name).")
    sequence: bool = Field(False, description="A running number (renumbered when merging).")
    remove: bool = Field(False, description="In a blueprint that extends another: drop it.")
    before: str | None = Field(None, description="Place this column before the column KEY.")
    after: str | None = Field(None, description="Place this column after the column KEY.")
    # choice -> (file, line) of its entry under ``meanings``
    _meaning_where: dict[str, Where] = PrivateAttr(default_factory=dict)

    @field_validator("aliases")
    @classmethod
    def _plain_aliases(cls, value: list[str]) -> list[str]:
        out = [" ".join(a.split()) for a in value]
        if any(not a for a in out):
            raise ValueError("an alias must be a header text, not empty")
        return out

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in TYPES:
            close = difflib.get_close_matches(value, TYPES, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ValueError(f"unknown type '{value}' ({hint}expected one of {', '.join(TYPES)})")
        return value

    @property
    def title(self) -> str:
        return self.header or self.key.replace("_", " ").capitalize()

    @property
    def field(self) -> FieldType:
        """The column's type object: parsing, display, and what the type is (``is_date``...)."""
        return field_type(self.type)

    @property
    def display_width(self) -> float:
        return self.width or self.field.default_width

    def status_meanings(self) -> dict[str, str]:
        """Each choice's meaning (not_started, in_progress, done, blocked), as far as known.

        The explicit ``meanings`` when given. Otherwise: English names (Not started, To do, Open;
        In progress, Ongoing; Done, Complete(d); Blocked, On hold; and a few more, see
        ``ENGLISH_MEANINGS``) when they name every choice;
        else, for a ``status`` column of exactly four choices, the choices in that order; else
        the choices that English names recognise. Empty for a column without choices.
        """
        if not self.field.has_choices or not self.choices:
            return {}
        if self.meanings is not None:
            return dict(self.meanings)
        return dict(default_meanings(self.key, self.choices))


class Section(_Model):
    """One section of the plan: texts, a typed table, examples and standard rows."""

    key: str = Field(pattern=KEY_PATTERN)
    title: str = ""
    purpose: str = ""
    instructions: str = ""
    columns: list[Column] = Field(default_factory=list)
    examples: list[dict[str, Any]] = Field(
        default_factory=list, description="Guidance rows, shown in italics, never read back.")
    rows: list[dict[str, Any]] = Field(
        default_factory=list, description="Standard rows that pre-fill every plan.")
    blank_rows: int = Field(5, ge=0, le=500)
    internal: bool = False
    identity: list[str] | None = Field(
        None, description="Column keys that say two rows are the same row (merge).")
    landscape: bool | None = Field(None, description="Print this section landscape (default: auto).")
    remove: bool = Field(False, description="In a blueprint that extends another: drop it.")
    before: str | None = Field(None, description="Place this section before the section KEY.")
    after: str | None = Field(None, description="Place this section after the section KEY.")
    _example_where: list[Where] = PrivateAttr(default_factory=list)
    _row_where: list[Where] = PrivateAttr(default_factory=list)

    @property
    def label(self) -> str:
        return self.title or self.key.replace("_", " ").capitalize()

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def identity_keys(self) -> list[str]:
        """The identity columns; by default every column (only identical rows are the same)."""
        return list(self.identity) if self.identity else [c.key for c in self.columns]


class Branding(_Model):
    company: str = ""
    primary_color: str = Field("1F4E79", description="Hex colour like 1F4E79 or #1F4E79.")
    logo: str | None = Field(None, description="Path to a PNG/JPEG logo, relative to the file.")
    font: str = "Calibri"

    @field_validator("primary_color")
    @classmethod
    def _hex(cls, value: str) -> str:
        value = str(value).strip().lstrip("#")
        if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
            raise ValueError(f"colour '{value}' is not a 6-digit hex colour like 1F4E79")
        return value.upper()


class Health(_Model):
    """Thresholds of the status report, in whole days (see mapgen.status.HealthRules)."""

    at_risk: int = Field(1, ge=1, description="An open item is at risk from this many days late.")
    stalled: int = Field(7, ge=1, description="An open item is stalled from this many days late.")
    due_soon: int = Field(14, ge=0, description="An open item is due soon within this many days.")

    @model_validator(mode="after")
    def _ordered(self) -> Health:
        if self.at_risk > self.stalled:
            raise ValueError(f"health: at_risk ({self.at_risk}) must not be after stalled "
                             f"({self.stalled})")
        return self


class Blueprint(_Model):
    """A MAP template definition, fully resolved (``extends`` already applied)."""

    name: str = Field("", pattern=r"^$|^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    version: str = "1"
    extends: str | None = None
    title: str = "Mutual Action Plan"
    intro: str = ""
    how_to_use: list[str] = Field(default_factory=list)
    branding: Branding = Field(default_factory=Branding)
    holidays: list[dt.date] = Field(default_factory=list,
                                    description="Dates (2026-12-25) skipped by `bd` offsets.")
    sections: list[Section] = Field(default_factory=list)
    health: Health | None = Field(None, description="Status-report thresholds (days).")
    _source: Path | None = PrivateAttr(None)
    _chain: list[str] = PrivateAttr(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> str:
        return str(value)

    @field_validator("how_to_use", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def source(self) -> Path | None:
        """The file this blueprint was loaded from."""
        return self._source

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def holiday_dates(self) -> list[dt.date]:
        return list(self.holidays)

    def for_audience(self, audience: Audience) -> Blueprint:
        """This blueprint as the audience sees it: a buyer sees no internal sections or columns."""
        if audience == "internal":
            return self
        out = self.model_copy()
        out._source, out._chain, out._where = self._source, self._chain, self._where
        sections = []
        for section in self.sections:
            if section.internal:
                continue
            visible = [c for c in section.columns if not c.internal]
            if len(visible) == len(section.columns):
                sections.append(section)
                continue
            keys = {c.key for c in visible}
            clone = section.model_copy(update={
                "columns": visible,
                "examples": [{k: v for k, v in r.items() if k in keys} for r in section.examples],
                "rows": [{k: v for k, v in r.items() if k in keys} for r in section.rows],
            })
            _copy_private(section, clone)
            sections.append(clone)
        out.sections = sections
        return out

    def to_data(self) -> dict[str, Any]:
        """The resolved blueprint as plain data with the file format's names."""
        drop = dict.fromkeys(_MERGE_ONLY, True)
        data = self.model_dump(mode="json", exclude={"sections": {"__all__": {
            **drop, "columns": {"__all__": drop}}}})
        for section in data["sections"]:
            for column in section["columns"]:
                column["header"] = column["header"] or column["key"].replace("_", " ").capitalize()
        return data


def _copy_private(src: Section, dst: Section) -> None:
    dst._where, dst._example_where, dst._row_where = src._where, src._example_where, src._row_where

