"""The private lookup's arithmetic, without Django: hash, prefix, suffix, padded answer.

How a lookup works (docs/safety-registry.md): the browser computes
``PBKDF2-HMAC-SHA256(identifier, salt=lookup key, iterations)`` (WebCrypto has it, and Tor Browser
allows it on .onion and localhost), sends the first 20 bits of it, and gets back the other 236 bits
(59 hex digits) of every confirmed entry whose hash starts with those 20 bits, padded with decoys to
:data:`SUFFIXES_PER_ANSWER`. The match is made in the browser; the server learns only a bucket that
holds about one in a million of all possible identifiers.

Why the hash is slow (threat model: the police read public pages too): phone numbers are few enough to
enumerate (about 10⁹ Russian mobile numbers) and the lookup key is public, so anyone can ask for every
bucket and try every number against the answers. With a fast hash that takes minutes on one GPU; at a
million PBKDF2 iterations it takes GPU-days, and must be done again for every instance, because the key
differs per instance. It stays possible: the registry publishes only numbers that have been used to
lure people, and says so. Handles are not enumerable this way at all.
"""

from __future__ import annotations

import hashlib

PREFIX_BITS = 20
PREFIX_HEX = PREFIX_BITS // 4
HASH_HEX = 64
SUFFIX_HEX = HASH_HEX - PREFIX_HEX
# Every answer holds exactly this many suffixes, so its length says nothing about how many are real.
# 2**20 buckets hold on average one entry per million entries; 128 leaves room for a registry of tens
# of millions before a bucket overflows (then the answer grows, and docs/safety-registry.md says so).
SUFFIXES_PER_ANSWER = 128
KEY_BYTES = 32


def lookup_hash(identifier: str, key: bytes, iterations: int) -> str:
    """Hex PBKDF2-HMAC-SHA256 of ``identifier`` (see ``normalize.lookup_identifier``) under ``key``."""
    return hashlib.pbkdf2_hmac("sha256", identifier.encode("utf-8"), key, iterations, dklen=32).hex()


def split(digest: str) -> tuple[int, str]:
    """The 20-bit prefix (as a number) and the 59-hex-digit suffix of a hex digest."""
    return int(digest[:PREFIX_HEX], 16), digest[PREFIX_HEX:]


def prefix_text(prefix: int) -> str:
    return f"{prefix:0{PREFIX_HEX}x}"


def parse_prefix(text: str) -> int | None:
    """The prefix a client sent, or None unless it is exactly five hex digits."""
    if len(text) != PREFIX_HEX or any(ch not in "0123456789abcdef" for ch in text):
        return None
    return int(text, 16)


def padded_answer(prefix: int, real: list[str], decoy_secret: bytes, key_id: str) -> bytes:
    """The JSON answer for ``prefix``: the real suffixes and decoys, sorted, always the same length.

    Decoys are derived from a server secret, the key and the prefix rather than drawn at random: asking
    the same bucket twice then gives the same answer, so repeating a query does not tell the real
    suffixes from the decoys.
    """
    suffixes = set(real)
    if len(suffixes) < SUFFIXES_PER_ANSWER:
        # One SHAKE-256 call (a PRF when keyed by the secret prefix) yields every decoy at once.
        seed = decoy_secret + f":{key_id}:{prefix_text(prefix)}".encode()
        stream = hashlib.shake_256(seed).hexdigest(SUFFIX_HEX * SUFFIXES_PER_ANSWER // 2 + 1)
        for start in range(0, SUFFIX_HEX * SUFFIXES_PER_ANSWER, SUFFIX_HEX):
            suffixes.add(stream[start : start + SUFFIX_HEX])
            if len(suffixes) == SUFFIXES_PER_ANSWER:
                break
    # Built by hand rather than with json.dumps: this runs on every lookup, and every part is hex.
    listed = '","'.join(sorted(suffixes))
    return f'{{"prefix":"{prefix_text(prefix)}","suffixes":["{listed}"]}}'.encode("ascii")
