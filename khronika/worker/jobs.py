"""A persistent job queue in the database: what ``khronika worker`` runs (reminders, escalations, alerts).

Why not django-tasks' database backend, which issue 7 suggests: as of its 0.x releases for Django 5.2
it has no retries with backoff, no idempotency key, and a job whose worker dies with SIGKILL stays
"running" for ever (RealOrangeOne/django-tasks issue 46, open). A missed safety check-in is exactly the
job that must survive a killed worker, so this module is a small queue of our own, after healthchecks'
``sendalerts`` and securedrop's ``worker.py``:

- **Claiming** is a conditional UPDATE: only rows still ``queued`` change, and they are stamped with a
  claim token of this worker (``host:pid:nonce``), so two workers that see the same due jobs cannot
  both take one. A worker claims a small batch at once (``claim_batch``): in a burst of ten thousand
  check-in alerts, one claim per alert would spend more on the queue than on the alerts. Jobs of a
  batch that the worker cannot start while their lease is young are handed back untouched.
- **A lease** (``claimed_until``) comes with every claim. A worker killed mid-job leaves its lease
  behind; once it runs out any worker takes the job again, and a worker that starts on the same host
  requeues at once the jobs of its dead predecessors (``requeue_interrupted``). A job runs with a
  timeout shorter than its lease, so a hung handler cannot outlive it and run twice.
- **Retries** back off exponentially (with a little jitter, so a mail server that comes back is not hit
  by every alert at the same second); after ``max_attempts`` the job is ``failed``, written to the
  ledger and listed on ``/worker/failures/`` for coordinators. Nothing is dropped silently.
- **Idempotency**: enqueuing twice with one key gives the one job, and the key travels with every
  message a job sends (``notify.py``), so the rare resend (killed between the receiver's acceptance
  and our commit) can be dropped by the receiver. **Every handler must be idempotent.**

Payloads hold opaque ids only (threat model 1: this table is not encrypted; ``enqueue`` refuses long
strings and nested objects). Handlers live in a module named ``jobs`` of their app, which the worker
imports at start (``discover``)::

    @register("checkins.alert")
    def alert(payload: dict[str, Any]) -> None: ...

    enqueue("checkins.alert", {"checkin": checkin.pk}, run_at=deadline, idempotency_key=f"checkin:{pk}")
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from khronika.worker.models import Job

logger = logging.getLogger("khronika.worker")

Handler = Callable[[dict[str, Any]], None]

# Jobs claimed at once by ``run_due``: enough to take the queue's overhead off a burst of alerts, few
# enough that a worker killed holding them delays little (``requeue_interrupted`` frees them at once).
CLAIM_BATCH = 10

# The one registry of handlers, filled by ``@register`` when the apps' ``jobs`` modules are imported.
# A module-level dict on purpose: registration happens at import time, like Django's own signals.
_HANDLERS: dict[str, Handler] = {}
_PERIODIC: dict[str, int] = {}  # kind -> period in seconds
_NEEDS_VAULT: set[str] = set()  # kinds that wait while the instance is sealed
_TIMEOUTS: dict[str, int] = {}  # kind -> its own time limit in seconds, where the default is too short
_scheduled: dict[str, int] = {}  # kind -> the last period this process queued
_discovered = False
_MAX_PAYLOAD_STRING = 100


class JobError(Exception):
    """A failure whose message is safe to store in the clear and show to coordinators.

    Raise it (or ``notify.DeliveryError``) with plain words and opaque ids only: no name, address or
    message text. Any other exception is stored as its class name alone.
    """


class PermanentJobError(JobError):
    """Retrying cannot help (for example a webhook address that is not http or https): fail at once."""


class JobTimeout(JobError):
    """The handler ran longer than the job timeout."""


def register(
    kind: str, *, every: int | None = None, needs_vault: bool = False, timeout: int | None = None
) -> Callable[[Handler], Handler]:
    """Decorator: ``handler`` runs the jobs of ``kind``. The handler must be idempotent.

    ``every`` (seconds) makes the kind periodic: ``schedule_periodic`` queues one job per period.
    ``needs_vault``: the handler reads encrypted records, so while the instance is sealed its jobs wait
    (they would only fail and use up their attempts). Jobs that must run during a raid (check-in alerts,
    which use their own alerts key) leave it False and run sealed, after a restart and after a panic.
    ``timeout`` (seconds): this kind's time limit, for work that is long by nature (an estimation);
    the worker extends such a job's lease to match before starting it.
    """
    if timeout is not None and timeout <= 0:
        raise ValueError("A job's time limit is a positive number of seconds.")

    def decorator(handler: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing is not None and _name(existing) != _name(handler):
            raise ValueError(f"Jobs of kind {kind!r} already have a handler: {_name(existing)}.")
        _HANDLERS[kind] = handler
        if every is not None:
            _PERIODIC[kind] = every
        if needs_vault:
            _NEEDS_VAULT.add(kind)
        if timeout is not None:
            _TIMEOUTS[kind] = timeout
        return handler

    return decorator


def schedule_periodic(now: datetime | None = None) -> int:
    """Queue the current period's job of every periodic kind (once per period: the idempotency key is
    the kind and the period's start). The worker calls it on every turn of its loop; returns how many
    periods were new to this process."""
    when = now or timezone.now()
    queued = 0
    for kind, seconds in _PERIODIC.items():
        slot = int(when.timestamp()) // seconds * seconds
        if _scheduled.get(kind) == slot:
            continue
        enqueue(kind, {}, run_at=datetime.fromtimestamp(slot, tz=UTC), idempotency_key=f"{kind}@{slot}")
        _scheduled[kind] = slot
        queued += 1
    return queued


def _name(handler: Handler) -> str:
    return f"{handler.__module__}.{getattr(handler, '__qualname__', repr(handler))}"


def discover() -> None:
    """Import every installed app's ``jobs`` module, so that their handlers are registered."""
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True


