"""The database gate: how many threads of a process may wait on the database at once.

A frozen database server (or one whose host stopped answering) leaves every thread that asks it
something waiting. Without a bound those threads pile up until the web server has none left,
and even static pages stop answering. The gate lets at most ``slots`` threads use the database
at once. While the database answers, a thread finding every slot taken waits up to
``wait_seconds`` (slots free up in milliseconds). Once a wait timed out, a statement failed on
the connection, or the health probe got no answer, the database counts as not answering, and a
thread finding every slot taken is refused at once with :class:`DatabaseUnavailableError`
instead of queueing. The next statement that completes marks it answering again, so service
resumes by itself.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from jinlotto.errors import DatabaseUnavailableError

UNAVAILABLE_MESSAGE = "the database is unavailable; try again shortly"
CONNECTION_FAILURES = (OperationalError, InterfaceError, PoolTimeoutError)


class DatabaseGate:
    """At most ``slots`` blocks inside :meth:`slot` at once.

    A block may be entered in one thread and left in another (FastAPI does that with a request's
    session), so slots are counted per block, not per thread: a block nested in another takes a
    second slot, as its session takes a second connection.
    """

    def __init__(self, slots: int, wait_seconds: float) -> None:
        self._free = slots
        self._freed = threading.Condition()
        self._wait_seconds = wait_seconds
        self._answering = threading.Event()
        self._answering.set()

    @property
    def answering(self) -> bool:
        """Whether the last thing heard from the database was an answer."""
        return self._answering.is_set()

    def report_answered(self) -> None:
        """A statement completed: the database answers."""
        self._answering.set()

    def report_unanswered(self) -> None:
        """A wait timed out or a connection failed: refuse at once while every slot is taken."""
        self._answering.clear()

    def check_open(self) -> None:
        """Raise :class:`DatabaseUnavailableError` now if :meth:`slot` would refuse at once, so
        that work meant for the database is not done in vain."""
        if not self.answering and self._free <= 0:
            raise DatabaseUnavailableError(UNAVAILABLE_MESSAGE)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the block; :class:`DatabaseUnavailableError` if none can be had."""
        self._acquire()
        try:
            yield
        except CONNECTION_FAILURES:
            self.report_unanswered()
            raise
        finally:
            self._release()

    def _acquire(self) -> None:
        wait = self._wait_seconds if self.answering else 0.0
        with self._freed:
            if not self._freed.wait_for(lambda: self._free > 0, timeout=wait):
                self.report_unanswered()
                raise DatabaseUnavailableError(UNAVAILABLE_MESSAGE)
            self._free -= 1

    def _release(self) -> None:
        with self._freed:
            self._free += 1
            self._freed.notify()
