"""The sources page at /monitoring/sources/: import one file or address, manage feeds, read import reports.

Staff of a small organisation are not operators: what ``khronika monitor import|feeds`` does on the
command line is here too, for users with ``import``. Everything is limited to the user's compartments;
a feed or report of another compartment is the 404 of one that does not exist (threat model 3).
Uploads never touch the disk (``vault.uploads.KeepInMemory``); the import itself is ``services``' own, the
same as the command line's, and each write is a ledger entry with opaque ids.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from khronika.accounts.access import compartment_ids, require_capability
from khronika.accounts.roles import Capability
from khronika.ledger.services import record
from khronika.monitoring.fetching import FetchError, too_big
from khronika.monitoring.forms import FeedForm, ImportForm
from khronika.monitoring.jobs import resume_polling, schedule_poll
from khronika.monitoring.models import Feed, ImportReport
from khronika.vault.uploads import KeepInMemory

LATEST_REPORTS = 20


def _feeds(request: HttpRequest) -> Any:
    return Feed.objects.filter(compartment__in=compartment_ids(request.user)).select_related("compartment")


def _reports(request: HttpRequest) -> Any:
    return ImportReport.objects.filter(compartment__in=compartment_ids(request.user)).select_related(
        "compartment"
    )


def _page(
    request: HttpRequest,
    import_form: ImportForm | None = None,
    feed_form: FeedForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "monitoring/sources.html",
        {
            "import_form": import_form or ImportForm(request.user),
            "feed_form": feed_form or FeedForm(request.user),
            "feeds": _feeds(request).order_by("created_at"),
            "reports": _reports(request).order_by("-started_at")[:LATEST_REPORTS],
            "max_mb": f"{settings.KHRONIKA_MONITOR_MAX_BYTES / 2**20:g}",
        },
        status=status,
    )


@require_GET
@require_capability(Capability.IMPORT)
def sources(request: HttpRequest) -> HttpResponse:
    return _page(request)


@csrf_exempt  # checked by csrf_protect below, once the upload handler is in place
@require_POST
@require_capability(Capability.IMPORT)
def import_source(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [KeepInMemory(request, settings.KHRONIKA_MONITOR_MAX_BYTES)]
    return _import_source(request)


@csrf_protect
def _import_source(request: HttpRequest) -> HttpResponse:
    """Read the upload or fetch the address, import it as the command line does, show its report.

    A file that cannot be read at all (not an export, too large, empty) is a form error and nothing is
    written; an address that cannot be fetched gets a report naming the reason, as on the command line.
    """
    # Imported here: the importers bring trafilatura, lxml and numpy, which every web process would
    # otherwise load and lock in memory at start (vault/hardening.py).
    from khronika.monitoring import services

    form = ImportForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form, status=400)
    compartment, kind = form.chosen_compartment(), form.cleaned_data["kind"]
    upload = form.cleaned_data["file"]
    if upload:
        try:
            if upload.size > settings.KHRONIKA_MONITOR_MAX_BYTES:
                raise FetchError(too_big(settings.KHRONIKA_MONITOR_MAX_BYTES))
            kind, batch = services.read_body(upload.read(), kind=kind, name=upload.name or "")
        except FetchError as error:
            form.add_error("file", _("The file was not imported: %(reason)s") % {"reason": error})
            return _page(request, import_form=form, status=400)
        report = services.import_batch(batch, compartment=compartment, kind=kind, actor=request.user)
    else:
        report = services.import_source(
            form.cleaned_data["url"], compartment=compartment, kind=kind, actor=request.user
        )
    record(request.user, "create", report)
    return redirect("monitoring:import_report", report_id=report.id)


@require_GET
@require_capability(Capability.IMPORT)
def import_report(request: HttpRequest, report_id: Any) -> HttpResponse:
    report = get_object_or_404(_reports(request).select_related("feed"), id=report_id)
    return render(request, "monitoring/import_report.html", {"report": report})


@require_POST
@require_capability(Capability.IMPORT)
def feed_add(request: HttpRequest) -> HttpResponse:
    form = FeedForm(request.user, request.POST)
    if not form.is_valid():
        return _page(request, feed_form=form, status=400)
    with transaction.atomic():
        feed = Feed(compartment=form.chosen_compartment(), url=form.cleaned_data["url"])
        feed.title = form.cleaned_data["title"]
        feed.save()
        record(request.user, "create", feed)
        schedule_poll(feed)
    messages.success(request, _("The feed was added. It is read now and then every so often."))
    return redirect("monitoring:sources")


@require_POST
@require_capability(Capability.IMPORT)
def feed_pause(request: HttpRequest, feed_id: Any) -> HttpResponse:
    """Stop polling: the next poll job finds the feed paused and ends the chain (jobs.py)."""
    return _set_polled(request, feed_id, False, _("The feed is no longer read. Its articles stay."))


@require_POST
@require_capability(Capability.IMPORT)
def feed_resume(request: HttpRequest, feed_id: Any) -> HttpResponse:
    return _set_polled(request, feed_id, True, _("The feed is read again from now on."))


def _set_polled(request: HttpRequest, feed_id: Any, active: bool, message: str) -> HttpResponse:
    feed = get_object_or_404(_feeds(request), id=feed_id)
    with transaction.atomic():
        if feed.active != active:
            feed.active = active
            feed.save(update_fields=["active"])
            record(request.user, "update", feed)
        if active:
            resume_polling(feed)
    messages.success(request, message)
    return redirect("monitoring:sources")


@require_POST
@require_capability(Capability.IMPORT)
def feed_remove(request: HttpRequest, feed_id: Any) -> HttpResponse:
    """Delete the feed; its articles and reports stay (their ``feed`` becomes empty) and its queued
    poll finds no feed and ends."""
    feed = get_object_or_404(_feeds(request), id=feed_id)
    with transaction.atomic():
        record(request.user, "delete", feed)
        feed.delete()
    messages.success(request, _("The feed was removed. The articles already read from it stay."))
    return redirect("monitoring:sources")
