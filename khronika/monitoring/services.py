"""Import: read a file, an address or a feed; store each new article with the candidates extracted
from it; recognise what was seen before. Pipeline: importers/ → (here) dedup → extraction → storage.

Every item is stored in its own transaction: an item that fails leaves nothing behind (no article
without its candidates) and is one line of the import report, and the next item goes on.
Duplicates are looked for inside the importing compartment only: matching across compartments would
tell one team that another holds an article (threat model 3).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khronika.accounts.models import Compartment
from khronika.ledger.services import Event, object_ref, record_events
from khronika.monitoring import fingerprints
from khronika.monitoring.fetching import FetchError, decode, fetch, read_file
from khronika.monitoring.importers import Batch, Item, ItemError
from khronika.monitoring.importers.html import read_page
from khronika.monitoring.importers.rss import read_feed
from khronika.monitoring.importers.telegram import read_export
from khronika.monitoring.importers.text import read_text
from khronika.monitoring.models import Article, ArticleBand, Candidate, Feed, ImportReport
from khronika.vault import state
from khronika.vault.crypto import VaultError

if TYPE_CHECKING:  # the extractor loads its language models: only when an article is extracted
    from khronika.monitoring.extraction.types import ArticleExtraction

logger = logging.getLogger("khronika.monitoring")


def extract(item: Item) -> ArticleExtraction:
    """The extractor (khronika.monitoring.extraction, its own module), imported when first needed."""
    extraction = import_module("khronika.monitoring.extraction")
    published = (item.published or timezone.now()).date()
    result: ArticleExtraction = extraction.extract(
        item.text, published=published, language=item.language or None
    )
    return result


def import_batch(
    batch: Batch,
    *,
    compartment: Compartment,
    kind: str,
    actor: Any = None,
    feed: Feed | None = None,
) -> ImportReport:
    """Store ``batch``'s items; the report counts them and names each failure."""
    state.keys()  # VaultSealed before anything is written: articles are stored encrypted
    report = ImportReport.objects.create(compartment=compartment, kind=kind, feed=feed)
    errors = [asdict(error) for error in batch.errors]
    for item in batch.items:
        try:
            outcome = _store(item, compartment=compartment, kind=kind, actor=actor, feed=feed)
        except FetchError as error:
            errors.append(asdict(ItemError(item.label, str(error))))
            continue
        except VaultError:
            raise  # sealed mid-import: nothing of this item was written, and no other item can be
        except Exception:  # one broken item must not stop the others; the reason is in our words
            # Debug only with the traceback: a library's message can quote the article (threat model 1).
            logger.warning("Import item %s failed.", item.label)
            logger.debug("Import item %s failed", item.label, exc_info=True)
            errors.append(asdict(ItemError(item.label, _("The item could not be processed."))))
            continue
        if outcome == "duplicate":
            report.duplicates += 1
        else:
            report.imported += 1
            report.reprints += outcome == "reprint"
            report.candidates += outcome if isinstance(outcome, int) else 0
    report.errors = errors
    report.finished_at = timezone.now()
    report.save()
    return report


def import_failure(
    compartment: Compartment, kind: str, label: str, message: str, feed: Feed | None = None
) -> ImportReport:
    """A report for an input that could not be read at all (not a feed, too large, unreachable)."""
    return ImportReport.objects.create(
        compartment=compartment,
        kind=kind,
        feed=feed,
        finished_at=timezone.now(),
        errors=[asdict(ItemError(label, message))],
    )


def _store(item: Item, *, compartment: Compartment, kind: str, actor: Any, feed: Feed | None) -> str | int:
    """``"duplicate"``, ``"reprint"``, or the number of candidates created."""
    url_digest = fingerprints.url_digest(item.url)
    content_digest = fingerprints.content_digest(item.text)
    same = Article.objects.filter(compartment=compartment, content_digest=content_digest)
    if same.exists() or (
        url_digest and Article.objects.filter(compartment=compartment, url_digest=url_digest).exists()
    ):
        return "duplicate"
    signature = fingerprints.minhash(item.text)
    original, score = _nearest(compartment, signature)
    extraction = None if original else extract(item)
    # The extractor may normalise the text; its spans point into the text it returns, so that is kept.
    text = extraction.text if extraction else item.text
    try:
        with transaction.atomic():
            article = Article(
                compartment=compartment,
                feed=feed,
                origin=kind,
                url=item.url,
                title=item.title,
                text=text,
                sha256=fingerprints.sha256(text),
                published_at=item.published,
                language=(extraction.language if extraction else "") or item.language,
                url_digest=url_digest,
                content_digest=content_digest,
                minhash=signature,
                reprint_of=original,
                similarity=score if original else None,
            )
            article.save()
            _save_bands(article, signature)
            events = [Event("create", *object_ref(article))]
            for position, incident in enumerate(extraction.incidents if extraction else []):
                candidate = Candidate(
                    article=article, position=position, extracted=json.dumps(asdict(incident))
                )
                candidate.save()
                events.append(Event("create", *object_ref(candidate)))
            record_events(actor, events)
    except IntegrityError:
        # Another import stored the same text between the check above and this insert (two documenters
        # importing one article at once): the unique constraint on (compartment, content_digest)
        # refused the second copy, and this item's transaction left nothing of it behind.
        if same.exists():
            return "duplicate"
        raise
    return "reprint" if original else len(events) - 1


