"""Batch generation: one set of documents per deal of a CRM export (CSV or JSON).

A deals file is read whole and checked before anything is written: each deal becomes a plan
(its dates parsed, a ``stakeholders`` cell such as ``Sarah Chen (CFO); Tom (IT)`` split into
rows) and its view is built once, so a broken blueprint text stops the batch before the first
file, while a bad deal is reported by its line and skipped. The documents are then written, in
worker processes when there are many deals. Deal data is never rendered as a template: the
file name template is a plain ``str.format`` pattern over deal keys.

Deals of one shape (see :mod:`mapgen.ops.batch_templates`; each format has its own) are filled into a
template of their xlsx and docx made once, which gives the same files as writing each deal on
its own; a format of a deal that cannot use one is written on its own, and the result counts
which way each deal went.

With ``owners`` (``generate --deals --format ics --owner NAME``), each deal's calendar holds
only those people's events (as :mod:`mapgen.formats.ics` keeps them for one plan), and a deal that has
none gets no calendar: an empty one is of no use to anybody. Such a deal keeps its file name
(so shards still agree about names) and its other formats; the batch lists it in
``no_events``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapgen.core.date_order import Order, decide, refused
from mapgen.core.dealkeys import DEAL_DATE_KEYS
from mapgen.core.errors import FileExists, Issue, MapgenError, TemplateError, ValidationFailed
from mapgen.core.fileio import check_writable, read_bytes, safe_filename, unique_path
from mapgen.core.workers import in_workers
from mapgen.model.blueprint import Audience, Blueprint
from mapgen.model.plan import Plan, plan_from_data
from mapgen.ops.batch_templates import Prepared, Shape, Unusable
from mapgen.ops.generate import Format, generate

MAX_DEALS_BYTES = 20 * 1024 * 1024
MAX_DEALS = 10_000
PARALLEL_FROM = 8  # deals; below this, worker start-up costs more than it saves
DEFAULT_NAME = "{buyer} - {name}"
# Header spellings of a CRM export that mean a standard deal key.
HEADER_ALIASES = {
    "deal": "name", "deal_name": "name", "opportunity": "name", "opportunity_name": "name",
    "account": "buyer", "account_name": "buyer", "customer": "buyer", "company": "buyer",
    "start_date": "start", "close_date": "close", "golive": "go_live", "go_live_date": "go_live",
}


@dataclass
class DealRow:
    """One deal of the file: where it stands (``file:line``), its plan, or what is wrong."""

    where: str
    plan: Plan | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BatchResult:
    """What a batch wrote, and which deals failed (as ``deals.csv:7: why`` lines)."""

    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    generated: int = 0  # deals whose documents were all written
    templated: int = 0  # of those, deals filled into prepared templates (all their formats)
    partly: int = 0  # deals of which some formats came from a template, the others one by one
    fallbacks: dict[str, int] = field(default_factory=dict)  # why others (or some of the
    #                                                         partly's formats) went one by one
    no_events: list[str] = field(default_factory=list)  # deals (``where``) given no calendar

    @property
    def ok(self) -> bool:
        """Every deal was generated."""
        return not self.failed


# --------------------------------------------------------------------------- reading deals

def deal_key(header: str) -> str:
    """A header as a deal key: ``Go-live date`` -> ``go_live``, ``Deal name`` -> ``name``."""
    key = re.sub(r"[^0-9a-z]+", "_", header.strip().casefold()).strip("_")
    return HEADER_ALIASES.get(key, key)


def parse_stakeholders(text: str) -> list[dict[str, str]]:
    """``Name (Role); Name (Role)`` as stakeholder rows; a name without a role is fine."""
    rows = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", part)
        name, role = (match.group(1), match.group(2).strip()) if match else (part, "")
        rows.append({"name": name.strip(), **({"role": role} if role else {})})
    return rows


def load_deals(path: str | os.PathLike, blueprint: Blueprint, *,
               warn: Callable[[str | Issue], None] | None = None,
               date_order: Order | None = None) -> list[DealRow]:
    """Every deal of a CSV or JSON file as a typed plan, or an error naming its line.

    ``warn`` receives notes about the file as a whole (e.g. a guessed text encoding; the
    order its dates were read in as a ``date-order`` Issue). Numeric dates are read one way for the whole file
    (``date_order``, else as its dates show: mapgen.core.date_order). Raises MapgenError when
    the file itself cannot be used, holds no deals, or writes its dates both ways (BadArgument:
    ``date_order`` decides).
    """
    path = Path(path)
    raw = _read_bytes(path)
    if path.suffix.lower() == ".json":
        records = _json_records(raw, str(path))
    else:
        records = _csv_records(raw, str(path), warn or (lambda _: None))
    if not records:
        raise MapgenError(f"{path}: holds no deals (only a header, or an empty list)")
    if len(records) > MAX_DEALS:
        raise MapgenError(f"{path}: {len(records):,} deals is more than one batch takes "
                          f"({MAX_DEALS:,}); split the file")
    order = decide(((f"column '{k}'", v) for _, r in records if "__error__" not in r
                    for k, v in (r.get("deal") if isinstance(r.get("deal"), dict) else r).items()
                    if deal_key(str(k)) in DEAL_DATE_KEYS), date_order)
    if order.problem is not None:
        code, message = order.problem
        if code == "mixed-date-order":
            raise refused(str(path), order.problem)
        (warn or (lambda _: None))(Issue(code=code, file=str(path), message=message))
    given: Order = "dmy" if order.day_first else "mdy"
    return [_deal_row(where, record, blueprint, given) for where, record in records]


def _read_bytes(path: Path) -> bytes:
    data = read_bytes(path, what="deals file", limit=MAX_DEALS_BYTES)
    if not data.strip():
        raise MapgenError(f"{path}: the deals file is empty")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise MapgenError(f"{path}: this is a spreadsheet, not CSV; export the deals as CSV "
                          "(File > Save as > CSV UTF-8) or JSON")
    return data


def _csv_records(raw: bytes, label: str,
                 warn: Callable[[str], None]) -> list[tuple[str, dict[str, Any]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # Excel's plain "CSV" on Windows
        text = raw.decode("cp1252", errors="replace")
        warn(f"{label}: not UTF-8; read as Windows-1252 (export as 'CSV UTF-8' if names "
             "look wrong)")
    if "\0" in text:
        raise MapgenError(f"{label}: not a CSV text file (it holds binary data)")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise MapgenError(f"{label}: no header row; the first line must name the deal fields "
                          "(e.g. name,buyer,seller,start,close,go_live)") from None
    keys = [deal_key(h) for h in header]
    seen = [k for k in keys if k]
    if not seen:
        raise MapgenError(f"{label}: the header row is empty")
    dupes = sorted({k for k in seen if seen.count(k) > 1})
    if dupes:
        raise MapgenError(f"{label}:1: column '{dupes[0]}' appears twice in the header")
    records = []
    first_line = reader.line_num + 1  # where the next record starts (a cell may span lines)
    try:
        for cells in reader:
            where, first_line = f"{label}:{first_line}", reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(keys):
                records.append((where, {"__error__": f"{len(cells)} cells, but the header names "
                                                     f"{len(keys)} columns"}))
                continue
            records.append((where, {k: c.strip() for k, c in zip(keys, cells, strict=False)
                                    if k and c.strip()}))
    except csv.Error as exc:
        raise MapgenError(f"{label}:{reader.line_num}: not valid CSV ({exc})") from None
    return records


def _json_records(raw: bytes, label: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MapgenError(f"{label}: not UTF-8 text; save the deals file as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise MapgenError(f"{label}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("deals"), list):
        data = data["deals"]
    if not isinstance(data, list):
        raise MapgenError(f"{label}: expected a list of deals (objects with name, buyer, ...)")
    records = []
    for n, item in enumerate(data, start=1):
        where = f"{label}: deal {n}"
        if not isinstance(item, dict):
            records.append((where, {"__error__": "a deal must be an object of deal fields"}))
        else:
            records.append((where, item))
    return records


def _deal_row(where: str, record: dict[str, Any], blueprint: Blueprint,
              date_order: Order | None = None) -> DealRow:
    if "__error__" in record:
        return DealRow(where, error=record["__error__"])
    if "deal" in record or "sections" in record:  # a plan-format object
        data = {"blueprint": {"name": blueprint.name, "version": blueprint.version}, **record}
    else:
        deal = {deal_key(str(k)): v for k, v in record.items() if v not in (None, "")}
        sections = {}
        people = deal.pop("stakeholders", None)
        if isinstance(people, str):
            sections["stakeholders"] = parse_stakeholders(people)
        elif isinstance(people, list):
            sections["stakeholders"] = people
        data = {"blueprint": {"name": blueprint.name, "version": blueprint.version},
                "deal": deal, "sections": sections}
    try:
        plan = plan_from_data(data, blueprint, file=where, date_order=date_order)
    except MapgenError as exc:
        return DealRow(where, error=str(exc).removeprefix(f"{where}: "))
    errors = [i.message for i in plan.issues if i.severity == "error"]
    if errors:
        return DealRow(where, error="; ".join(errors))
    return DealRow(where, plan, warnings=[i.message for i in plan.issues])


def _first_ids(plan: Plan) -> None:
    """Give a deal's rows their ids as the batch first writes them: by section and place, so
    that every deal's documents share them (a template's rows are the same rows)."""
    from mapgen.model.rowids import ID_KEY, fresh_id, own_ids

    for key, rows in plan.sections.items():
        taken = {i for i in own_ids(rows) if i}
        for n, (row, rid) in enumerate(zip(rows, own_ids(rows), strict=True)):
            if rid is None:
                row[ID_KEY] = fresh_id(taken, key, "deal row", n)


# --------------------------------------------------------------------------- file names

def file_stem(template: str, deal: dict[str, Any]) -> str:
    """The file name (without extension) for a deal: ``template`` over its keys, made safe.

    Only plain ``{key}`` fields are allowed (no attribute or index access); unknown keys are
    empty. Returns "" when nothing is left.
    """
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        parts.append(literal)
        if name is None:
            continue
        if not re.fullmatch(r"[A-Za-z_]\w*", name) or conversion or spec:
            raise MapgenError(f"file name template: '{{{name}}}' is not a plain deal field "
                              "(write fields like {buyer} or {name})")
        value = deal.get(name)
        parts.append("" if value is None else str(value))
    text = " ".join("".join(parts).split()).strip(" -_.")
    return safe_filename(text, default="deal") if text else ""


def _check_template(template: str) -> None:
    try:
        file_stem(template, {})
    except ValueError as exc:  # unbalanced braces
        raise MapgenError(f"file name template '{template}': {exc}") from None


# --------------------------------------------------------------------------- generating

@dataclass
class _Job:
    where: str
    plan: Plan
    stem: str  # the file name of every format (``stem.xlsx``, ``stem.docx``)
    key: Shape | None = None  # the formats (and their shapes) that can use a prepared template
    why: str | None = None  # why it cannot
    formats: list[Format] | None = None  # when not all of the batch's (no calendar to write)


def shard_of(row: DealRow, count: int) -> int:
    """The shard (1..count) a deal belongs to: a hash of the deal's own facts, so that the
    split does not depend on where the deal stands in the file or on which machine runs it."""
    key = (json.dumps(row.plan.deal, sort_keys=True, default=str, ensure_ascii=False)
           if row.plan is not None else row.where)
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % count + 1


def plan_jobs(rows: Iterable[DealRow], blueprint: Blueprint, *, formats: list[Format],
              audience: Audience, out_dir: Path, force: bool, name_template: str,
              suffix: str = "", shard: tuple[int, int] | None = None,
              prepared: Prepared | None = None, owners: Iterable[str] = (),
              no_events: list[str] | None = None, existing: list[Path] | None = None,
              ) -> tuple[list[_Job], list[str]]:
    """The file name each good deal will be written to, and the deals that cannot be done.

    File names are given to every deal of the file in order (so each shard names its deals
    exactly as the whole batch would); then each deal of this ``shard`` (``(k, n)``: the k-th
    of n, 1-based; None: all) has its view built once, to find bad dates and template errors
    before any writing. Raises TemplateError when the blueprint fails for every deal.
    ``suffix`` ends every name. With ``prepared``, each job says whether its deal can use a
    prepared template (a shape that only one deal has is written on its own).
    With ``owners``, a deal whose calendar would hold no event of theirs is written without
    its ``ics`` (and not at all when that is its only format), and its ``where`` is added to
    ``no_events``. A deal refused because a file of its is there already (and not ``force``)
    has that file added to ``existing``.
    """
    from mapgen.formats.ics import calendar_events
    from mapgen.model.view import build_view

    owners = list(owners)

    jobs: list[_Job] = []
    failed: list[str] = []
    template_errors: list[TemplateError] = []
    taken: set[str] = set()  # names given in this batch (case-blind)
    for row in rows:
        mine = shard is None or shard_of(row, shard[1]) == shard[0]
        if row.plan is None:
            if mine:
                failed.append(f"{row.where}: {row.error}")
            continue
        stem = file_stem(name_template, row.plan.deal)
        if not stem:
            if mine:
                failed.append(f"{row.where}: no file name: the deal has none of the fields the "
                              f"name template '{name_template}' uses")
            continue
        # One stem for all formats of a deal; a collision with any of them takes the next.
        base, stem, n = stem + suffix, stem + suffix, 1
        while any(f"{stem}{fmt_suffix(fmt)}".casefold() in taken for fmt in formats):
            n += 1
            stem = f"{base}-{n}"
        targets = {fmt: unique_path(out_dir, stem, fmt_suffix(fmt), taken) for fmt in formats}
        if not mine:
            continue
        _first_ids(row.plan)
        try:
            view = build_view(blueprint, row.plan, audience=audience)
        except ValidationFailed as exc:
            failed.append(f"{row.where}: " + "; ".join(i.message for i in exc.issues
                                                        if i.severity == "error"))
            continue
        except TemplateError as exc:
            template_errors.append(exc)
            failed.append(f"{row.where}: {exc}")
            continue
        own = None  # this deal's formats, when not all of the batch's
        if owners and "ics" in targets and not calendar_events(view, owners):
            own = [fmt for fmt in formats if fmt != "ics"]
            if no_events is not None:
                no_events.append(row.where)
            if not own:
                continue
        try:
            for fmt in own or formats:
                check_writable(targets[fmt], force)
        except MapgenError as exc:
            failed.append(f"{row.where}: {exc}")
            if isinstance(exc, FileExists) and existing is not None:
                existing.append(exc.path)
            continue
        key, why = prepared.check(row.plan, view) if prepared else (None, None)
        jobs.append(_Job(row.where, row.plan, stem, key, why, own))
    if template_errors and not jobs:
        raise template_errors[0]
    shapes: dict[tuple[str, str], int] = {}
    for job in jobs:
        for pair in job.key or ():
            shapes[pair] = shapes.get(pair, 0) + 1
    for job in jobs:
        if job.key is None:
            continue
        shared = tuple(pair for pair in job.key if shapes[pair] > 1)  # else a template
        if not shared:                                                # would cost as much
            job.key, job.why = None, "the only deal of its shape"
        elif shared != job.key:
            alone = ", ".join(fmt for fmt, _key in job.key if (fmt, _key) not in shared)
            job.key, job.why = shared, f"{alone}: the only deal of its shape"
    return jobs, failed


def fmt_suffix(fmt: Format) -> str:
    from mapgen.formats.registry import get

    return get(fmt).suffix


# One deal written: (paths or None, error or None, formats from a template, why not).
Outcome = tuple[list[Path] | None, str | None, bool, str | None]
# What a worker process holds while it writes deals: the blueprint, its prepared templates and
# the batch's options.
_Setup = tuple[Blueprint, Prepared, dict[str, Any]]


def _worker_setup(state: tuple[str, dict[str, Any]]) -> _Setup:
    """In a worker process: the blueprint loaded from its file and its templates prepared."""
    from mapgen.model.blueprint import load_blueprint

    blueprint_path, options = state
    blueprint = load_blueprint(Path(blueprint_path))
    return blueprint, _prepared(blueprint, options), options


def _prepared(blueprint: Blueprint, options: dict[str, Any]) -> Prepared:
    return Prepared(blueprint, formats=options["formats"], audience=options["audience"],
                    protect=options["protect"], owners=options["owners"])


def _run_job(job: _Job, options: dict[str, Any], blueprint: Blueprint,
             prepared: Prepared | None) -> Outcome:
    """Write one deal's documents (all its formats land, or none); errors of this deal only
    (e.g. a file in use) are returned, the batch goes on."""
    from mapgen.formats.registry import WriteOptions, expand

    why = job.why
    formats = expand(job.formats or options["formats"])
    try:
        if job.key is not None and prepared is not None:
            out = Path(options["out_dir"])
            targets = [(fmt, out / f"{job.stem}{fmt_suffix(fmt)}") for fmt in formats]
            try:
                used = tuple(fmt for fmt, _key in job.key)
                return (prepared.write(job.plan, job.key, targets, options["force"]), None, used,
                        job.why)
            except Unusable as exc:
                why = str(exc)
        write = WriteOptions(protect=options["protect"], extra={"owners": list(options["owners"])})
        paths = generate(blueprint, plan=job.plan, stem=job.stem,
                         formats=formats, audience=options["audience"],
                         out_dir=options["out_dir"], force=options["force"], options=write)
        return paths, None, (), why
    except (MapgenError, OSError) as exc:
        return None, (str(exc) if isinstance(exc, MapgenError) else f"cannot write: {exc}"), (), why


def _run_chunk(setup: _Setup, chunk: list[_Job]) -> list[Outcome]:
    blueprint, prepared, options = setup
    return [_run_job(job, options, blueprint, prepared) for job in chunk]


@dataclass
class Batch:
    """A batch checked and planned: nothing is written until :meth:`run`."""

    blueprint: Blueprint
    jobs: list[_Job]
    failed: list[str]
    warnings: list[str | Issue]  # issues for the command line to say with their advice
    options: dict[str, Any]  # for generate(): formats, audience, out_dir, force, protect, owners
    prepared: Prepared | None = None
    no_events: list[str] = field(default_factory=list)  # deals given no calendar (``owners``)
    existing: list[Path] = field(default_factory=list)  # files refused: there already, no force

    def run(self, workers: int | None = None,
            on_done: Callable[[str, list[Path] | None, str | None], None] | None = None,
            ) -> BatchResult:
        """Write every deal's documents (in worker processes when there are many)."""
        workers = min(workers or os.cpu_count() or 1, len(self.jobs))
        source = self.blueprint.source
        outcomes: dict[int, Outcome] = {}

        def done(index: int, outcome: Outcome) -> None:
            outcomes[index] = outcome
            if on_done:
                on_done(self.jobs[index].where, outcome[0], outcome[1])

        if workers > 1 and len(self.jobs) >= PARALLEL_FROM and source is not None:
            # Deals of one shape together, so that a worker makes each template once.
            order = sorted(range(len(self.jobs)), key=lambda i: (self.jobs[i].key or (), i))
            size = max(1, min(32, len(order) // (workers * 4)))
            chunks: list[list[int]] = []
            for i in order:  # a chunk ends with a shape (up to 4 sizes): one worker makes it
                if not chunks or len(chunks[-1]) >= 4 * size or (
                        len(chunks[-1]) >= size and (self.jobs[i].key is None
                                                     or self.jobs[i].key != self.jobs[chunks[-1][-1]].key)):
                    chunks.append([])
                chunks[-1].append(i)
            work = in_workers(_run_chunk, [[self.jobs[i] for i in chunk] for chunk in chunks],
                              jobs=workers, state=(str(source), self.options),
                              setup=_worker_setup)
            for chunk, outcomes_of_chunk in zip(chunks, work, strict=True):
                for index, outcome in zip(chunk, outcomes_of_chunk, strict=True):
                    done(index, outcome)
        else:
            prepared = self.prepared or _prepared(self.blueprint, self.options)
            for index, job in enumerate(self.jobs):
                done(index, _run_job(job, self.options, self.blueprint, prepared))
        result = BatchResult(failed=list(self.failed), no_events=list(self.no_events))
        for index, job in enumerate(self.jobs):
            _collect(result, job, outcomes[index])
        return result


def prepare_batch(deals_path: str | os.PathLike, blueprint: Blueprint, *,
                  formats: Iterable[Format] = ("xlsx", "docx"), audience: Audience = "internal",
                  out_dir: str | os.PathLike = "output", force: bool = False,
                  name_template: str | None = None, protect: bool = False,
                  shard: tuple[int, int] | None = None, template_batch: bool = True,
                  owners: Iterable[str] = (), date_order: Order | None = None) -> Batch:
    """Read and check every deal and plan its files; raises MapgenError for an unusable file.

    Buyer copies end in ``-buyer`` (as with a single plan) unless ``name_template`` is given.
    ``shard=(k, n)`` keeps the k-th of n disjoint parts of the deals (see :func:`shard_of`):
    n processes or machines given 1/n .. n/n together write exactly the whole batch.
    ``template_batch=False`` writes every deal on its own (no prepared templates).
    ``owners`` (names, any case) keep each deal's calendar to their events; it needs the
    ``ics`` format, and a deal without any of their events gets no calendar (``no_events``).
    """
    from mapgen.formats.registry import expand

    if shard is not None and not 1 <= shard[0] <= shard[1]:
        raise MapgenError(f"shard {shard[0]}/{shard[1]}: K must be between 1 and N")
    formats = expand(formats)
    owners = check_owners(owners, formats)
    template = name_template or DEFAULT_NAME
    _check_template(template)
    warnings: list[str | Issue] = []
    rows = load_deals(deals_path, blueprint, warn=warnings.append, date_order=date_order)
    warnings += [f"{row.where}: {w}" for row in rows if row.plan for w in row.warnings]
    suffix = "-buyer" if audience == "buyer" and not name_template else ""
    options = {"formats": formats, "audience": audience, "out_dir": Path(out_dir),
               "force": force, "protect": protect, "owners": owners}
    prepared = _prepared(blueprint, options) if template_batch else None
    no_events: list[str] = []
    existing: list[Path] = []
    work, failed = plan_jobs(rows, blueprint, formats=formats, audience=audience,
                             out_dir=Path(out_dir), force=force, name_template=template,
                             suffix=suffix, shard=shard,
                             prepared=prepared if prepared and prepared.useful else None,
                             owners=owners, no_events=no_events, existing=existing)
    return Batch(blueprint, work, failed, warnings, options, prepared, no_events, existing)


def check_owners(owners: Iterable[str], formats: Iterable[Format]) -> list[str]:
    """The owner names, checked: each a name, and only for a batch that writes calendars."""
    names = [str(o) for o in owners]
    if any(not n.strip() for n in names):
        raise MapgenError("an owner must be a person's name, not empty")
    if names and "ics" not in formats:
        raise MapgenError("owners pick the calendar's items: they need the ics format")
    return names


def run_batch(deals_path: str | os.PathLike, blueprint: Blueprint, *, jobs: int | None = None,
              on_done: Callable[[str, list[Path] | None, str | None], None] | None = None,
              **options: Any) -> BatchResult:
    """Generate the documents of every deal in ``deals_path``: the pure API of ``--deals``.

    ``options`` are those of :func:`prepare_batch`; ``on_done(where, paths, error)`` is called
    as each deal finishes (for progress bars).
    """
    return prepare_batch(deals_path, blueprint, **options).run(jobs, on_done)


def _collect(result: BatchResult, job: _Job, outcome: Outcome) -> None:
    paths, error, templated, why = outcome
    if paths is None:
        result.failed.append(f"{job.where}: {error}")
        return
    result.written += paths
    result.generated += 1
    if templated and not why:
        result.templated += 1
        return
    if templated:
        result.partly += 1
    reason = why or "no template for these formats"
    result.fallbacks[reason] = result.fallbacks.get(reason, 0) + 1
