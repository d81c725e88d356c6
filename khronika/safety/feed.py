"""The signed partner feed: our confirmed accounts and numbers as keyed hashes, for partners' lookups.

A feed carries no handle, number, place or narrative: only full lookup hashes under our published
lookup key (with its iterations) and the date each confirmation lapses. A partner's Khronika imports it
(``khronika safety import-feed FILE``) and its lookup page then hashes under our key too, so its
community is warned about our entries without either side sending anything in clear.

Signed with an Ed25519 key of the registry's own, derived from the organisation key like the ledger's
checkpoint key but separate (a partner who trusts our feed need not trust our ledger checkpoints), so
only an unsealed instance signs a feed (``vault/derived_keys.py``). A
partner pins our public key the first time (``--trust HEX``, obtained out of band); a feed signed by any
other key is refused, so a forged feed cannot plant warnings. Each feed replaces the previous one from
the same signer whole: an entry we retract disappears from partners at their next import.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from khronika.bulk import insert_rows
from khronika.ledger.services import record
from khronika.safety import lookup
from khronika.safety.models import IDENTIFIER_KINDS, Entry, ImportedHash, LookupKey, State
from khronika.safety.services import Refused, own_key
from khronika.vault.derived_keys import DerivedSigningKey

FORMAT = "khronika-safety-feed/1"
# Derived from the organisation key (vault/derived_keys.py): only an unsealed instance signs a feed.
KEY = DerivedSigningKey("safety feed", "safety-feed-signing")


def signing_key() -> SigningKey:
    """The registry's own Ed25519 key, never the ledger's; ``VaultSealed`` while the vault is sealed."""
    return KEY.signing_key()


def public_key_hex() -> str:
    """Ours, to give to partners; "" if the vault was never unsealed since the key came to be."""
    return KEY.public_key_hex() or ""


def export_feed(now: datetime | None = None) -> bytes:
    """The signed feed of every confirmed, unlapsed account and number, built from the database now."""
    now = now or timezone.now()
    key = own_key()
    rows = Entry.objects.filter(
        kind__in=IDENTIFIER_KINDS, state=State.CONFIRMED, confirmed_until__gt=now, hash_prefix__isnull=False
    ).values_list("hash_prefix", "hash_suffix", "confirmed_until")
    hashes = sorted(
        [lookup.prefix_text(prefix) + suffix, until.isoformat()]
        for prefix, suffix, until in rows
        if prefix is not None and until is not None
    )
    payload = {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "key": {"key_id": key.key_id, "key": key.key, "iterations": key.iterations},
        "hashes": hashes,
    }
    message = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
    signed = signing_key().sign(message)
    document = {
        "signer": public_key_hex(),
        "payload": message.decode("utf-8"),
        "signature": signed.signature.hex(),
    }
    return json.dumps(document, indent=1).encode("utf-8")


def import_feed(data: bytes, trust: str = "", actor: Any = None) -> int:
    """Verify a partner's feed and replace that partner's hashes with it; the number of hashes kept.

    Raises :class:`Refused` with a plain message for anything wrong: not a feed, an unknown or untrusted
    signer, a bad signature, a feed older than one already imported, or our own feed.
    """
    try:
        document = json.loads(data)
        signer, message, signature = document["signer"], document["payload"], document["signature"]
        verify_key = VerifyKey(bytes.fromhex(signer))
    except (ValueError, KeyError, TypeError):
        raise Refused(_("This file is not a safety feed.")) from None
    if signer == public_key_hex():
        raise Refused(_("This is our own feed; there is nothing to import."))
    known = LookupKey.objects.filter(signer=signer).first()
    if known is None and trust.strip().lower() != signer:
        raise Refused(
            _(
                "This feed is signed by a key we do not trust yet (%(signer)s). Check that key with the "
                "partner by another channel, then import again with --trust and the key."
            )
            % {"signer": signer}
        )
    try:
        verify_key.verify(message.encode("utf-8"), bytes.fromhex(signature))
    except (BadSignatureError, ValueError):
        raise Refused(
            _("The feed's signature does not match: it was changed or is not from this partner.")
        ) from None
    payload = json.loads(message)
    if payload.get("format") != FORMAT:
        raise Refused(_("This feed is in a format this version does not know."))
    generated = parse_datetime(payload["generated_at"])
    if generated is None:
        raise Refused(_("This file is not a safety feed."))
    if known is not None and known.imported_at is not None and generated <= known.imported_at:
        raise Refused(_("This feed is not newer than the one imported before; a replay is refused."))
    key_info = payload["key"]
    if (
        not _acceptable_key(key_info)
        or LookupKey.objects.filter(key_id=key_info["key_id"]).exclude(signer=signer).exists()
    ):
        raise Refused(_("The feed's lookup key is unusable or clashes with another key; ask the partner."))
    now = timezone.now()
    rows = []
    for digest, until_text in payload["hashes"]:
        until = parse_datetime(until_text)
        if len(digest) != lookup.HASH_HEX or until is None or until <= now:
            continue
        prefix, suffix = lookup.split(digest)
        rows.append((prefix, suffix, until))
    with transaction.atomic():
        key = known or LookupKey(signer=signer)
        key.key_id, key.key, key.iterations = key_info["key_id"], key_info["key"], int(key_info["iterations"])
        key.imported_at = generated
        key.save()
        key.hashes.all().delete()
        insert_rows(
            ImportedHash,
            ("lookup_key_id", "hash_prefix", "hash_suffix", "valid_until"),
            ((key.pk, prefix, suffix, until) for prefix, suffix, until in rows),
        )
        record(actor, "import", key)
    return len(rows)


def _acceptable_key(info: Any) -> bool:
    """A lookup key our lookup page can use: 64 hex digits, and iterations a browser can afford (a
    hostile feed must not make every lookup on our page hang)."""
    try:
        key, key_id, iterations = str(info["key"]), str(info["key_id"]), int(info["iterations"])
        bytes.fromhex(key)
    except (KeyError, TypeError, ValueError):
        return False
    return len(key) == 64 and 8 <= len(key_id) <= 16 and key_id.isalnum() and 1 <= iterations <= 5_000_000
