"""k-of-n Shamir secret sharing of the root secret, so that no single person can be forced to unlock.

Why our own code: the maintained, sound option on PyPI is Trezor's ``shamir-mnemonic`` (SLIP-39),
which is a new dependency (we add none for this) and brings a word-list encoding with its own
passphrase layer we do not need; ``gfshare`` wraps a C library that Debian ships but is unmaintained
upstream, and ``secretsharing``/``sslib`` are abandoned. Shamir over GF(256) is ~60 lines, so it lives
here, tested property by property (``vault/tests/test_shamir_*.py``).

Construction: each byte of the secret is the constant term of its own random polynomial of degree
k-1 over GF(2^8) with the AES reduction polynomial x^8+x^4+x^3+x+1; share i holds the polynomials'
values at x=i (1..n). Any k shares give the secret by Lagrange interpolation at x=0; k-1 shares are
consistent with every possible secret (information-theoretic secrecy). Coefficients come from
``secrets`` (the OS CSPRNG). Multiplication uses no tables and no branches on secret bits, so a
co-tenant cannot learn share bytes from cache timing while an operator splits or combines.

Shares are printable, for paper: ``KS1-<index>-<threshold>-`` then base32 groups of four carrying a
4-byte split identifier (shares of different splits, e.g. of another vault, are refused by name),
the share value and a 4-byte BLAKE2b checksum over all of it, so a mistyped letter is caught before
any arithmetic instead of silently producing a wrong root.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InvalidShare

PREFIX = "KS1"
SET_ID_BYTES = 4
_CHECKSUM_BYTES = 4
_GROUP = 4
MAX_SHARES = 255


def _gf_mul(a: int, b: int) -> int:
    """Product in GF(2^8): carry-less multiply reduced by 0x11B, branch-free on the operands."""
    product = 0
    for _ in range(8):
        product ^= -(b & 1) & a
        b >>= 1
        a = ((a << 1) & 0xFF) ^ (-(a >> 7) & 0x1B)
    return product


def _gf_inv(a: int) -> int:
    """Multiplicative inverse: a^254, since a^255 = 1 for every non-zero a."""
    result = 1
    power = a
    exponent = 254
    while exponent:
        if exponent & 1:
            result = _gf_mul(result, power)
        power = _gf_mul(power, power)
        exponent >>= 1
    return result


def _evaluate(coefficients: Sequence[int], x: int) -> int:
    """Horner's rule; coefficients[0] is the constant term (the secret byte)."""
    value = 0
    for coefficient in reversed(coefficients):
        value = _gf_mul(value, x) ^ coefficient
    return value


def _interpolate(points: Sequence[tuple[int, bytes]], x: int) -> bytes:
    """Values at ``x`` of the polynomials through ``points`` (one polynomial per byte position)."""
    out = bytearray(len(points[0][1]))
    for i, (xi, yi) in enumerate(points):
        # Lagrange basis l_i(x) = prod_{j != i} (x - xj) / (xi - xj); subtraction is XOR in GF(2^8).
        numerator, denominator = 1, 1
        for j, (xj, _) in enumerate(points):
            if j != i:
                numerator = _gf_mul(numerator, x ^ xj)
                denominator = _gf_mul(denominator, xi ^ xj)
        basis = _gf_mul(numerator, _gf_inv(denominator))
        for position, byte in enumerate(yi):
            out[position] ^= _gf_mul(basis, byte)
    return bytes(out)


@dataclass(frozen=True)
class Share:
    """One trustee's share: its x coordinate, the threshold, the split it belongs to, its values."""

    index: int
    threshold: int
    set_id: bytes
    value: bytes

    def __repr__(self) -> str:  # never print share values into logs or tracebacks
        return f"Share(index={self.index}, threshold={self.threshold}, set_id={self.set_id.hex()})"


def _checksum(index: int, threshold: int, set_id: bytes, value: bytes) -> bytes:
    header = PREFIX.encode("ascii") + bytes([index, threshold])
    return hashlib.blake2b(header + set_id + value, digest_size=_CHECKSUM_BYTES).digest()


def encode_share(share: Share) -> str:
    """Printable form: ``KS1-2-3-ABCD-EFGH-…`` (share 2, any 3 open the vault)."""
    body = share.set_id + share.value + _checksum(share.index, share.threshold, share.set_id, share.value)
    letters = base64.b32encode(body).decode("ascii").rstrip("=")
    groups = [letters[i : i + _GROUP] for i in range(0, len(letters), _GROUP)]
    return "-".join([PREFIX, str(share.index), str(share.threshold), *groups])


