"""Feeds, the articles read from them (or from files), what extraction proposed, and import reports.

Articles of open sources are not secrets, but they can name victims, and which articles a group kept
tells a reader of a seized database whom it is watching (threat model 1): every text, title and
address is a vault field, and the columns used to find duplicates hold keyed digests only
(``fingerprints.py``), which nobody without the unsealed vault's key can compute for a known article.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.models import Compartment
from khronika.records.models import Incident
from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


class Feed(VaultRecord):
    """An RSS or Atom feed polled by the worker into one compartment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey(Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT)
    url = SensitiveTextField(_("feed address"))
    title = SensitiveCharField(_("title"), max_length=300, blank=True)
    active = models.BooleanField(_("polled"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    # Our own words only ("The feed could not be read: ..."), never a server's reply.
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self) -> str:
        return f"feed {self.id}"


class Article(VaultRecord):
    """One article or post, as read; ``reprint_of`` when it is a near-copy of an earlier article."""

    class Origin(models.TextChoices):
        FEED = "feed", _("feed")
        HTML = "html", _("web page")
        TELEGRAM = "telegram", _("Telegram export")
        TEXT = "text", _("plain text")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey(Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    url = SensitiveTextField(_("address (URL)"), blank=True)
    title = SensitiveTextField(_("title"), blank=True)
    text = SensitiveTextField(_("text"))
    # The plain SHA-256 of the text, for provenance: anyone holding the article can check it. Encrypted,
    # because in the clear it would let a database reader confirm that we kept a given article.
    sha256 = SensitiveCharField(_("SHA-256 of the text"), max_length=64)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now, editable=False)
    # Keyed digests (fingerprints.py) for finding the same article again without decrypting anything.
    url_digest = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    content_digest = models.CharField(max_length=32, db_index=True, editable=False)
    minhash = models.BinaryField(editable=False)
    reprint_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reprints",
        verbose_name=_("reprint of"),
    )
    similarity = models.FloatField(_("similarity to the original"), null=True, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # Two imports of one article at the same moment both pass the duplicate check in services.py;
        # the database refuses the second copy, and services._store counts it as a duplicate.
        constraints = [
            models.UniqueConstraint(
                fields=["compartment", "content_digest"], name="monitoring_article_unique_text"
            )
        ]

    def __str__(self) -> str:
        return f"article {self.id}"


class ArticleBand(models.Model):
    """One locality-sensitive-hashing band of an article's MinHash: articles sharing a band are compared."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "value"])]

    def __str__(self) -> str:
        return f"band {self.band} of {self.article_id}"


class Candidate(VaultRecord):
    """One incident that extraction proposes from an article, waiting for a reviewer's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        ACCEPTED = "accepted", _("recorded as a new incident")
        LINKED = "linked", _("linked to an existing incident")
        REJECTED = "rejected", _("rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveSmallIntegerField(default=0)
    # The CandidateIncident as JSON (review.py): it holds the names of people, hence encrypted.
    extracted = SensitiveTextField(_("extracted values"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="monitoring_candidates"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "position"]
        verbose_name = _("candidate incident")
        verbose_name_plural = _("candidate incidents")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"candidate {self.id}"


class ImportReport(models.Model):
    """What one import or poll did: counts, and one plain-words error per item that failed.

    Errors name items by position ("entry 3", "message 41") and say what was wrong in our own words;
    they never quote the item, so this table, stored in the clear, names no article and no person.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    kind = models.CharField(max_length=10, choices=Article.Origin.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    reprints = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"import {self.id}"
