"""A small benchmark: mapgen's generate, read and merge beside the bare libraries doing the same work.

Run it with ``make bench`` (or ``python benchmarks/bench.py [--quick]``). Each line shows the median
of a few runs and, where there is one, the bare baseline beside it with the ratio. The baselines
are the floor: openpyxl or python-docx writing/reading the same cells the fastest ordinary way,
with no validation, styling or metadata, so the ratio is what mapgen's work costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bare.py and xlsb.py

import bare
from xlsb import xlsb

from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import Plan
from mapgen.ops.generate import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

STATUSES = ["Not started", "In progress", "Done", "Blocked"]


def median_of(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_cpu(fn: Callable[[], object], runs: int) -> float:
    """The median CPU time of ``fn`` in this process (not disturbed by other work on the machine)."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def status_json(path: Path) -> str:
    """What ``mapgen status PATH --format json`` does, without the process start."""
    from mapgen.ops.status_report import plan_status, render_status

    return render_status(plan_status(path, as_of="2027-03-01")[0], "json")


def process(*args: str) -> Callable[[], object]:
    """A whole process, start-up included (what a person waits for)."""
    return lambda: subprocess.run([sys.executable, *args], check=True, capture_output=True)


# A user's processes: bytecode written once and kept (this variable would recompile mapgen on
# every start), the user's own blueprint cache (MAPGEN_CACHE_DIR is set per case below).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def process_cpu(args: list[str], runs: int, env: dict[str, str] | None = None,
                warm: bool = True) -> float:
    """The median CPU time (user + system, its own children included) of a whole process.

    ``warm``: one run first that is not counted (bytecode and the blueprint cache in place, as
    on every run but a user's very first)."""
    times = []
    for n in range(runs + warm):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env or ENV,
                       cwd=ROOT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if n or not warm:
            times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def typical_deal(tmp: Path, runs: int) -> list[tuple[str, float, float | None]]:
    """The SaaS example blueprint and tests/fixtures/deal.yaml (12 rows): each command as a
    whole process beside a bare script doing the same file work, by CPU time."""
    plan_file = ROOT / "tests" / "fixtures" / "deal.yaml"
    out = tmp / "deal"
    mapgen = ["-m", "mapgen"]
    env = {**ENV, "MAPGEN_CACHE_DIR": str(tmp / "cache")}
    gen = [*mapgen, "generate", "--blueprint", "saas", "--plan", str(plan_file), "--out", str(out),
           "--force"]
    subprocess.run([sys.executable, *gen], check=True, capture_output=True, env=env, cwd=ROOT)
    book = next(out.glob("*.xlsx")).rename(tmp / "deal.xlsx")
    handout = next(out.glob("*.docx")).rename(tmp / "deal.docx")
    later = tmp / "deal-later.xlsx"
    subprocess.run([sys.executable, *mapgen, "shift", str(book), "--go-live", "2027-04-01", "--out",
                    str(later)], check=True, capture_output=True, env=env, cwd=ROOT)
    cells, blocks = tmp / "cells.pickle", tmp / "blocks.pickle"
    cells.write_bytes(pickle.dumps(bare.cells(book)))
    blocks.write_bytes(pickle.dumps(bare.blocks(handout)))
    bare_script = str(HERE / "bare.py")
    read_one = process_cpu([bare_script, "read", str(book)], runs)
    results = []
    for label, args, baseline in (
            ("read", ["read", str(book)], read_one),
            ("status", ["status", str(book), "--as-of", "2027-01-10"], read_one),
            ("diff", ["diff", str(book), str(later)],
             process_cpu([bare_script, "read", str(book), str(later)], runs)),
            ("generate .xlsx", [*gen[2:], "--format", "xlsx"],
             process_cpu([bare_script, "xlsx", str(cells), str(tmp / "bare.xlsx"), str(plan_file)],
                         runs)),
            ("generate .docx", [*gen[2:], "--format", "docx"],
             process_cpu([bare_script, "docx", str(blocks), str(tmp / "bare.docx"), str(plan_file)],
                         runs))):
        results.append((f"typical deal: {label} (whole process, CPU)",
                        process_cpu([*mapgen, *args], runs, env), baseline))
    cold = []
    for n in range(runs):  # a user's first command: no blueprint cache yet
        cold_env = {**env, "MAPGEN_CACHE_DIR": str(tmp / f"cold-cache-{n}")}
        cold.append(process_cpu([*mapgen, "read", str(book)], 1, cold_env, warm=False))
    results.append(("typical deal: read, first run (no blueprint cache; CPU)",
                    statistics.median(cold), read_one))
    return results


