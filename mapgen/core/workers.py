"""Work spread over worker processes, each set up once (the one process pool of mapgen).

:func:`in_workers` runs ``work(value, item)`` for every item in worker processes and yields the
results in the items' order. ``value`` is made once in each worker: ``setup(state)`` (a
blueprint loaded, templates made), or ``state`` itself without ``setup``. Everything passed must
pickle. A worker keeps that value between items in :data:`_worker`, the one per-process slot
(a process pool's initializer can leave its result nowhere else); the calling process never
uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_worker: dict[str, Any] = {}  # in a worker process: "value", what its setup made


def _start(setup: Callable[[Any], Any] | None, state: Any) -> None:
    _worker["value"] = setup(state) if setup is not None else state


def _call(work: Callable[[Any, Any], Any], item: Any) -> Any:
    return work(_worker["value"], item)


def in_workers(work: Callable[[Any, Item], Result], items: Iterable[Item], *, jobs: int,
               state: Any = None, setup: Callable[[Any], Any] | None = None,
               chunksize: int = 1) -> Iterator[Result]:
    """``work(value, item)`` for each item, in ``jobs`` worker processes, results in order.

    Stopping early (a refusal, an exception) cancels the items not started yet; the ones
    running finish first, so that no worker is left behind.
    """
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(jobs, initializer=_start, initargs=(setup, state))
    try:
        yield from pool.map(partial(_call, work), items, chunksize=chunksize)
    finally:
        pool.shutdown(cancel_futures=True)
