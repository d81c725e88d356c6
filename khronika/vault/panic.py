"""Panic: seal every process of the instance at once, and say so in the ledger.

Used by the coordinators' panic button and by ``khronika panic``. The ledger entry names the vault by
its opaque id and the actor by account id, nothing else (threat model 6: a panic is evidence too).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError

from khronika.ledger.services import Event, record_events
from khronika.vault import state
from khronika.vault.control import Answer, seal_all
from khronika.vault.crypto import VaultError
from khronika.vault.keystore import load_keyring

logger = logging.getLogger("khronika.vault")


def vault_ref() -> str:
    """The vault's opaque id for the ledger, or "unknown" when the key file is gone or damaged."""
    try:
        return load_keyring().vault_id.hex()
    except VaultError:
        return "unknown"


def record_vault_event(actor: Any, action: str) -> bool:
    """Ledger ``action`` on the vault. A database failure is logged, never allowed to stop a seal."""
    try:
        record_events(actor, [Event(action, "vault.vault", vault_ref())])
    except DatabaseError as exc:
        logger.warning("Could not write the %s entry to the ledger: %s", action, exc)
        return False
    return True


def sealed_count(answers: list[Answer]) -> int:
    return sum(1 for answer in answers if answer.ok and not answer.unsealed)


def panic(actor: Any) -> int:
    """Ledger entry first (after the seal this process may no longer be able to write it), then drop
    the keys here and in every other process. Returns how many other processes confirmed."""
    record_vault_event(actor, "panic")
    state.seal()
    return sealed_count(seal_all())
