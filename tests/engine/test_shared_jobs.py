"""Jobs shared by worker processes (`shared_jobs.run_shared`, which `simulate` runs on): every
job run once, one total a worker, and a worker's failure raised in the parent, not waited for."""

import os
import threading

import pytest

from exercises.engine.shared_jobs import WorkerLost, run_shared


def add_job(job: int, total: list[int]) -> int:
    total.append(job)
    return 1


def finish(total: list[int]) -> None:
    total.sort()


def test_every_job_runs_once_and_each_worker_sends_one_total() -> None:
    heard: list[int] = []
    totals = run_shared(list(range(50)), 2, add_job, list, finish, heard.append)
    assert len(totals) == 2
    assert sorted(job for total in totals for job in total) == list(range(50))
    assert all(total == sorted(total) for total in totals)
    assert sum(heard) == 50


def fail_on_seven(job: int, total: list[int]) -> int:
    if job == 7:
        raise ValueError("job 7 is bad")
    return add_job(job, total)


def test_a_workers_exception_is_raised_in_the_parent_with_its_traceback() -> None:
    with pytest.raises(ValueError, match="job 7 is bad") as raised:
        run_shared(list(range(20)), 2, fail_on_seven, list, finish)
    assert "in a simulation worker" in "".join(raised.value.__notes__)
    assert "fail_on_seven" in "".join(raised.value.__notes__)


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = threading.Lock()


def fail_unpicklably(job: int, total: list[int]) -> int:
    raise Unpicklable()


def test_an_exception_that_cannot_be_sent_arrives_as_its_text() -> None:
    with pytest.raises(RuntimeError, match="Unpicklable: holds a lock"):
        run_shared([1, 2, 3], 2, fail_unpicklably, list, finish)


def die_on_three(job: int, total: list[int]) -> int:
    if job == 3:
        os._exit(3)
    return add_job(job, total)


def test_a_worker_that_dies_is_reported_rather_than_waited_for() -> None:
    with pytest.raises(WorkerLost, match="exit codes"):
        run_shared(list(range(10)), 2, die_on_three, list, finish)
