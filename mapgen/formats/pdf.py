"""The ``pdf`` output format: the Word handout printed to PDF by headless LibreOffice.

LibreOffice is found on PATH (``soffice``, else ``libreoffice``). Each conversion runs with its
own temporary user profile (two conversions at once never share one) and a time limit, in a
temporary folder that is removed afterwards; only the finished PDF reaches ``path``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.core.errors import BadArgument, MapgenError

if TYPE_CHECKING:  # pragma: no cover
    from mapgen.formats.registry import WriteOptions
    from mapgen.model.view import DocumentView

TIMEOUT = 180  # seconds; a cold LibreOffice start takes a few, a long plan some more
INSTALL = "apt-get install -y --no-install-recommends libreoffice-writer"


def find_soffice() -> str:
    """The LibreOffice program on PATH; MapgenError saying how to install it otherwise."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise BadArgument("{-format} pdf needs LibreOffice, which is not installed (install it "
                          "with: {install})", install=INSTALL)
    return exe


def write(view: DocumentView, path: Path, options: WriteOptions) -> None:
    """Write the handout of ``view`` as a PDF at ``path``."""
    from mapgen.formats.docx.writer import write_docx

    exe = find_soffice()
    timeout = float(options.extra.get("pdf_timeout", TIMEOUT))
    with tempfile.TemporaryDirectory(prefix="mapgen-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "handout.docx"
        write_docx(view, source)
        convert(exe, source, folder, timeout)
        shutil.copyfile(folder / "handout.pdf", path)


def convert(exe: str, source: Path, folder: Path, timeout: float) -> None:
    """``source`` to ``folder/<stem>.pdf`` with a profile of its own; MapgenError on failure."""
    profile = folder / "profile"
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--nologo", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
    env = {**os.environ, "HOME": str(folder)}  # LibreOffice writes beside its profile only
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise MapgenError(f"LibreOffice did not finish the PDF within {timeout:g} seconds") from None
    except OSError as exc:
        raise MapgenError(f"LibreOffice ({exe}) could not be started: {exc.strerror or exc}") from None
    if not (folder / f"{source.stem}.pdf").is_file():
        said = (result.stderr or result.stdout).strip().splitlines()
        detail = f": {said[-1]}" if said else ""
        raise MapgenError(f"LibreOffice did not convert the handout to PDF (exit "
                          f"{result.returncode}){detail}")