def long_strings_xlsb(path: Path) -> None:
    """A binary workbook of long strings, about 1.1 MB: an Action Items sheet whose 300 rows
    each hold 4,000 random letters (they hardly compress)."""
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz ,.ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    headers = ["Action Item", "Phase", "Description", "Deadline", "If Missed", "Importance",
               "Responsible Person", "Status"]
    rows: list[list] = [headers]
    for i in range(1, 301):
        rows.append([i, 1, "".join(rng.choice(letters) for _ in range(4000)), None,
                     "Go-live slips", "High", "AE", "Done"])
    path.write_bytes(xlsb({"Action Items": rows}))


def big_plan(n: int) -> Plan:
    start = dt.date(2027, 1, 4)
    rows = [{"number": i, "phase": 1 + i % 5, "description": f"Action item {i} for the rollout",
             "deadline": start + dt.timedelta(days=i % 120), "if_missed": "Go-live slips",
             "importance": "High" if i % 3 else "Low", "responsible": f"Owner {i % 7}",
             "status": STATUSES[i % 4]} for i in range(1, n + 1)]
    return Plan(deal={"name": "Rollout", "buyer": "Contoso", "seller": "Nimbus",
                      "start": start, "go_live": dt.date(2027, 6, 1)},
                sections={"action_items": rows})


def bare_xlsx(path: Path, plan: Plan) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in plan.sections["action_items"]:
        ws.append(list(row.values()))
    wb.save(path)


def bare_docx_add_row(path: Path, plan: Plan) -> None:
    """Ordinary python-docx: rows added one by one, cells taken from ``row.cells``."""
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=1, cols=8)
    for row in plan.sections["action_items"]:
        for cell, value in zip(table.add_row().cells, row.values(), strict=False):
            cell.text = str(value)
    doc.save(path)


def bare_docx_sized(path: Path, plan: Plan) -> None:
    """Ordinary python-docx: the table made at its size, cells taken from ``row.cells``."""
    from docx import Document

    doc = Document()
    rows = plan.sections["action_items"]
    table = doc.add_table(rows=len(rows) + 1, cols=8)
    for tr, row in zip(table.rows[1:], rows, strict=False):
        for cell, value in zip(tr.cells, row.values(), strict=False):
            cell.text = str(value)
    doc.save(path)


