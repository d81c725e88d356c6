"""``khronika serve``: the web application on a production-grade WSGI server (waitress).

Waitress writes no access log, so no address of a visitor is ever logged (threat model 4). Put it
behind a reverse proxy or an onion service as docs/operations.md describes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve Khronika over HTTP (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--threads", type=int, default=8, help="Worker threads (default 8).")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from khronika.vault import state
        from khronika.vault.control import serving_process
        from khronika.vault.crypto import VaultError
        from khronika.wsgi import application

        try:
            # Hardened, and reachable by `khronika unseal` / `seal` / `panic` over its control socket.
            with serving_process("serve"):
                self.stdout.write(
                    f"Khronika is serving on http://{options['host']}:{options['port']}/ (Ctrl+C stops it)"
                )
                if not state.is_unsealed():
                    self.stdout.write("The vault is sealed: run `khronika unseal` to open it.")
                serve(
                    application,
                    host=options["host"],
                    port=options["port"],
                    threads=options["threads"],
                    ident="khronika",
                    clear_untrusted_proxy_headers=True,
                )
        except VaultError as exc:  # e.g. the control socket cannot be created: say why, plainly
            raise CommandError(str(exc)) from None
