"""Every command the README shows runs as written, in order, in a fresh clone of the repository,
exits as the README says and writes what it says, all of it into folders git ignores."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
SKIP = ("make ", "source ")
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]


def shell_blocks() -> list[list[tuple[str, str]]]:
    """The README's ``sh`` blocks as (command, comment) pairs: continuations joined, comment
    lines and the set-up commands (make, source) left out."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        lines = []
        for line in body.replace("\\\n", " ").splitlines():
            command, _, comment = line.partition(" #")
            command = command.strip()
            if command and not command.startswith(("#", *SKIP)):
                lines.append((" ".join(command.split()), comment.strip()))
        if lines:
            blocks.append(lines)
    return blocks


def expected_code(comment: str) -> int:
    """The exit code a command's comment names (``# exit 1: ...``), else 0."""
    found = re.search(r"\bexit (\d)\b", comment)
    return int(found.group(1)) if found else 0


def said_to_write(command: str, comment: str) -> list[str]:
    """The paths a command says it writes: its ``--out`` and ``--report`` and the ``output/``
    paths its comment names."""
    words = shlex.split(command)
    paths = [words[i + 1] for i, word in enumerate(words[:-1]) if word in ("--out", "--report")]
    return paths + re.findall(r"output/[\w./-]+\w", comment)


def fresh_clone(folder: Path) -> Path:
    """The repository's tracked files (as they are now) in a new repository of their own."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    clone = folder / "clone"
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "clone"]):
        subprocess.run([*GIT, *args], cwd=clone, check=True, capture_output=True)
    return clone


def test_readme_has_the_whole_loop():
    commands = " ".join(command for block in shell_blocks() for command, _ in block)
    for verb in ("generate", "read", "merge", "workshop", "status", "diff", "shift"):
        assert f"mapgen {verb}" in commands


def test_readme_commands_write_under_output_only():
    for block in shell_blocks():
        for command, comment in block:
            for path in said_to_write(command, comment):
                assert path.startswith("output/"), f"{command}: writes {path} outside output/"


@pytest.mark.slow
def test_every_readme_command_runs(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    clone = fresh_clone(tmp_path)
    bin_dir = tmp_path / "bin"  # `mapgen` as the README types it: this Python, the clone's code
    bin_dir.mkdir()
    (bin_dir / "mapgen").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mapgen "$@"\n')
    (bin_dir / "mapgen").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(clone), "NO_COLOR": "1"}
    ran = 0
    for block in shell_blocks():
        for command, comment in block:
            done = subprocess.run(command, shell=True, cwd=clone, env=env, capture_output=True,
                                  text=True, timeout=300)
            where = f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            assert done.returncode == expected_code(comment), where
            assert "Traceback" not in done.stderr, where
            for path in said_to_write(command, comment):
                target = clone / path
                assert target.exists(), f"{command}: {path} was not written"
                if target.is_dir():
                    assert any(target.iterdir()), f"{command}: {path} is empty"
            ran += 1
    assert ran >= 30
    untracked = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                               cwd=clone, capture_output=True, text=True, check=True).stdout
    assert untracked == "", f"the README's commands left files git does not ignore:\n{untracked}"
