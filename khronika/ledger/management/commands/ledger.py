"""``khronika ledger verify|checkpoint``: prove the chain intact, and sign its head for publication.

``checkpoint`` needs the unsealed vault (the signing key is derived from the organisation key);
``verify`` does not (it checks against the public key kept beside the data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.ledger.checkpoints import create_checkpoint, export_checkpoint, verify_against
from khronika.ledger.proof import InvalidCheckpoint
from khronika.ledger.services import Break, verify
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = "Work with the tamper-evident ledger (verify, checkpoint)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="Check every entry of the hash chain.")
        check.add_argument(
            "--checkpoint",
            type=Path,
            metavar="FILE",
            help="Also prove the ledger still matches a checkpoint exported earlier.",
        )
        sign = sub.add_parser("checkpoint", help="Sign the ledger's current head, to publish elsewhere.")
        sign.add_argument("--out", type=Path, metavar="FILE", help="Write it to FILE (default: print).")
        sign.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")
        # The signing key is derived from the organisation key, which only an unsealed vault holds.
        add_unlock_arguments(sign)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self._checkpoint(options)
        else:
            self._verify(options["checkpoint"])

    def _checkpoint(self, options: dict[str, Any]) -> None:
        out: Path | None = options["out"]
        force: bool = options["force"]
        if out is not None:
            if out.exists() and not force:
                raise CommandError(f"{out} already exists. Choose another name or add --force.")
            if not out.parent.is_dir():
                raise CommandError(f"The folder {out.parent} does not exist.")
        unseal_this_process(options)
        checkpoint = create_checkpoint()
        text = export_checkpoint(checkpoint)
        if out is None:
            self.stdout.write(text, ending="")
            return
        out.write_text(text, encoding="ascii")
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint of entry {checkpoint.seq} written to {out}. "
                f"Publish it where this server cannot change it."
            )
        )

    def _verify(self, checkpoint_file: Path | None) -> None:
        data = _read_checkpoint(checkpoint_file) if checkpoint_file else None
        broken_at_checkpoint: Break | None = None
        if data is not None:
            # The signature first: a forged checkpoint must never be reported as "matching".
            try:
                broken_at_checkpoint = verify_against(data)
            except InvalidCheckpoint as exc:
                raise CommandError(f"The checkpoint in {checkpoint_file} cannot be trusted: {exc}.") from exc
        count, broken = verify()
        if broken is not None:
            raise CommandError(
                f"The ledger is broken at entry {broken.seq}: {broken.reason}. "
                f"{count} entries before it are intact."
            )
        if broken_at_checkpoint is not None:
            raise CommandError(
                f"The ledger is broken at entry {broken_at_checkpoint.seq}: {broken_at_checkpoint.reason}."
            )
        message = f"The ledger is intact: {count} entries verified."
        if data is not None:
            message += f" It still holds the checkpoint of entry {data['seq']} signed at {data['at']}."
        self.stdout.write(self.style.SUCCESS(message))


def _read_checkpoint(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CommandError(f"There is no file {path}.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path} is not a checkpoint file: it cannot be read as JSON.") from exc
