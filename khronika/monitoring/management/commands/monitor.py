"""``khronika monitor``: open-source monitoring from the command line.

``khronika monitor extract FILE…`` reads saved articles (plain text, an HTML page, a Telegram Desktop
``result.json``) and prints their candidate incidents as one JSON object (docs/data-format.md,
"Extraction JSON"). It reads files and writes JSON only: no database, no unseal, no network, so it
runs on a fresh checkout. The importing subcommands (``import``, ``feeds``, ``poll``) live in
``khronika.monitoring.cli_import``, imported here only when the parser is built, so that ``extract``
keeps working even if that module cannot load.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

EXTRACT = "monitor_extract_action"


class Command(BaseCommand):
    help = "Open-source monitoring: extract incidents from saved articles, import articles, poll feeds."
    requires_system_checks: list[str] = []  # `extract` touches no database and no keys

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        extract = subparsers.add_parser(
            "extract",
            help="Print the candidate incidents of saved articles as JSON (no database, no unseal).",
            description="Print the candidate incidents of saved articles as JSON (no database, no unseal).",
        )
        extract.set_defaults(**{EXTRACT: True})
        extract.add_argument("files", nargs="+", metavar="FILE", help="text, HTML or Telegram export files")
        extract.add_argument(
            "--published",
            type=date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Publication date for articles that do not carry one (relative dates are read from it; "
            "default: the article's own date, else today).",
        )
        extract.add_argument(
            "--language",
            choices=["ru", "en"],
            default=None,
            help="Language of the articles (default: guessed).",
        )
        extract.add_argument("--compact", action="store_true", help="One line of JSON instead of indented.")
        try:
            from khronika.monitoring import cli_import
        except ImportError:  # the importing half is optional for `extract`
            return
        cli_import.add_subcommands(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get(EXTRACT):
            run_extract(options, self.stdout, sys.stderr)
            return
        from khronika.monitoring import cli_import

        cli_import.run(options, self.stdout)  # type: ignore[arg-type]  # OutputWrapper is a TextIOBase that writes lines


def run_extract(options: dict[str, Any], out: TextIO | OutputWrapper, err: TextIO) -> None:
    """Read every file, extract each article, print one JSON object; a bad file is an error entry."""
    from rich.console import Console
    from rich.progress import track

    from khronika.monitoring.extraction import extract
    from khronika.monitoring.extraction.serialize import FORMAT, VERSION, article_to_dict
    from khronika.monitoring.fetching import FetchError
    from khronika.monitoring.importers import Item
    from khronika.monitoring.services import read_input

    read: list[tuple[str, str, Item]] = []
    errors: list[dict[str, str]] = []
    for path in options["files"]:
        if "://" in path:
            errors.append({"file": path, "error": _("Only saved files can be read here, not addresses.")})
            continue
        try:
            kind, batch = read_input(path)
        except FetchError as error:
            errors.append({"file": path, "error": str(error)})
            continue
        errors += [{"file": path, "item": e.label, "error": e.message} for e in batch.errors]
        read += [(path, str(kind), item) for item in batch.items]
    articles: list[dict[str, Any]] = []
    incidents = 0
    # A channel export can hold thousands of posts: show progress (on standard error) when it takes a while.
    console = Console(file=err)
    for path, kind, item in track(read, description="Extracting", console=console, disable=len(read) < 100):
        published = item.published.date() if item.published else options["published"]
        result = extract(
            item.text, published=published, language=options["language"] or item.language or None
        )
        incidents += len(result.incidents)
        source = {
            "file": path,
            "kind": kind,
            "item": item.label,
            "url": item.url,
            "title": item.title,
            "published": published.isoformat() if published else None,
        }
        articles.append(article_to_dict(result, **source))
    document = {"format": FORMAT, "version": VERSION, "articles": articles, "errors": errors}
    out.write(json.dumps(document, ensure_ascii=False, indent=None if options["compact"] else 2) + "\n")
    err.write(
        f"{len(articles)} article(s) from {len(options['files'])} file(s): "
        f"{incidents} candidate incident(s), {len(errors)} error(s).\n"
    )
    if errors and not articles:
        raise CommandError(_("No article could be read; the errors are listed in the JSON above."))
