"""``khronika safety``: the partner feed (export-feed, import-feed, feed-key) and recording lapses (expire).

A feed holds lookup hashes only and a lapse changes plain columns, but signing a feed (export-feed)
needs the unsealed vault: the feed key is derived from the organisation key (vault/derived_keys.py).
feed-key prints the public key remembered beside the data, or unseals to derive it the first time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.safety import feed
from khronika.safety.services import Refused, expire_lapsed
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = "Community safety registry: partner feeds and lapsed confirmations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export-feed", help="Write the signed feed of confirmed accounts and numbers."
        )
        export.add_argument("file", type=Path)
        add_unlock_arguments(export)
        imported = sub.add_parser(
            "import-feed", help="Verify a partner's signed feed and use it for lookups."
        )
        imported.add_argument("file", type=Path)
        imported.add_argument(
            "--trust", default="", help="The partner's feed key (hex), checked with them by another channel."
        )
        add_unlock_arguments(
            sub.add_parser("feed-key", help="Print this registry's public feed key, to give to partners.")
        )
        sub.add_parser("expire", help="Record confirmations past their date as lapsed (run daily).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "export-feed":
                unseal_this_process(options)
                options["file"].write_bytes(feed.export_feed())
                self.stdout.write(f"Wrote the signed feed to {options['file']}.")
            elif action == "import-feed":
                try:
                    data = options["file"].read_bytes()
                except OSError as error:
                    raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
                count = feed.import_feed(data, trust=options["trust"])
                self.stdout.write(f"Imported {count} warning hash(es); lookups use them from now on.")
            elif action == "feed-key":
                if not feed.public_key_hex():
                    unseal_this_process(options)
                self.stdout.write(feed.public_key_hex())
            else:
                self.stdout.write(f"Recorded {expire_lapsed()} lapsed confirmation(s).")
        except Refused as error:
            raise CommandError(str(error)) from None