def bare_read(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += sum(v is not None for v in row)
    wb.close()
    return n


REAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "bad" / "real"


def amplification_file() -> bytes:
    """A 1 MB string of random letters (it hardly compresses) shown by 150,000 cells (1.2 MB)."""
    import random

    sys.path.insert(0, str(REAL.parent))
    from make_fixtures import amplification

    rng = random.Random(13)
    letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-"
    text = bytes(rng.choice(letters) for _ in range(1_000_000))
    return amplification(rows=50_000, big=text)


def read_in_child(path: Path) -> tuple[float, int, str]:
    """Read ``path`` in a fresh process: (seconds, peak memory in bytes, 'read' or 'refused')."""
    import subprocess

    code = ("import resource, sys, time\n"
            "from mapgen.core.errors import UnusableInput\n"
            "from mapgen.formats.xlsx.reader import read_workbook\n"
            "start = time.perf_counter()\n"
            "try:\n"
            "    read_workbook(sys.argv[1]); outcome = 'read'\n"
            "except UnusableInput:\n"
            "    outcome = 'refused'\n"
            "try:  # VmHWM: this process's own peak (ru_maxrss counts the parent's too)\n"
            "    with open('/proc/self/status') as fh:\n"
            "        peak = next(int(l.split()[1]) for l in fh if l.startswith('VmHWM:'))\n"
            "except (OSError, StopIteration):\n"
            "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "print(time.perf_counter() - start, peak, outcome)\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, check=True).stdout.split()
    return float(out[0]), int(out[1]) * 1024, out[2]


def varied_dates(n: int) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(start, close, go-live) of ``n`` deals: starts over a year, close 30 to 120 days later,
    go-live 14 to 90 days after close (a fixed seed: every run the same deals)."""
    rnd = random.Random(18)
    out = []
    for _ in range(n):
        start = dt.date(2027, 1, 1) + dt.timedelta(days=rnd.randrange(365))
        close = start + dt.timedelta(days=rnd.randrange(30, 120))
        out.append((start, close, close + dt.timedelta(days=rnd.randrange(14, 90))))
    return out


def batch_cpu(fn: Callable[[], object]) -> tuple[float, float, int]:
    """(CPU seconds of this process and its finished children, wall seconds, deals templated)."""
    import os

    before, start = os.times(), time.perf_counter()
    result = fn()
    after, wall = os.times(), time.perf_counter() - start
    cpu = sum(getattr(after, f) - getattr(before, f)
              for f in ("user", "system", "children_user", "children_system"))
    return cpu, wall, result.templated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs and files")
    args = parser.parse_args()
    runs = 1 if args.quick else 5
    n_merge = 20 if args.quick else 200
    bp = load_blueprint("map")
    plan = big_plan(1000)
    tmp = Path(tempfile.mkdtemp(prefix="mapgen-bench-"))
    results: list[tuple[str, float, float | None]] = []

    def gen(fmt: str, p: Plan | None, stem: str) -> Callable[[], object]:
        return lambda: generate(bp, plan=p, formats=[fmt], out_dir=tmp, force=True, stem=stem)

    def measure(name: str, fn: Callable[[], object], n: int = runs,
                bare: Callable[[], object] | list[Callable[[], object]] | None = None,
                cpu: bool = False) -> None:
        """The median of ``fn`` (wall time, or CPU time of this process), beside the fastest
        of the ``bare`` ways of doing the same."""
        median = median_cpu if cpu else median_of
        seconds = median(fn, n)
        ways = bare if isinstance(bare, list) else [bare] if bare else []
        results.append((name, seconds, min((median(w, n) for w in ways), default=None)))

    try:
        measure("mapgen --help (whole process; bare: import click)", process("-m", "mapgen", "--help"),
                bare=process("-c", "import click"))
        measure("generate blank workbook (.xlsx)", gen("xlsx", None, "blank"))
        measure("generate blank handout (.docx)", gen("docx", None, "blank"))
        results.extend(typical_deal(tmp, runs))
        measure("generate 1,000 action items (.xlsx; CPU)", gen("xlsx", plan, "big"),
                bare=lambda: bare_xlsx(tmp / "b.xlsx", plan), cpu=True)
        measure("generate 1,000 action items (.docx)", gen("docx", plan, "big"),
                bare=[lambda: bare_docx_add_row(tmp / "b.docx", plan),
                      lambda: bare_docx_sized(tmp / "b.docx", plan)])

        from mapgen.formats.xlsx.reader import read_workbook

        big = tmp / "big.xlsx"
        measure("read 1,000 action items (CPU)", lambda: read_workbook(big, blueprint=bp),
                bare=lambda: bare_read(big), cpu=True)
        results.append(("status of 1,000 action items from a workbook (CPU)",
                        median_cpu(lambda: status_json(big), runs), None))
        large_n = 2_000 if args.quick else 23_000  # 23,000 action items: a workbook of about 1 MB
        generate(bp, plan=big_plan(large_n), formats=["xlsx"], out_dir=tmp, force=True, stem="large")
        large = tmp / "large.xlsx"
        size = f"{large.stat().st_size / 2**20:.1f} MB"
        measure(f"read {large_n:,} action items ({size})", lambda: read_workbook(large, blueprint=bp),
                1, bare=lambda: bare_read(large))
        seconds, peak, _ = read_in_child(large)
        results.append((f"read {large_n:,} action items ({size}) in a fresh process, peak "
                        f"{peak / 2**20:.0f} MB", seconds, None))
        amplified = tmp / "amplification.xlsx"  # every cell shows one 1 MB string
        amplified.write_bytes(amplification_file())
        cases = ((f"amplification file ({amplified.stat().st_size / 2**20:.1f} MB)", amplified),
                 ("1 MB strings in header rows", REAL / "megabyte_headers.xlsx"))
        for label, path in cases:  # a fresh process each, for its peak memory
            seconds, peak, outcome = min(read_in_child(path) for _ in range(runs))
            results.append((f"read {label}: {outcome}, peak {peak / 2**20:.0f} MB", seconds, None))
        long_strings = tmp / "long-strings.xlsb"
        long_strings_xlsb(long_strings)
        size = f"{long_strings.stat().st_size / 2**20:.1f} MB"
        results.append((f"mapgen read of a {size} .xlsb of long strings (whole process, wall)",
                        median_of(process("-m", "mapgen", "read", str(long_strings)), runs), None))

        from mapgen.ops.merge import merge_files

        generate(bp, plan=big_plan(12), formats=["xlsx"], out_dir=tmp, force=True, stem="homework")
        folder = tmp / "homework"
        folder.mkdir()
        paths = []
        for i in range(n_merge):
            target = folder / f"participant-{i:03}.xlsx"
            shutil.copy(tmp / "homework.xlsx", target)
            paths.append(target)
        measure(f"merge {n_merge} homework workbooks", lambda: merge_files(paths, blueprint=bp), 1)

        from mapgen.ops.batch import run_batch

        n_deals = 20 if args.quick else 100
        deals = tmp / "deals.csv"
        deals.write_text("name,buyer,seller,start,close,go_live,stakeholders\n" + "".join(
            f"Deal {i},Buyer {i},Nimbus,2026-12-01,2027-02-12,2027-03-15,Sarah (CFO); Tom (IT)\n"
            for i in range(n_deals)), encoding="utf-8")
        saas = load_blueprint("saas")
        for jobs in (1, 2):
            measure(f"batch: {n_deals} deals, xlsx + docx, {jobs} process(es)",
                    lambda jobs=jobs: run_batch(deals, saas, out_dir=tmp / f"deals{jobs}",
                                                force=True, jobs=jobs), 1)
        n_varied = 40 if args.quick else 200
        varied = tmp / "varied.csv"  # as a real export: each deal its own dates
        varied.write_text("name,buyer,seller,start,close,go_live,stakeholders\n" + "".join(
            f"Deal {i},Buyer {i},Nimbus,{start},{close},{go_live},Sarah (CFO); Tom (IT)\n"
            for i, (start, close, go_live) in enumerate(varied_dates(n_varied))), encoding="utf-8")
        for csv_file, n, what in ((deals, n_deals, ""), (varied, n_varied, ", dates per deal")):
            for templates in (False, True):  # per-deal CPU, this process and its workers
                label = "prepared templates" if templates else "one by one"
                cpu, wall, used = batch_cpu(lambda t=templates, f=csv_file: run_batch(
                    f, saas, out_dir=tmp / "cpu", force=True, jobs=2, template_batch=t))
                results.append((f"batch CPU per deal{what}, {label} ({used}/{n} templated; "
                                f"{n} deals {wall:.1f} s on 2 processes, 10,000 about "
                                f"{wall / n * 10_000 / 60:.1f} min)", cpu / n, None))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    width = max(len(name) for name, *_ in results)
    print(f"{'case':<{width}}  {'mapgen':>9}  {'bare':>9}  ratio")
    for name, seconds, baseline in results:
        base = f"{baseline * 1000:7.0f} ms  {seconds / baseline:4.1f}x" if baseline else ""
        print(f"{name:<{width}}  {seconds * 1000:6.0f} ms  {base}")


if __name__ == "__main__":
    main()
