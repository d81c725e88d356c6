"""The worker's loop: run due jobs, keep house when idle, survive a database that goes away.

Apart from the ``khronika worker`` command so that the demo (``khronika demo``) can run the same loop in
a thread of its own process.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import DatabaseError, connections

from khronika.worker import jobs

logger = logging.getLogger("khronika.worker")


def run_loop(stop: threading.Event, *, poll: float, batch: int, once: bool = False) -> None:
    """Run jobs until ``stop`` is set (or, with ``once``, until the queue has nothing due); the
    database connections of the calling thread are closed on the way out."""
    try:
        _run(stop, poll=poll, batch=batch, once=once)
    finally:
        connections.close_all()


def _run(stop: threading.Event, *, poll: float, batch: int, once: bool) -> None:
    next_prune = 0.0
    while not stop.is_set():
        try:
            jobs.schedule_periodic()  # reminders, escalations, check-in shredding: once per period
            ran = jobs.run_due(limit=batch, should_stop=stop.is_set)
            if ran == 0:  # idle: housekeeping
                jobs.requeue_interrupted()
                if time.monotonic() >= next_prune:
                    jobs.prune()
                    next_prune = time.monotonic() + 60
        except DatabaseError as exc:
            # The database restarted or was locked too long: say so plainly, reconnect, go on.
            logger.error("The worker cannot reach the database (%s); trying again.", type(exc).__name__)
            for connection in connections.all():
                connection.close()
            ran = 0
        if once and ran < batch:
            return
        if ran == 0:
            stop.wait(poll)
