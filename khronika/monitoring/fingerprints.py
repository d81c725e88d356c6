"""Recognising the same article twice, and reprints with small edits, without storing anything a
database reader could match against an article they hold.

- **Exact**: a keyed digest (the vault's blind-index key, ``vault.crypto.blind_index``) of the
  normalized address and of the normalized text. Normalizing first (case, ``ё``, punctuation, spaces,
  tracking parameters) makes a re-fetch with different markup or a ``?utm_source=`` the same article.
- **Near**: MinHash over word 3-shingles, 64 hash functions, estimating the Jaccard similarity of two
  texts' shingle sets. We chose MinHash over SimHash because a reprint typically *adds* a paragraph or
  a byline, and Jaccard degrades gracefully with additions while SimHash's Hamming distance jumps with
  any change of length. Our own ~40 lines rather than ``datasketch``: it is not a dependency, and the
  shingle hash must be keyed (HMAC-derived BLAKE2b key) so that a seized signature cannot be compared
  with one computed from a published article (threat model 1). Signatures are split into 16 bands of 4
  rows (``ArticleBand``): two texts with Jaccard 0.7 share a band with probability ~0.99, two with 0.3
  with ~0.13, so only a few articles are ever compared in full.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from khronika.vault import state
from khronika.vault.crypto import blind_index

PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
SHINGLE_WORDS = 3
# A reprint with small edits: a changed headline, a byline, a paragraph more or less.
REPRINT_SIMILARITY = 0.6

_PRIME = (1 << 61) - 1
# The permutations need not be secret (the keyed shingle hash is); fixed so signatures stay comparable.
# Multipliers are drawn from the whole field, as datasketch draws them: with multipliers below 2**32 a
# 32-bit shingle hash times one stayed below the prime for most pairs, so most "permutations" kept the
# shingles' order and picked the same minimum, and the similarity of a reprint (Jaccard 0.85) came out
# below 0.6 for one key in thirteen. The products overflow 64 bits and wrap, which mixes them further
# (datasketch's arithmetic too); the estimate is then unbiased (tests/test_minhash_estimate.py).
_RNG = np.random.default_rng(20261125)
_A = _RNG.integers(1, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
_B = _RNG.integers(0, _PRIME, size=PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|ref|from)$", re.IGNORECASE)


def normalize_text(text: str) -> str:
    """Words only, case-folded, ``ё`` as ``е``: markup, quotes and spacing do not make a new article."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_WORD.findall(folded))


def normalize_url(url: str) -> str:
    """Scheme and host in lower case, no fragment, no tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/")
    return urlunsplit(
        (
            "https" if parts.scheme in ("http", "https") else parts.scheme,
            parts.netloc.lower(),
            path,
            query,
            "",
        )
    )


def sha256(text: str) -> str:
    """The provenance hash: SHA-256 of the text as stored, so that anyone holding it can check it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key() -> bytes:
    return state.keys().blind_index_key


def url_digest(url: str) -> str:
    return blind_index(_key(), "monitoring-article-url", normalize_url(url)) if url.strip() else ""


def content_digest(text: str) -> str:
    return blind_index(_key(), "monitoring-article-text", normalize_text(text))


def minhash(text: str) -> bytes:
    """The 64-value MinHash signature of ``text``'s word 3-shingles (fewer words: the words themselves)."""
    words = normalize_text(text).split()
    size = min(SHINGLE_WORDS, max(len(words), 1))
    shingles = {" ".join(words[i : i + size]) for i in range(max(len(words) - size + 1, 1))}
    shingle_key = hmac.new(_key(), b"monitoring-minhash", hashlib.sha256).digest()
    base = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(s.encode("utf-8"), key=shingle_key, digest_size=4).digest(), "big")
            for s in shingles
        ),
        dtype=np.uint64,
        count=len(shingles),
    )
    # uint64 arithmetic wraps on overflow (no warning for arrays): see the note on _A above.
    hashed = (_A[:, None] * base[None, :] + _B[:, None]) % np.uint64(_PRIME)
    return bytes(hashed.min(axis=1).astype(">u8").tobytes())


def similarity(signature: bytes, other: bytes) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    a = np.frombuffer(signature, dtype=">u8")
    b = np.frombuffer(other, dtype=">u8")
    return float(np.mean(a == b)) if len(a) == len(b) else 0.0


def bands(signature: bytes) -> list[int]:
    """One signed 64-bit value per band (a BigIntegerField holds it)."""
    values = []
    for band in range(BANDS):
        chunk = signature[band * ROWS * 8 : (band + 1) * ROWS * 8]
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "big")).digest()
        values.append(int.from_bytes(digest, "big", signed=True))
    return values
