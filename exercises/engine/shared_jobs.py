"""Jobs shared by worker processes that each keep a running total (`simulate`'s runs).

`multiprocessing.Pool` sends each job's result back to the parent. For `simulate` that was a
count of every variable in every turn for each chunk of runs, which the parent unpickled and
merged while both workers ran: a sixth of a core, on a machine whose every core the workers
need (benchmarks/README.md). Here each worker takes the next job from a shared counter, adds
what it finds to a total of its own and tells the parent only how many runs it finished; its
total comes back once, when the jobs have run out. The totals arrive in whatever order the
workers finish, so they must merge to the same result in any order.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Job = TypeVar("Job")
Total = TypeVar("Total")

# How often the parent, waiting for news, looks whether a worker has died without sending any:
# news itself arrives at once, so this only bounds how long a lost worker goes unnoticed.
_LOOK_AGAIN = 0.5


class WorkerLost(RuntimeError):
    """A worker ended without sending its total (killed, or out of memory)."""


def run_shared(
    jobs: Sequence[Job],
    workers: int,
    run: Callable[[Job, Total], int],
    new_total: Callable[[], Total],
    finish: Callable[[Total], None],
    progress: Callable[[int], None] | None = None,
    setup: Callable[..., None] | None = None,
    setup_args: tuple[Any, ...] = (),
) -> list[Total]:
    """Each worker's total. `run(job, total)` adds a job to a worker's total and says how many
    runs it held, which `progress` hears; `finish(total)` readies a total to be sent. Forked
    workers inherit the parent's memory; spawned ones (where fork is unavailable) call
    `setup(*setup_args)` first. A worker's exception is raised here, with its traceback as a
    note."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    # Any: the typeshed gives a base context, without the Process its subclasses carry
    context: Any = multiprocessing.get_context("fork" if fork else "spawn")
    taken = context.Value("i", 0)
    messages = context.Queue()
    args = (jobs, run, new_total, finish, None if fork else setup, setup_args, taken, messages)
    processes = [context.Process(target=_work, args=args, daemon=True) for _ in range(workers)]
    for process in processes:
        process.start()
    totals: list[Total] = []
    try:
        while len(totals) < len(processes):
            kind, value = _next(messages, processes)
            if kind == "error":
                raise value
            if kind == "total":
                totals.append(value)
            elif progress is not None:
                progress(value)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        messages.close()
    return totals


def _next(messages: Any, processes: list[Any]) -> tuple[str, Any]:
    while True:
        try:
            message: tuple[str, Any] = messages.get(timeout=_LOOK_AGAIN)
            return message
        except queue.Empty:
            # A worker's messages are in the pipe before it exits, so once every worker has
            # exited an empty queue means one died without a word.
            if any(p.exitcode not in (None, 0) for p in processes) or all(
                p.exitcode is not None for p in processes
            ):
                codes = ", ".join(str(p.exitcode) for p in processes)
                raise WorkerLost(
                    f"a simulation worker ended without its results (exit codes {codes})"
                ) from None


def _work(
    jobs: Sequence[Job],
    run: Callable[[Job, Total], int],
    new_total: Callable[[], Total],
    finish: Callable[[Total], None],
    setup: Callable[..., None] | None,
    setup_args: tuple[Any, ...],
    taken: Any,
    messages: Any,
) -> None:
    parent = os.getppid()
    try:
        if setup is not None:
            setup(*setup_args)
        total = new_total()
        while True:
            if os.getppid() != parent:
                return  # the parent was killed: no one is left to read what this would find
            with taken.get_lock():
                index = taken.value
                taken.value = index + 1
            if index >= len(jobs):
                break
            messages.put(("ran", run(jobs[index], total)))
        finish(total)
        messages.put(("total", total))
    except BaseException as exc:  # the parent raises it, whatever it is
        messages.put(("error", _sendable(exc)))


def _sendable(exc: BaseException) -> BaseException:
    """The exception with the worker's traceback as a note, or, if it cannot be pickled, a
    RuntimeError that says what it was."""
    told = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"in a simulation worker:\n{told}")
        pickle.loads(pickle.dumps(exc))
    except Exception:  # unpicklable: send its text instead
        return RuntimeError(f"a simulation worker failed:\n{told}")
    return exc
