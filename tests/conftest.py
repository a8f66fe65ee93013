"""Shared test helpers: a CLI runner, blueprint files, and headless LibreOffice conversion."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# Properties are judged by what they find, not by how long one example takes: a loaded machine
# (two test workers beside LibreOffice on two cores) must not fail them on time alone.
settings.register_profile("mapgen", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mapgen")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _own_blueprint_cache(tmp_path_factory) -> None:
    """The tests' blueprint cache is their own (mapgen.model.blueprint.cache), not the user's."""
    os.environ["MAPGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("blueprint-cache"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run inside an empty folder (so ./blueprints is the test's own)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_convert(src: Path, fmt: str, outdir: Path, timeout: int = 180) -> Path:
    """Convert ``src`` with headless LibreOffice (own profile per call); return the new file.

    Skips the test where LibreOffice is absent, unless running in CI, where that is a failure.
    """
    return soffice_convert_all([src], fmt, outdir, timeout)[0]


def soffice_convert_all(srcs: list[Path], fmt: str, outdir: Path, timeout: int = 300) -> list[Path]:
    """Convert several files in one LibreOffice start (a start costs seconds); their stems
    must differ, as the outputs are named after them."""
    assert len({s.stem for s in srcs}) == len(srcs), "convert files with the same stem apart"
    exe = soffice_path()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, but CI must have it")
        pytest.skip("LibreOffice not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / f"lo-profile-{uuid.uuid4().hex}"
    cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", fmt, "--outdir", str(outdir), *map(str, srcs)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = fmt.split(":")[0]
    outs = [outdir / f"{src.stem}.{ext}" for src in srcs]
    for src, out in zip(srcs, outs, strict=True):
        assert out.exists(), f"LibreOffice did not convert {src.name}: {result.stdout} {result.stderr}"
    shutil.rmtree(profile, ignore_errors=True)
    return outs


def pdf_page_count(pdf: Path) -> int:
    """Pages of a PDF (pdfinfo when present, else counting page objects)."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Pages:"):
                return int(line.split()[1])
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
