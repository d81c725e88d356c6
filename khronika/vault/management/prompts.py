"""Reading secrets for the vault commands: a no-echo prompt, or a file descriptor.

Never argv and never the environment (threat model 1 and 2): both are readable by other processes
through /proc and end up in shell history, process listings and crash reports. A file descriptor
(``--passphrase-fd 3 3<secret-file``, or a pipe) is what automation and tests use instead.
"""

from __future__ import annotations

import getpass
import os

from django.core.management.base import CommandError, CommandParser

from khronika.vault.crypto import PRODUCTION_COST, KdfCost


def read_fd_lines(fd: int) -> list[str]:
    """Every line written to ``fd`` until it is closed (line endings removed, nothing else)."""
    chunks = []
    try:
        while chunk := os.read(fd, 4096):
            chunks.append(chunk)
    except OSError as exc:
        raise CommandError(f"File descriptor {fd} cannot be read ({exc.strerror}).") from None
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"What was read from file descriptor {fd} is not UTF-8 text.") from None
    return [line for line in text.splitlines() if line != ""]


def ask_secret(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        raise CommandError("Stopped: nothing was entered and nothing was changed.") from None


def ask_new_passphrase(what: str = "the new passphrase") -> str:
    first = ask_secret(f"Type {what}: ")
    if ask_secret("Type it again: ") != first:
        raise CommandError("The two passphrases differ. Nothing was changed.")
    return first


def ask_shares(count: int) -> list[str]:
    """``count`` shares typed one per line, not echoed (a share is as secret as the passphrase)."""
    return [ask_secret(f"Share {number} of {count}: ").strip() for number in range(1, count + 1)]


def add_kdf_arguments(parser: CommandParser) -> None:
    group = parser.add_argument_group("Argon2 cost (defaults: the production cost)")
    group.add_argument("--argon2-memory-kib", type=int, default=PRODUCTION_COST.memory_kib, metavar="KIB")
    group.add_argument("--argon2-passes", type=int, default=PRODUCTION_COST.time_cost, metavar="N")
    group.add_argument("--argon2-lanes", type=int, default=PRODUCTION_COST.parallelism, metavar="N")


def kdf_cost_from(options: dict[str, object]) -> KdfCost:
    try:
        return KdfCost(
            time_cost=int(str(options["argon2_passes"])),
            memory_kib=int(str(options["argon2_memory_kib"])),
            parallelism=int(str(options["argon2_lanes"])),
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
