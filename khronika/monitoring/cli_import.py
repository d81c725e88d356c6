"""``khronika monitor import|feeds|poll``: the importing half of the ``monitor`` command.

``management/commands/monitor.py`` (which also runs ``extract``) imports this module lazily and calls
``add_subcommands(subparsers)`` while building its parser and ``run(options)`` for any subcommand
registered here; each subparser sets ``monitor_import_action``, so ``run`` needs no other key.
Everything here reads or writes encrypted articles, so each subcommand opens the vault for its own
process first (``vault.management.unlocking``). Output goes to standard output; failures of a whole
input are a ``CommandError`` with plain words, failures of single items are listed and the rest
imported.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from khronika.accounts.models import Compartment
from khronika.monitoring.models import Article, Feed, ImportReport

ACTION = "monitor_import_action"


def add_subcommands(subparsers: Any) -> None:
    from khronika.vault.management.unlocking import add_unlock_arguments

    def sub(name: str, help_text: str, action: Callable[[dict[str, Any], TextIO], None]) -> CommandParser:
        parser: CommandParser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(**{ACTION: action})
        add_unlock_arguments(parser)
        return parser

    parser = sub(
        "import", "Import articles from files or addresses (feed, web page, Telegram export, text).", _import
    )
    parser.add_argument("sources", nargs="+", metavar="FILE|URL")
    parser.add_argument("--compartment", required=True, help="The compartment the articles go into.")
    parser.add_argument(
        "--kind",
        choices=[c.value for c in Article.Origin],
        default="",
        help="What the input is (default: guessed).",
    )

    feeds = sub("feeds", "Manage the feeds the worker polls.", _feeds_help)
    actions = feeds.add_subparsers(dest="feeds_action", metavar="add|list|pause")
    add = actions.add_parser("add", help="Watch a new RSS or Atom feed.")
    add.set_defaults(**{ACTION: _feeds_add})
    add.add_argument("url")
    add.add_argument("--compartment", required=True, help="The compartment its articles go into.")
    add.add_argument("--title", default="", help="A name for the feed (default: the feed's own title).")
    actions.add_parser("list", help="List the feeds, when each was polled and its last error.").set_defaults(
        **{ACTION: _feeds_list}
    )
    pause = actions.add_parser("pause", help="Stop polling a feed (its articles stay).")
    pause.set_defaults(**{ACTION: _feeds_pause})
    pause.add_argument("feed_id")

    poll = sub("poll", "Poll the feeds now, without waiting for the worker.", _poll)
    poll.add_argument("--feed", default="", help="Only this feed (its id from `feeds list`).")


def run(options: dict[str, Any], stdout: TextIO | None = None) -> None:
    from khronika.vault.management.unlocking import unseal_this_process

    action = options.get(ACTION)
    if action is None:
        raise CommandError("Unknown monitor subcommand.")
    unseal_this_process(options)
    action(options, stdout or sys.stdout)


def _compartment(name: str) -> Compartment:
    compartment = Compartment.objects.filter(name=name).first()
    if compartment is None:
        raise CommandError(f"There is no compartment named {name!r}.")
    return compartment


def summary(report: ImportReport) -> str:
    """One line, then one line per failed item."""
    line = (
        f"{report.imported} imported ({report.reprints} reprints of earlier articles), "
        f"{report.duplicates} already known, {report.candidates} candidates for review, "
        f"{len(report.errors)} failed."
    )
    return "\n".join([line, *(f"  {error['label']}: {error['message']}" for error in report.errors)])


def _import(options: dict[str, Any], out: TextIO) -> None:
    from khronika.monitoring.services import import_source

    compartment = _compartment(options["compartment"])
    for source in options["sources"]:
        out.write(f"{source}: ")
        out.flush()
        out.write(
            summary(import_source(source, compartment=compartment, kind=options.get("kind") or "")) + "\n"
        )


def _feeds_help(options: dict[str, Any], out: TextIO) -> None:
    raise CommandError("Say what to do with feeds: add, list or pause.")


def _feeds_add(options: dict[str, Any], out: TextIO) -> None:
    from khronika.ledger.services import record
    from khronika.monitoring.jobs import schedule_poll

    url = options["url"].strip()
    if not url.lower().startswith(("http://", "https://")):
        raise CommandError("A feed address starts with http:// or https://.")
    feed = Feed(compartment=_compartment(options["compartment"]), url=url, title=options.get("title") or "")
    feed.save()
    record(None, "create", feed)
    schedule_poll(feed)
    out.write(f"Feed {feed.id} added; the worker polls it now and then every so often.\n")


def _feeds_list(options: dict[str, Any], out: TextIO) -> None:
    for feed in Feed.objects.select_related("compartment"):
        polled = feed.last_polled_at.strftime("%Y-%m-%d %H:%M") if feed.last_polled_at else "never"
        state = "" if feed.active else " (paused)"
        out.write(
            f"{feed.id}  [{feed.compartment}]{state}  {feed.title or '-'}  {feed.url}  polled: {polled}\n"
        )
        if feed.last_error:
            out.write(f"    last error: {feed.last_error}\n")


def _feeds_pause(options: dict[str, Any], out: TextIO) -> None:
    from khronika.ledger.services import record

    feed = _feed(options["feed_id"])
    feed.active = False
    feed.save(update_fields=["active"])
    record(None, "update", feed)
    out.write(f"Feed {feed.id} is no longer polled.\n")


def _feed(feed_id: str) -> Feed:
    try:
        feed = Feed.objects.filter(pk=feed_id).first()
    except ValidationError:  # a malformed id: the same answer as an unknown one
        feed = None
    if feed is None:
        raise CommandError(f"There is no feed {feed_id!r}; `khronika monitor feeds list` shows them.")
    return feed


def _poll(options: dict[str, Any], out: TextIO) -> None:
    from khronika.monitoring.services import poll_feed

    feeds = [_feed(options["feed"])] if options.get("feed") else list(Feed.objects.filter(active=True))
    for feed in feeds:
        out.write(f"{feed.id}: ")
        out.flush()
        out.write(summary(poll_feed(feed)) + "\n")
    out.write(f"{len(feeds)} feeds polled.\n")