def _save_bands(article: Article, signature: bytes) -> None:
    ArticleBand.objects.bulk_create(
        ArticleBand(article=article, band=band, value=value)
        for band, value in enumerate(fingerprints.bands(signature))
    )


def reindex_articles(batch_size: int) -> int:
    """Recompute every article's keyed digests, MinHash and bands after a blind-index key rotation
    (``vault.rotation``): without it every article already stored would be imported again as new.

    The digests are made from the text as stored, which the extractor may have normalised; the
    fingerprints normalise the same way, so a later import of the same article still matches."""
    from khronika.vault.rotation import batches

    written = 0
    for batch in batches(Article._base_manager, batch_size):
        with transaction.atomic():
            for article in batch:
                article.url_digest = fingerprints.url_digest(article.url)
                article.content_digest = fingerprints.content_digest(article.text)
                article.minhash = fingerprints.minhash(article.text)
            Article._base_manager.bulk_update(batch, ["url_digest", "content_digest", "minhash"])
            ArticleBand.objects.filter(article__in=batch).delete()
            for article in batch:
                _save_bands(article, article.minhash)
        written += len(batch)
    return written


def _nearest(compartment: Compartment, signature: bytes) -> tuple[Article | None, float]:
    """The earliest stored article this text is a near-copy of, through the shared MinHash bands."""
    values = fingerprints.bands(signature)
    ids: set[Any] = set()
    for band, value in enumerate(values):
        ids.update(
            ArticleBand.objects.filter(band=band, value=value, article__compartment=compartment).values_list(
                "article_id", flat=True
            )
        )
    best: tuple[Article | None, float] = (None, 0.0)
    for article in (
        Article.objects.filter(id__in=ids).order_by("imported_at").only("id", "minhash", "reprint_of")
    ):
        score = fingerprints.similarity(bytes(article.minhash), signature)
        if score >= fingerprints.REPRINT_SIMILARITY and score > best[1]:
            best = (article, score)
    original = best[0]
    if original is not None and original.reprint_of_id is not None:
        return original.reprint_of, best[1]  # a reprint of a reprint points at the first
    return best


def read_input(source: str, *, kind: str = "") -> tuple[str, Batch]:
    """Read a file path or an http(s) address; ``kind`` (feed/html/telegram/text) or sniffed."""
    if source.lower().startswith(("http://", "https://")):
        fetched = fetch(source)
        kind = kind or _sniff(fetched.body)
        if kind == Article.Origin.FEED:
            return kind, read_feed(fetched.body, charset=fetched.charset, fetch_page=fetch_page)
        if kind == Article.Origin.TELEGRAM:
            return kind, read_export(fetched.body)
        if kind == Article.Origin.TEXT:
            return kind, read_text(fetched.body, url=fetched.url)
        return Article.Origin.HTML, read_page(fetched.body, url=fetched.url, charset=fetched.charset)
    return read_body(read_file(source), kind=kind, name=source)


def read_body(body: bytes, *, kind: str = "", name: str = "") -> tuple[str, Batch]:
    """Read a file's bytes (a path on the command line, an upload on the sources page); ``kind`` or
    sniffed from the bytes and the suffix of ``name``."""
    kind = kind or _sniff(body, Path(name).suffix.lower())
    if kind == Article.Origin.FEED:
        return kind, read_feed(body)
    if kind == Article.Origin.TELEGRAM:
        return kind, read_export(body)
    if kind == Article.Origin.HTML:
        return kind, read_page(body)
    return Article.Origin.TEXT, read_text(body)


def fetch_page(url: str) -> str:
    """A linked article's HTML (a feed's teaser is too short), through the same proxy and limits."""
    fetched = fetch(url)
    return decode(fetched.body, fetched.charset)


def _sniff(body: bytes, suffix: str = "") -> str:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix == ".json" or head.startswith((b"{", b"[")):
        return Article.Origin.TELEGRAM
    if suffix in (".rss", ".atom", ".xml") or b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return Article.Origin.FEED
    if suffix in (".html", ".htm") or head.startswith(b"<"):
        return Article.Origin.HTML
    return Article.Origin.TEXT


def import_source(
    source: str, *, compartment: Compartment, kind: str = "", actor: Any = None
) -> ImportReport:
    """``khronika monitor import``: a file or an address, to the end, with its report."""
    try:
        kind, batch = read_input(source, kind=kind)
    except FetchError as error:
        return import_failure(compartment, kind or Article.Origin.TEXT, _("input"), str(error))
    return import_batch(batch, compartment=compartment, kind=kind, actor=actor)


def poll_feed(feed: Feed) -> ImportReport:
    """Fetch ``feed`` once and import its new entries (what the worker job does)."""
    feed.last_polled_at = timezone.now()
    try:
        fetched = fetch(feed.url)
        batch = read_feed(fetched.body, charset=fetched.charset, fetch_page=fetch_page)
    except FetchError as error:
        feed.last_error = str(error)[:300]
        feed.save(update_fields=["last_polled_at", "last_error"])
        return import_failure(feed.compartment, Article.Origin.FEED, _("feed"), str(error), feed)
    if batch.title and not feed.title:
        feed.title = batch.title[:300]
    feed.last_error = ""
    feed.save()
    return import_batch(batch, compartment=feed.compartment, kind=Article.Origin.FEED, feed=feed)
