"""The blueprint models: Blueprint, Section, Column, Branding, Health and CountryHolidays.

These hold a fully resolved blueprint. They are plain objects declared in pydantic's words
(:mod:`.declare`, which builds the pydantic models that validate them), so that a command that
takes a cached blueprint never loads pydantic. Finding and merging files is
:mod:`.loading` and :mod:`.extends`; turning problems into plain-language issues is :mod:`.checks`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from mapgen.model.blueprint.declare import (
    Discriminator,
    Field,
    Model,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from mapgen.model.fields import TYPES, FieldType, field_type, fold_text
from mapgen.model.health import MEANINGS, default_meanings

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
Audience = Literal["internal", "buyer"]
# Placement keys used only while merging onto a parent; never part of a resolved blueprint.
_MERGE_ONLY = ("remove", "before", "after")
Where = tuple[str | None, int | None]
Meaning = Annotated[str, WithJsonSchema({"type": "string", "enum": list(MEANINGS)})]
# The languages a blueprint may be written in (``language:``), by code; ``en`` is the default.
LANGUAGES = {"en": "English", "sv": "Svenska", "de": "Deutsch", "fr": "Français", "es": "Español",
             "nl": "Nederlands"}
DEFAULT_LANGUAGE = "en"
# What people write instead of a code, for "did you mean".
_LANGUAGE_HINTS = {
    **{name.casefold(): code for code, name in LANGUAGES.items()},
    "english": "en", "swedish": "sv", "german": "de", "french": "fr", "spanish": "es",
    "dutch": "nl", "flemish": "nl", "eng": "en", "uk": "en", "gb": "en", "us": "en", "se": "sv",
    "swe": "sv", "ger": "de", "deu": "de", "fra": "fr", "fre": "fr", "sp": "es", "esp": "es",
    "spa": "es", "nld": "nl", "dut": "nl", "be": "nl",
}


AUDIENCES = ("internal", "buyer")


def _per_audience(schema: dict[str, Any]) -> Any:
    """A JSON Schema of a text that may be given per audience."""
    return WithJsonSchema({"anyOf": [schema, {
        "type": "object", "additionalProperties": False,
        "properties": {"internal": schema, "buyer": schema}}]})


AudienceText = Annotated[str, _per_audience({"type": "string"})]
AudienceSteps = Annotated[list[str], _per_audience(
    {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})]


def split_audience_texts(data: Any, fields: tuple[str, ...]) -> Any:
    """``{internal: ..., buyer: ...}`` texts (docs/architecture.md, "Audience") split into the field (the
    internal text) and ``buyer_<field>`` (the buyer's); a plain value serves both. A mapping
    without ``buyer`` gives the buyer nothing, one without ``internal`` gives the seller's
    team nothing."""
    if not isinstance(data, dict) or not any(isinstance(data.get(f), dict) for f in fields):
        return data
    out = dict(data)
    for name in fields:
        value = out.get(name)
        if not isinstance(value, dict):
            continue
        unknown = [k for k in value if k not in AUDIENCES]
        if unknown:
            raise ValueError(f"'{name}' given per audience takes 'internal' and 'buyer', "
                             f"not {', '.join(map(repr, unknown))}")
        empty: Any = [] if name == "how_to_use" else ""
        out[name] = value.get("internal", empty)
        out[f"buyer_{name}"] = value.get("buyer", empty)
    return out


class _Model(Model):
    config: ClassVar[dict[str, Any]] = {"extra": "forbid", "validate_assignment": False}
    # field name -> (file, line) where the value was written
    _where: dict[str, Where] = PrivateAttr(default_factory=dict)

    def where(self, field: str) -> Where:
        """The file and line that a field's value came from."""
        return self._where.get(field, self._where.get("", (None, None)))


# A word's width in a column, in characters: bold header letters run wider than the average
# character a column width counts, and a cell has padding on both sides.
WORD_EM, WORD_PAD = 1.15, 1.5


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
    synonyms: dict[str, list[str]] | None = Field(
        None, description="Other words people type for a choice: choice -> its synonyms "
                          "(Done: [Complete, Finished]). Reading writes the choice, with a warning.")
    sequence: bool = Field(False, description="A running number (renumbered when merging).")
    group: bool = Field(False, description=(
        "A label written once for a group of rows (a phase above its tasks): in a workbook made "
        "outside mapgen, a row holding nothing but one text is the label of the rows under it, "
        "and a row without a value here takes the label above it."))
    remove: bool = Field(False, description="In a blueprint that extends another: drop it.")
    before: str | None = Field(None, description="Place this column before the column KEY.")
    after: str | None = Field(None, description="Place this column after the column KEY.")
    # choice -> (file, line) of its entry under ``meanings``
    _meaning_where: dict[str, Where] = PrivateAttr(default_factory=dict)
    # In a translated blueprint: the same column in English, and its choices (folded) -> ours.
    _english: Column | None = PrivateAttr(None)
    _english_choices: dict[str, str] = PrivateAttr(default_factory=dict)

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

    def accepted_headers(self) -> list[str]:
        """The header texts that name this column in a workbook: its own and, in a translated
        blueprint, the English one (a buyer may have pasted from an English copy)."""
        english = self._english
        if english is None or fold_text(english.title) == fold_text(self.title):
            return [self.title]
        return [self.title, english.title]

    def choice_for(self, text: str) -> str | None:
        """The choice that ``text`` names (case and spacing aside), in the blueprint's language
        or, in a translated blueprint, in English; None when it names none."""
        wanted = fold_text(str(text))
        for choice in self.choices or ():
            if fold_text(choice) == wanted:
                return choice
        return self._english_choices.get(wanted)

    def synonym_for(self, text: str) -> str | None:
        """The choice that ``text`` is a synonym of (case and spacing aside), by the column's
        ``synonyms`` or, in a translated blueprint, its English column's; None otherwise."""
        wanted = fold_text(str(text))
        for choice, words in (self.synonyms or {}).items():
            if any(fold_text(w) == wanted for w in words) and choice in (self.choices or ()):
                return choice
        english = self._english
        if english is not None and english.synonyms:
            theirs = english.synonym_for(text)
            if theirs is not None:
                return self.choice_for(theirs)
        return None

    def spellings(self, choice: str, *, english: bool = True) -> list[str]:
        """Every spelling that reads as ``choice``: itself, its synonyms and, with ``english``
        in a translated blueprint, its English name and the English column's synonyms; each
        once."""
        words = [choice]
        parent = self._english if english else None
        if parent is not None:
            theirs = [e for e in parent.choices or () if self.choice_for(e) == choice]
            words += theirs
            words += [w for e in theirs for w in (parent.synonyms or {}).get(e, [])]
        words += (self.synonyms or {}).get(choice, [])
        seen: dict[str, str] = {}
        for word in words:
            seen.setdefault(fold_text(word), word)
        return list(seen.values())

    @property
    def field(self) -> FieldType:
        """The column's type object: parsing, display, and what the type is (``is_date``...)."""
        return field_type(self.type)

    @property
    def display_width(self) -> float:
        """The width in characters: the blueprint's (or the type's default), widened where the
        longest word of the header or of a choice would not fit on a line (a bold header in a
        spreadsheet cell), so that no word is ever broken."""
        words = [w for text in (self.title, *(self.choices or [])) for w in str(text).split()]
        longest = max((len(w) for w in words), default=0)
        return max(self.width or self.field.default_width, round(longest * WORD_EM + WORD_PAD, 1))

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
    purpose: AudienceText = ""
    instructions: AudienceText = ""
    # The buyer's texts where the blueprint gives them per audience (None: the same as above).
    buyer_purpose: str | None = Field(None, exclude=True)
    buyer_instructions: str | None = Field(None, exclude=True)
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

    @model_validator(mode="before")
    @classmethod
    def _audience_texts(cls, data: Any) -> Any:
        return split_audience_texts(data, ("purpose", "instructions"))

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
    """Thresholds of the status report, in whole days (see mapgen.model.health.HealthRules)."""

    at_risk: int = Field(1, ge=1, description="An open item is at risk from this many days late.")
    stalled: int = Field(7, ge=1, description="An open item is stalled from this many days late.")
    due_soon: int = Field(14, ge=0, description="An open item is due soon within this many days.")

    @model_validator(mode="after")
    def _ordered(self) -> Health:
        if self.at_risk > self.stalled:
            raise ValueError(f"health: at_risk ({self.at_risk}) must not be after stalled "
                             f"({self.stalled})")
        return self


class CountryHolidays(_Model):
    """``holidays: {country: SE}``: a country's public holidays (the ``holidays`` library),
    with more ``dates`` beside them; business-day offsets skip them all."""

    country: str = Field(description="ISO 3166 country code (SE, DE, GB, US) whose public "
                                     "holidays `bd` offsets skip.")
    subdivision: str | None = Field(None, description="A state or region code where its "
                                                      "holidays differ (BY for Bavaria).")
    dates: list[dt.date] = Field(default_factory=list,
                                 description="More dates (2026-12-24) skipped by `bd` offsets.")

    @field_validator("country", "subdivision", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    def calendar(self) -> Any:
        """The :class:`mapgen.core.dates.HolidayCalendar` these holidays stand for."""
        from mapgen.core.dates import HolidayCalendar

        return HolidayCalendar(self.country, self.subdivision, tuple(self.dates))

    @model_validator(mode="after")
    def _known_calendar(self) -> Any:  # ``self`` is the pydantic model, which has the fields
        CountryHolidays.calendar(self).check()  # ValueError in plain words: unknown country or region
        return self


def _holiday_form(value: Any) -> str:
    """Which form of ``holidays`` a value is (a mapping or a calendar model, else a list)."""
    return "calendar" if isinstance(value, dict) or hasattr(value, "country") else "list"


Holidays = Annotated[
    Annotated[list[dt.date], Tag("list")] | Annotated[CountryHolidays, Tag("calendar")],
    Discriminator(_holiday_form)]


class Blueprint(_Model):
    """A MAP template definition, fully resolved (``extends`` already applied)."""

    name: str = Field("", pattern=r"^$|^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    version: str = "1"
    extends: str | None = None
    language: str = Field(DEFAULT_LANGUAGE, description="The language of the blueprint's texts: "
                          + ", ".join(f"{c} ({n})" for c, n in LANGUAGES.items()) + ".",
                          json_schema_extra={"enum": list(LANGUAGES)})
    title: str = "Mutual Action Plan"
    intro: AudienceText = ""
    how_to_use: AudienceSteps = Field(default_factory=list)
    # The buyer's texts where the blueprint gives them per audience (None: the same as above).
    buyer_intro: str | None = Field(None, exclude=True)
    buyer_how_to_use: list[str] | None = Field(None, exclude=True)
    signoff: list[str] = Field(default_factory=list, description=(
        "Who signs the plan off: one role a line, e.g. the buyer's and the seller's sponsors."))
    branding: Branding = Field(default_factory=Branding)
    holidays: Holidays = Field(default_factory=list,
                               description="Dates (2026-12-25) skipped by `bd` offsets, or a "
                                           "country's public holidays: {country: SE, dates: [...]}.")
    deal_labels: dict[str, str] = Field(default_factory=dict, description=(
        "Where a workbook made outside mapgen keeps its deal facts: deal key -> the label "
        "beside its value (buyer: 'Account:'). `read` takes the value right of the label."))
    sections: list[Section] = Field(default_factory=list)
    health: Health | None = Field(None, description="Status-report thresholds (days).")
    _source: Path | None = PrivateAttr(None)
    _chain: list[str] = PrivateAttr(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> str:
        return str(value)

    @field_validator("language", mode="before")
    @classmethod
    def _known_language(cls, value: Any) -> Any:
        if not isinstance(value, str) or value in LANGUAGES:
            return value
        code = value.strip().casefold().replace("_", "-")
        close = code if code in LANGUAGES else _LANGUAGE_HINTS.get(code.split("-")[0])
        if close is None:
            near = difflib.get_close_matches(code, _LANGUAGE_HINTS, n=1, cutoff=0.75)
            close = _LANGUAGE_HINTS[near[0]] if near else None
        hint = f"did you mean '{close}'? " if close else ""
        raise ValueError(f"unknown language '{value}' ({hint}expected one of {', '.join(LANGUAGES)})")

    @model_validator(mode="before")
    @classmethod
    def _audience_texts(cls, data: Any) -> Any:
        return split_audience_texts(data, ("intro", "how_to_use"))

    @field_validator("how_to_use", "buyer_how_to_use", "signoff", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def source(self) -> Path | None:
        """The file this blueprint was loaded from."""
        return self._source

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def holiday_dates(self) -> Any:
        """What business-day offsets skip: a list of dates, or a country's holiday calendar
        (:class:`mapgen.core.dates.HolidayCalendar`); :mod:`mapgen.core.dates` takes either."""
        if isinstance(self.holidays, CountryHolidays):
            return self.holidays.calendar()
        return list(self.holidays)

    def for_audience(self, audience: Audience) -> Blueprint:
        """This blueprint as the audience sees it: a buyer sees no internal sections or columns."""
        if audience == "internal":
            return self
        texts = {name: getattr(self, f"buyer_{name}") for name in ("intro", "how_to_use")
                 if getattr(self, f"buyer_{name}") is not None}
        out = self.model_copy(update=texts)
        out._source, out._chain, out._where = self._source, self._chain, self._where
        sections = []
        for section in self.sections:
            if section.internal:
                continue
            visible = [c for c in section.columns if not c.internal]
            update: dict[str, Any] = {
                name: getattr(section, f"buyer_{name}") for name in ("purpose", "instructions")
                if getattr(section, f"buyer_{name}") is not None}
            if len(visible) < len(section.columns):
                keys = {c.key for c in visible}
                update.update(
                    columns=visible,
                    examples=[{k: v for k, v in r.items() if k in keys} for r in section.examples],
                    rows=[{k: v for k, v in r.items() if k in keys} for r in section.rows])
            if not update:
                sections.append(section)
                continue
            clone = section.model_copy(update=update)
            _copy_private(section, clone)
            sections.append(clone)
        out.sections = sections
        return out

    def to_data(self) -> dict[str, Any]:
        """The resolved blueprint as plain data with the file format's names."""
        from mapgen.model.blueprint.declare import to_pydantic

        drop = dict.fromkeys(_MERGE_ONLY, True)
        data = to_pydantic(self).model_dump(mode="json", exclude={"sections": {"__all__": {
            **drop, "columns": {"__all__": drop}}}})
        _audience_data(self, data, ("intro", "how_to_use"))
        for section, sdata in zip(self.sections, data["sections"], strict=True):
            _audience_data(section, sdata, ("purpose", "instructions"))
        for section in data["sections"]:
            for column in section["columns"]:
                column["header"] = column["header"] or column["key"].replace("_", " ").capitalize()
        return data


def _audience_data(model: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Texts given per audience back in their ``{internal: ..., buyer: ...}`` form."""
    for name in fields:
        buyer = getattr(model, f"buyer_{name}")
        if buyer is not None:
            data[name] = {"internal": data[name], "buyer": buyer}


def _copy_private(src: Section, dst: Section) -> None:
    dst._where, dst._example_where, dst._row_where = src._where, src._example_where, src._row_where

