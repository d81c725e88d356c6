"""The demo instance's vault: real encryption, with a passphrase printed on the console.

DEMO ONLY. ``DEMO_PASSPHRASE`` is public (it is in this file and printed by ``khronika demo``), so
the demo's database is exactly as unreadable as a production one to anyone who does not read this,
and readable by anyone who does. Never use it for real data: a real vault is created with
``khronika vault init``, whose passphrase is typed, never stored.
"""

from __future__ import annotations

from django.conf import settings

from khronika.vault import keystore, state
from khronika.vault.crypto import PRODUCTION_COST

DEMO_PASSPHRASE = "demo-only: khronika-synthetic-vault"  # noqa: S105  (public on purpose, see above)
# The real cost (one unlock takes about a second): the demo shows the real thing. Tests replace it.
DEMO_KDF_COST = PRODUCTION_COST


def ensure_demo_vault() -> str:
    """Create the demo vault once, unseal this process, and return the passphrase to print."""
    if not settings.DEMO_MODE:
        raise RuntimeError("ensure_demo_vault() is for the demo instance only (KHRONIKA_DEMO).")
    if state.is_unsealed():
        return DEMO_PASSPHRASE
    if keystore.has_vault():
        keys = keystore.unlock(passphrase=DEMO_PASSPHRASE)
    else:
        keys = keystore.init_vault(DEMO_PASSPHRASE, kdf_cost=DEMO_KDF_COST).keys
    state.unseal(keys)
    return DEMO_PASSPHRASE
