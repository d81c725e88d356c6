"""Argon2id: from an operator's passphrase to a 32-byte passphrase key.

Threat: a seized disk or backup holds the keyring, so an attacker can guess passphrases offline as
fast as their hardware allows. Argon2id is memory-hard, which makes each guess cost hundreds of MiB
of RAM and so blunts GPU/ASIC farms. The parameters are stored beside the salt (``KdfParams``) so they
can be raised later: ``keys.upgrade_passphrase_slot`` derives again with the new cost and rewraps the
root secret; no record has to be re-encrypted.

The passphrase key does not *become* the root secret: it wraps a random root (see ``keys.py``), so
that trustees' Shamir shares and the passphrase open the same vault, and so that changing the
passphrase or its cost rewraps one small value instead of every record.

Tests never use ``PRODUCTION_COST``: they pass a tiny ``KdfCost`` from a fixture, explicitly.
"""

from __future__ import annotations

import json
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from argon2.low_level import ARGON2_VERSION, Type, hash_secret_raw

KEY_BYTES = 32
SALT_BYTES = 16
ALGORITHM = "argon2id"

# argon2 refuses less than 8 KiB per lane; above 16 GiB a stored parameter is a typo or an attack
# (a tampered keyring that makes unseal exhaust the server's memory).
_MAX_MEMORY_KIB = 16 * 1024 * 1024
_MAX_TIME_COST = 100
_MAX_PARALLELISM = 64


def _check_cost(time_cost: int, memory_kib: int, parallelism: int) -> None:
    if not 1 <= parallelism <= _MAX_PARALLELISM:
        raise ValueError(f"Argon2 parallelism must be between 1 and {_MAX_PARALLELISM}.")
    if not 1 <= time_cost <= _MAX_TIME_COST:
        raise ValueError(f"Argon2 time cost must be between 1 and {_MAX_TIME_COST}.")
    if not 8 * parallelism <= memory_kib <= _MAX_MEMORY_KIB:
        raise ValueError(f"Argon2 memory must be between {8 * parallelism} KiB and {_MAX_MEMORY_KIB} KiB.")


@dataclass(frozen=True)
class KdfCost:
    """How expensive one derivation is. Raise it over the years; ``needs_upgrade`` tells when."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def __post_init__(self) -> None:
        _check_cost(self.time_cost, self.memory_kib, self.parallelism)


# 256 MiB, 3 passes: about a second on a small server, and 256 MiB per guess for an attacker.
# Above OWASP's and RFC 9106's second recommended option (64 MiB, 3 passes) on purpose: our
# adversary is a state with a seized disk and time.
PRODUCTION_COST = KdfCost(time_cost=3, memory_kib=256 * 1024, parallelism=2)


@dataclass(frozen=True)
class KdfParams:
    """Everything needed to derive the same key again, stored in clear beside the wrapped root."""

    salt: bytes
    time_cost: int
    memory_kib: int
    parallelism: int
    version: int = ARGON2_VERSION
    algorithm: str = ALGORITHM

    def __post_init__(self) -> None:
        if self.algorithm != ALGORITHM:
            raise ValueError(f"Unsupported key derivation {self.algorithm!r}; expected {ALGORITHM}.")
        if self.version != ARGON2_VERSION:
            raise ValueError(f"Unsupported Argon2 version {self.version}; expected {ARGON2_VERSION}.")
        if len(self.salt) != SALT_BYTES:
            raise ValueError(f"An Argon2 salt must be {SALT_BYTES} bytes.")
        _check_cost(self.time_cost, self.memory_kib, self.parallelism)

    @classmethod
    def generate(cls, cost: KdfCost = PRODUCTION_COST) -> KdfParams:
        """Fresh parameters with a new random salt (a new salt on every rewrap: no reuse)."""
        return cls(
            salt=secrets.token_bytes(SALT_BYTES),
            time_cost=cost.time_cost,
            memory_kib=cost.memory_kib,
            parallelism=cost.parallelism,
        )

    @property
    def cost(self) -> KdfCost:
        return KdfCost(self.time_cost, self.memory_kib, self.parallelism)

    def needs_upgrade(self, target: KdfCost = PRODUCTION_COST) -> bool:
        """True when any stored cost is below ``target``: time to rewrap with stronger parameters."""
        return (
            self.time_cost < target.time_cost
            or self.memory_kib < target.memory_kib
            or self.parallelism < target.parallelism
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "version": self.version,
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
            "salt": self.salt.hex(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KdfParams:
        try:
            return cls(
                salt=bytes.fromhex(data["salt"]),
                time_cost=int(data["time_cost"]),
                memory_kib=int(data["memory_kib"]),
                parallelism=int(data["parallelism"]),
                version=int(data["version"]),
                algorithm=str(data["algorithm"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError("The stored key derivation parameters are incomplete or damaged.") from exc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        return cls.from_dict(json.loads(text))


def normalize_passphrase(passphrase: str) -> bytes:
    """NFC-normalized UTF-8: the same Cyrillic passphrase typed on another system derives the same key
    (macOS and some input methods produce decomposed "й"). Refuses an empty passphrase."""
    if not passphrase:
        raise ValueError("The passphrase is empty.")
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_passphrase_key(passphrase: str, params: KdfParams) -> bytes:
    """The 32-byte key that wraps the root secret. Slow by design (see ``PRODUCTION_COST``)."""
    return hash_secret_raw(
        secret=normalize_passphrase(passphrase),
        salt=params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
        version=params.version,
    )