def _check_payload(value: Any, depth: int = 0) -> None:
    """Threat model 1: the job table is stored in the clear, so a payload carries ids, not content."""
    if isinstance(value, dict) and depth == 0:
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("A job payload's keys must be strings.")
            _check_payload(item, depth + 1)
    elif isinstance(value, list) and depth == 1:
        for item in value:
            _check_payload(item, depth + 1)
    elif isinstance(value, str):
        if len(value) > _MAX_PAYLOAD_STRING:
            raise ValueError("A job payload holds ids only; pass the record's id, not its text.")
    elif not (value is None or isinstance(value, bool | int)):
        raise TypeError("A job payload holds ids only: strings, numbers, booleans and lists of them.")


def enqueue(
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Job:
    """Queue a job of ``kind`` to run at ``run_at`` (default now); the same key twice -> the existing job."""
    if not isinstance(payload, dict):
        raise TypeError("A job payload must be a dict of ids.")
    _check_payload(payload)
    key = idempotency_key or f"{kind}:{uuid4().hex}"
    try:
        # A savepoint, so that a duplicate key does not break a caller's surrounding transaction.
        with transaction.atomic():
            return Job.objects.create(
                kind=kind,
                payload=payload,
                run_at=run_at or timezone.now(),
                idempotency_key=key,
                max_attempts=settings.KHRONIKA_WORKER_MAX_ATTEMPTS,
            )
    except IntegrityError:
        existing = Job.objects.filter(idempotency_key=key).first()
        if existing is None:  # not a duplicate key after all
            raise
        if existing.kind != kind:
            raise ValueError(f"The idempotency key {key!r} belongs to a job of another kind.") from None
        return existing


def default_worker_id() -> str:
    """``host:pid``: a restarted worker on the same host can tell which claims belong to dead workers."""
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: base × 2^(attempts-1), capped, plus up to 10 % jitter."""
    base = settings.KHRONIKA_WORKER_BACKOFF_SECONDS
    delay = min(base * 2 ** max(attempts - 1, 0), settings.KHRONIKA_WORKER_BACKOFF_MAX_SECONDS)
    jitter_ms = secrets.randbelow(int(delay * 100) + 1)  # up to 10 % of the delay, in milliseconds
    return timedelta(seconds=delay, milliseconds=jitter_ms)


def _lease() -> timedelta:
    return timedelta(seconds=settings.KHRONIKA_WORKER_LEASE_SECONDS)


def time_limit(kind: str) -> float:
    """How long a job of ``kind`` may run: its own limit (``register(timeout=...)``) or the default."""
    return _TIMEOUTS.get(kind, settings.KHRONIKA_WORKER_JOB_TIMEOUT_SECONDS)


def _extend_lease(job: Job, seconds: float) -> bool:
    """Hold ``job`` for ``seconds`` more (a tenth to spare), so no other worker takes it while it runs.
    False when the claim is no longer ours."""
    until = timezone.now() + timedelta(seconds=seconds / 0.9)
    return (
        Job.objects.filter(
            id=job.pk, state=Job.State.RUNNING, claimed_by=job.claimed_by, attempts=job.attempts
        ).update(claimed_until=until)
        == 1
    )


def claim_next(now: datetime, worker_id: str) -> Job | None:
    """Take the next due job (or one whose lease ran out) for ``worker_id``, or None if there is none."""
    claimed = claim_batch(now, worker_id, 1)
    return claimed[0] if claimed else None


def claim_batch(now: datetime, worker_id: str, size: int) -> list[Job]:
    """Take up to ``size`` due jobs (queued, or running with a lease that ran out), oldest first.

    Queued jobs are taken with one UPDATE that stamps them with a fresh claim token; jobs whose lease
    ran out (their worker died) are taken one by one with ``state`` and ``attempts`` as the version, and
    are failed for good instead once their attempts are used up."""
    from khronika.vault.state import is_unsealed

    due = Q(state=Job.State.QUEUED, run_at__lte=now) | Q(state=Job.State.RUNNING, claimed_until__lt=now)
    candidates = Job.objects.filter(due).order_by("run_at", "id")
    if _NEEDS_VAULT and not is_unsealed():
        # Sealed (a restart, a panic): only jobs that need no vault key run; the others wait for unseal.
        candidates = candidates.exclude(kind__in=sorted(_NEEDS_VAULT))
    # Look at more rows than wanted: other workers are claiming from the same head of the queue.
    rows = list(candidates.values_list("id", "state", "attempts", "max_attempts")[: max(size * 2, 20)])
    token = f"{worker_id}:{secrets.token_hex(4)}"
    claim = {"state": Job.State.RUNNING, "claimed_until": now + _lease(), "attempts": F("attempts") + 1}
    queued = [job_id for job_id, state, _, _ in rows if state == Job.State.QUEUED][:size]
    if queued:
        Job.objects.filter(id__in=queued, state=Job.State.QUEUED).update(claimed_by=token, **claim)
    taken = list(Job.objects.filter(claimed_by=token, state=Job.State.RUNNING).order_by("run_at", "id"))
    for job_id, state, attempts, max_attempts in rows:
        if state != Job.State.RUNNING or len(taken) >= size:
            continue
        version = Job.objects.filter(id=job_id, state=state, attempts=attempts)
        if attempts >= max_attempts:
            # It stopped its worker on every attempt (killed, out of memory): never run it again.
            message = "The worker stopped while running this job on its last attempt."
            if version.update(**_failed(now, message)) == 1:
                _after_failure(job_id, message)
            continue
        expired_token = f"{worker_id}:{secrets.token_hex(4)}"
        if version.update(claimed_by=expired_token, **claim) == 1:  # zero: another worker took it first
            taken.append(Job.objects.get(id=job_id))
    return taken


def release(jobs: list[Job]) -> int:
    """Hand back claimed jobs that were not started (the attempt is not counted); returns how many."""
    released = 0
    for job in jobs:
        released += Job.objects.filter(
            id=job.pk, state=Job.State.RUNNING, claimed_by=job.claimed_by, attempts=job.attempts
        ).update(state=Job.State.QUEUED, claimed_by="", claimed_until=None, attempts=F("attempts") - 1)
    return released


def _failed(now: datetime, message: str) -> dict[str, Any]:
    return {
        "state": Job.State.FAILED,
        "finished_at": now,
        "last_error": message,
        "claimed_by": "",
        "claimed_until": None,
    }


def _after_failure(job_id: int, message: str) -> None:
    logger.error("Job %s failed for good: %s", job_id, message)
    from khronika.ledger.services import Event, record_events

    record_events(None, [Event("job-failed", Job._meta.label_lower, str(job_id))])


def safe_error(exc: BaseException) -> str:
    """What may be stored and shown about a failure: our own messages, else the exception's class only.

    Threat model 1: a library's message can quote a recipient's address or a server's reply.
    """
    if isinstance(exc, JobError):
        return str(exc)[:500]
    return f"{type(exc).__name__} (details are not kept: they could contain personal data)"


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise JobTimeout in the handler after ``seconds`` (zulip's per-job timeout); main thread only."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise JobTimeout(f"The job ran longer than {seconds:g} seconds.")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_job(job: Job, worker_id: str, now: datetime | None = None) -> bool:
    """Run one claimed job and record the outcome. True if it succeeded.

    ``worker_id`` is kept for callers that claimed without a token; the job's own claim token wins."""
    handler = _HANDLERS.get(job.kind)
    claimed_by = job.claimed_by or worker_id
    ours = Job.objects.filter(
        id=job.pk, state=Job.State.RUNNING, claimed_by=claimed_by, attempts=job.attempts
    )
    try:
        if handler is None:
            raise JobError(f"No handler is registered for jobs of kind {job.kind!r}.")
        with _time_limit(time_limit(job.kind)):
            handler(dict(job.payload))
    except Exception as exc:
        when = now or timezone.now()
        message = safe_error(exc)
        # Only our own message is logged: a library's could quote an address (see safe_error).
        logger.warning(
            "Job %s (%s), attempt %s/%s: %s", job.pk, job.kind, job.attempts, job.max_attempts, message
        )
        logger.debug("Job %s failed", job.pk, exc_info=True)
        if isinstance(exc, PermanentJobError) or job.attempts >= job.max_attempts:
            if ours.update(**_failed(when, message)) == 1:
                _after_failure(job.pk, message)
        else:
            ours.update(
                state=Job.State.QUEUED,
                run_at=when + backoff(job.attempts),
                last_error=message,
                claimed_by="",
                claimed_until=None,
            )
        return False
    finished = ours.update(
        state=Job.State.DONE, finished_at=now or timezone.now(), claimed_by="", claimed_until=None
    )
    if finished != 1:  # the lease ran out and another worker took the job: it may run twice
        logger.warning("Job %s finished after its lease ran out.", job.pk)
    return True


def run_due(
    now: datetime | None = None,
    *,
    limit: int = 100,
    worker_id: str = "",
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Run up to ``limit`` due jobs, one after another; return how many ran (succeeded or not).

    ``now`` fixes the clock (tests); ``worker_id`` defaults to ``host:pid``; ``should_stop`` is asked
    between jobs, so that SIGTERM ends the batch after the job in hand.
    """
    discover()
    who = worker_id or default_worker_id()
    ran = 0
    while ran < limit and not (should_stop and should_stop()):
        claimed_at = time.monotonic()
        batch = claim_batch(now or timezone.now(), who, min(CLAIM_BATCH, limit - ran))
        if not batch:
            break
        for position, job in enumerate(batch):
            # Start a job only while its lease outlasts the job's time limit (with a tenth to spare), so
            # no other worker can take it while it runs; a slow batch hands the rest back at once.
            elapsed = time.monotonic() - claimed_at
            seconds = time_limit(job.kind)
            long_job = seconds > settings.KHRONIKA_WORKER_JOB_TIMEOUT_SECONDS
            too_late = not long_job and (elapsed + seconds > 0.9 * settings.KHRONIKA_WORKER_LEASE_SECONDS)
            if too_late or (should_stop and should_stop()):
                release(batch[position:])
                return ran
            if long_job and not _extend_lease(job, seconds):
                continue  # its lease ran out meanwhile and another worker holds it now
            run_job(job, who, now)
            ran += 1
    return ran


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to someone else
        return True
    return True


def requeue_interrupted(now: datetime | None = None) -> int:
    """Give back at once the jobs held by workers of this host that are no longer running.

    A worker killed with SIGKILL cannot release its claims; without this its jobs would wait for their
    lease to run out (a minute), which a missed check-in cannot afford. Returns how many were released.
    """
    when = now or timezone.now()
    prefix = f"{socket.gethostname()}:"
    released = 0
    held = Job.objects.filter(state=Job.State.RUNNING, claimed_by__startswith=prefix)
    for job_id, claimed_by, attempts in held.values_list("id", "claimed_by", "attempts"):
        pid_text = claimed_by[len(prefix) :].split(":", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        # Expire the lease rather than requeue: claim_next then also applies the attempts limit.
        released += Job.objects.filter(
            id=job_id, state=Job.State.RUNNING, claimed_by=claimed_by, attempts=attempts
        ).update(claimed_until=when - timedelta(microseconds=1))
    if released:
        logger.info("Released %s job(s) of stopped workers.", released)
    return released


def retry(job: Job, actor: Any) -> bool:
    """A coordinator gives a failed job a fresh set of attempts, now. Ledgered. False if not failed."""
    from khronika.ledger.services import record

    with transaction.atomic():
        changed = Job.objects.filter(id=job.pk, state=Job.State.FAILED).update(
            state=Job.State.QUEUED, attempts=0, run_at=timezone.now(), finished_at=None
        )
        if changed:
            record(actor, "job-retry", job)
    return changed == 1


def prune(now: datetime | None = None, *, batch: int = 1000) -> int:
    """Delete done jobs older than ``KHRONIKA_WORKER_KEEP_DONE_DAYS``; failed jobs stay until retried.

    Within that window an idempotency key still finds its job, so a late duplicate enqueue is ignored.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.KHRONIKA_WORKER_KEEP_DONE_DAYS)
    old = Job.objects.filter(state=Job.State.DONE, finished_at__lt=cutoff).values_list("id", flat=True)
    deleted, _ = Job.objects.filter(id__in=list(old[:batch])).delete()
    return deleted


@dataclass(frozen=True)
class Backlog:
    """How the queue is doing, for pages that must say when delivery cannot be guaranteed."""

    due: int  # waiting and due now
    retrying: int  # waiting after at least one failed attempt
    failed: int
    oldest_due_seconds: float  # how long the oldest due job has waited; large means no worker runs


def backlog(kind_prefix: str = "", now: datetime | None = None) -> Backlog:
    """The queue's state for jobs whose kind starts with ``kind_prefix`` (e.g. ``"checkins."``)."""
    when = now or timezone.now()
    jobs = Job.objects.filter(kind__startswith=kind_prefix)
    due = jobs.filter(state=Job.State.QUEUED, run_at__lte=when)
    oldest = due.order_by("run_at").values_list("run_at", flat=True).first()
    return Backlog(
        due=due.count(),
        retrying=jobs.filter(state=Job.State.QUEUED, attempts__gt=0).count(),
        failed=jobs.filter(state=Job.State.FAILED).count(),
        oldest_due_seconds=(when - oldest).total_seconds() if oldest else 0.0,
    )
