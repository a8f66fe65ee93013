"""Every command the README shows runs as written, in order, on a fresh folder."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
SKIP = ("make ", "source ", "#")


def shell_blocks() -> list[list[str]]:
    """The README's ``sh`` blocks after the quick start, as command lines (continuations
    joined, comments dropped)."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        body = body.replace("\\\n", " ")
        lines = [re.sub(r"\s+#.*$", "", line).strip() for line in body.splitlines()]
        lines = [line for line in lines if line and not line.startswith(SKIP)]
        if lines:
            blocks.append(lines)
    return blocks


def _prepare(folder: Path) -> None:
    """What the README's commands expect to find: the fixtures, and workbooks people filled."""
    shutil.copytree(ROOT / "tests" / "fixtures", folder / "tests" / "fixtures")
    mapgen = [sys.executable, "-m", "mapgen"]
    subprocess.run([*mapgen, "generate", "--format", "xlsx", "--plan",
                    str(folder / "tests" / "fixtures" / "deal.yaml"), "--out", str(folder / "made")],
                   check=True, capture_output=True)
    made = next((folder / "made").glob("*.xlsx"))
    shutil.copy(made, folder / "filled.xlsx")
    (folder / "returned").mkdir()
    for name in ("ann", "bob"):
        shutil.copy(made, folder / "returned" / f"{name}.xlsx")


def _hand_in_homework(kit: Path) -> None:
    """The step between the commands: the participants return their homework workbooks."""
    returned, homework = kit / "returned", kit / "homework"
    if homework.is_dir() and returned.is_dir() and not any(returned.glob("*.xlsx")):
        for path in homework.glob("*.xlsx"):
            shutil.copy(path, returned / path.name)


def test_readme_has_the_whole_loop():
    commands = " ".join(line for block in shell_blocks() for line in block)
    for verb in ("generate", "read", "merge", "workshop"):
        assert f"mapgen {verb}" in commands


@pytest.mark.slow
def test_every_readme_command_runs(tmp_path):
    _prepare(tmp_path)
    python = f'"{sys.executable}" -m mapgen'
    for block in shell_blocks():
        cwd = tmp_path
        for line in block:
            if line.startswith("cd "):
                cwd = cwd / line[3:].strip()
                continue
            if not line.startswith("mapgen"):
                continue
            _hand_in_homework(cwd)
            done = subprocess.run(python + line[len("mapgen"):], shell=True, cwd=cwd,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode in (0, 1), f"{line}\n{done.stderr}"
            assert "Traceback" not in done.stderr, f"{line}\n{done.stderr}"
