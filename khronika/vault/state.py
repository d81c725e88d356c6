"""Sealed or unsealed: the one place in a process where the vault's keys live after an unseal.

Threat model 1 and 2: keys exist only in the memory of running processes. A process starts sealed;
``khronika unseal`` hands it the keys (see ``khronika.vault.control``); ``seal()`` drops them, and
everything derived from them (unwrapped data keys cached on model instances are per request; the
in-memory search index registers an ``on_seal`` callback) goes with them.

This is deliberately process-global state: the keys belong to the process, not to a request, a thread
or a Django app instance, and a panic must reach every thread at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from khronika.vault.crypto import VaultKeys, VaultSealed

_lock = threading.RLock()
_keys: VaultKeys | None = None
_generation = 0
_on_seal: list[Callable[[], None]] = []
_on_unseal: list[Callable[[VaultKeys], None]] = []


def keys() -> VaultKeys:
    """The unsealed keys, or ``VaultSealed``: callers never see a half-state."""
    current = _keys
    if current is None:
        raise VaultSealed()
    return current


def is_unsealed() -> bool:
    return _keys is not None


def generation() -> int:
    """Changes at every seal and unseal, so caches built from decrypted data know they are stale."""
    return _generation


def unseal(new_keys: VaultKeys) -> None:
    """Make ``new_keys`` this process's keys, then run the unseal callbacks (e.g. build the index)."""
    global _keys, _generation
    with _lock:
        _keys = new_keys
        _generation += 1
        callbacks = list(_on_unseal)
    for callback in callbacks:
        callback(new_keys)


def seal() -> None:
    """Drop the keys and everything built from them. Safe to call when already sealed."""
    global _keys, _generation
    with _lock:
        _keys = None
        _generation += 1
        callbacks = list(_on_seal)
    for callback in callbacks:
        callback()


def on_seal(callback: Callable[[], None]) -> None:
    """Run ``callback`` whenever the process seals (to drop caches of decrypted data)."""
    with _lock:
        if callback not in _on_seal:
            _on_seal.append(callback)


def on_unseal(callback: Callable[[VaultKeys], None]) -> None:
    """Run ``callback`` with the keys whenever the process unseals (to build in-memory indexes)."""
    with _lock:
        if callback not in _on_unseal:
            _on_unseal.append(callback)
