"""The job table of the background worker (see ``khronika/worker/jobs.py`` for how it is used).

Threat model 1 (a seized disk): this table is not encrypted, so a job's payload holds opaque ids only
(a check-in's primary key, never a name, an address or a message), and ``last_error`` holds only
messages the queue itself chose to keep (``jobs.safe_error``), never a mail server's reply that could
quote an address.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    run_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField()
    # The lease: which worker holds the job, and until when. A worker killed mid-job leaves its lease
    # behind; another worker (or the same one restarted) takes the job again once it runs out.
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Enqueuing twice with the same key gives the one job; the key also travels with every message
    # the job sends (Message-ID, Idempotency-Key) so that a receiver can drop a resend.
    idempotency_key = models.CharField(max_length=200, unique=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The worker's one hot query: due jobs in order, and expired leases.
            models.Index(fields=["state", "run_at"], name="worker_job_due"),
            models.Index(fields=["state", "claimed_until"], name="worker_job_lease"),
        ]
        ordering = ["run_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"
