"""Progress bars for batch commands: the library reports each step to a callback, the CLI draws
it here, on a terminal only, so that logs and error output stay clean."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

PROGRESS_FROM = 6  # items from which a bar is worth showing


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[..., Any]]:
    """Yield a callback that advances a click bar on stderr by one step per call.

    No bar (a no-op callback) when stderr is not a terminal or there are few items.
    """
    if length < PROGRESS_FROM or not sys.stderr.isatty():
        yield lambda *_: None
        return
    import click

    with click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True) as bar:
        yield lambda *_: bar.update(1)