def decode_share(text: str, *, position: int = 1) -> Share:
    """Parse one printable share. ``position`` (1-based, as entered) names it in error messages."""
    where = f"Share number {position} you entered"
    parts = "".join(text.split()).upper().split("-")
    if len(parts) < 4 or parts[0] != PREFIX or not parts[1].isdigit() or not parts[2].isdigit():
        raise InvalidShare(f"{where} is not a Khronika share: it should start like KS1-2-3-…")
    index, threshold = int(parts[1]), int(parts[2])
    if not 1 <= index <= MAX_SHARES or not 2 <= threshold <= MAX_SHARES:
        raise InvalidShare(f"{where} has impossible numbers at its start; check them against the paper.")
    # Readers confuse 0/O and 1/I; base32 has neither digit, so map them back.
    letters = "".join(parts[3:]).translate(str.maketrans("01", "OI"))
    try:
        body = base64.b32decode(letters + "=" * (-len(letters) % 8))
    except ValueError as exc:
        raise InvalidShare(f"{where} contains characters a share never has (only A–Z and 2–7).") from exc
    if len(body) <= SET_ID_BYTES + _CHECKSUM_BYTES:
        raise InvalidShare(f"{where} is too short: a group of letters is missing.")
    set_id, value, checksum = (
        body[:SET_ID_BYTES],
        body[SET_ID_BYTES:-_CHECKSUM_BYTES],
        body[-_CHECKSUM_BYTES:],
    )
    if not secrets.compare_digest(checksum, _checksum(index, threshold, set_id, value)):
        raise InvalidShare(
            f"{where} has a typing mistake (its checksum does not match). Compare it group by group "
            "with the paper copy."
        )
    return Share(index=index, threshold=threshold, set_id=set_id, value=value)


def split(secret: bytes, *, threshold: int, shares: int, set_id: bytes | None = None) -> list[str]:
    """Split ``secret`` into ``shares`` printable shares, any ``threshold`` of which rebuild it."""
    if not 2 <= threshold <= shares <= MAX_SHARES:
        raise ValueError(f"Need 2 <= threshold <= shares <= {MAX_SHARES}; got {threshold} of {shares}.")
    if not secret:
        raise ValueError("Nothing to split: the secret is empty.")
    set_id = set_id if set_id is not None else secrets.token_bytes(SET_ID_BYTES)
    if len(set_id) != SET_ID_BYTES:
        raise ValueError(f"A split identifier is {SET_ID_BYTES} bytes.")
    polynomials = [[byte, *secrets.token_bytes(threshold - 1)] for byte in secret]
    return [
        encode_share(
            Share(
                index=x,
                threshold=threshold,
                set_id=set_id,
                value=bytes(_evaluate(polynomial, x) for polynomial in polynomials),
            )
        )
        for x in range(1, shares + 1)
    ]


def combine(texts: Sequence[str], *, expected_set_id: bytes | None = None) -> bytes:
    """Rebuild the secret from printable shares, or raise ``InvalidShare`` saying what is wrong.

    Extra shares beyond the threshold are checked against the polynomial the first ones define, so a
    forged or corrupted share (right checksum, wrong value) is named instead of trusted.
    """
    decoded = [decode_share(text, position=n) for n, text in enumerate(texts, start=1)]
    if not decoded:
        raise InvalidShare("No shares were entered.")
    first = decoded[0]
    if expected_set_id is not None and first.set_id != expected_set_id:
        raise InvalidShare("Share number 1 belongs to another vault (or an older split of this one).")
    by_index: dict[int, Share] = {}
    for n, share in enumerate(decoded, start=1):
        if share.set_id != first.set_id:
            raise InvalidShare(f"Shares number 1 and {n} come from different vaults or different splits.")
        if share.threshold != first.threshold or len(share.value) != len(first.value):
            raise InvalidShare(f"Shares number 1 and {n} do not belong together.")
        seen = by_index.get(share.index)
        if seen is not None and seen.value != share.value:
            raise InvalidShare(f"Two different shares claim to be share {share.index}.")
        by_index[share.index] = share  # the same share entered twice counts once
    if len(by_index) < first.threshold:
        raise InvalidShare(
            f"{len(by_index)} different share(s) entered, but {first.threshold} are needed to open the vault."
        )
    unique = list(by_index.values())
    points = [(s.index, s.value) for s in unique[: first.threshold]]
    for extra in unique[first.threshold :]:
        if not secrets.compare_digest(_interpolate(points, extra.index), extra.value):
            raise InvalidShare(
                f"Share {extra.index} does not agree with the others: it may be forged or damaged."
            )
    return _interpolate(points, 0)
