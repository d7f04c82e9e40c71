"""The database gate: a bounded number of threads wait on the database; the rest are refused."""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import OperationalError

from jinlotto.db.gate import DatabaseGate
from jinlotto.errors import DatabaseUnavailableError


@contextmanager
def holders(gate: DatabaseGate, count: int) -> Iterator[None]:
    """``count`` threads holding a slot each until the block ends (a database that hangs)."""
    entered, release = threading.Barrier(count + 1), threading.Event()

    def hold() -> None:
        with gate.slot():
            entered.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    entered.wait()
    try:
        yield
    finally:
        release.set()
        for thread in threads:
            thread.join()


def test_a_free_slot_is_taken_at_once_even_when_the_database_did_not_answer() -> None:
    gate = DatabaseGate(2, wait_seconds=5)
    gate.report_unanswered()
    with holders(gate, 1), gate.slot():
        pass


def test_while_the_database_answers_a_full_gate_waits_then_refuses() -> None:
    gate = DatabaseGate(1, wait_seconds=0.2)
    with holders(gate, 1):
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError, match="database is unavailable"), gate.slot():
            pass
        assert time.monotonic() - started >= 0.2
    assert not gate.answering  # the timed-out wait says the database is not answering


def test_once_the_database_did_not_answer_a_full_gate_refuses_at_once() -> None:
    gate = DatabaseGate(1, wait_seconds=30)
    gate.report_unanswered()
    with holders(gate, 1):
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError), gate.slot():
            pass
        assert time.monotonic() - started < 1


def test_an_answer_after_a_failure_makes_a_full_gate_wait_again() -> None:
    gate = DatabaseGate(1, wait_seconds=0.2)
    with pytest.raises(OperationalError), gate.slot():
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    assert not gate.answering
    gate.report_answered()
    assert gate.answering


def test_a_slot_entered_in_one_thread_and_left_in_another_binds_the_first_thread_again() -> None:
    # FastAPI enters a sync dependency (the request's session) in one worker thread and leaves
    # it in another; the thread that entered must still wait at the gate the next time.
    gate = DatabaseGate(1, wait_seconds=0.05)
    with ThreadPoolExecutor(max_workers=1) as worker:
        slot = gate.slot()
        worker.submit(slot.__enter__).result()
        leaving = threading.Thread(target=slot.__exit__, args=(None, None, None))
        leaving.start()
        leaving.join()
        gate.report_unanswered()
        with holders(gate, 1):
            assert isinstance(worker.submit(use, gate).result(), DatabaseUnavailableError)
        assert worker.submit(use, gate).result() is None  # and the slot came back


def use(gate: DatabaseGate) -> BaseException | None:
    """Pass through the gate; the refusal if it refused."""
    try:
        with gate.slot():
            return None
    except DatabaseUnavailableError as error:
        return error


def test_check_open_refuses_exactly_when_a_slot_would_be_refused_at_once() -> None:
    gate = DatabaseGate(1, wait_seconds=30)
    with holders(gate, 1):
        gate.check_open()  # answering: a slot would be waited for
        gate.report_unanswered()
        with pytest.raises(DatabaseUnavailableError):
            gate.check_open()
    gate.check_open()  # a slot is free again
