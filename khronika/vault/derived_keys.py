"""Ed25519 signing keys derived from the organisation key: usable only while the vault is unsealed.

Why: a signing key kept in a file of the data folder is taken with the disk, a backup or a copy of
the folder, and then signs whatever its holder likes: checkpoints for a rewritten ledger
(``ledger/checkpoints.py``), or a partner feed that plants warnings at every partner
(``safety/feed.py``). The organisation private key is wrapped by the root and in memory only after an
unseal (docs/vault.md); each signing key is derived from it with HKDF-SHA256 under a label of its own,
so the keys of different purposes are unrelated, and all of them survive root, KEK and blind-index
rotations (which keep the organisation key).

The public half of each key is kept in a plain file beside the data (it can only check signatures),
so that checking works while the vault is sealed. A private key file from before the vault held the
key is retired on first use: its public half joins a list of retired keys (what it signed still
checks) and the private file is deleted.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from nacl.signing import SigningKey

from khronika.vault import state


def _path(name: str) -> Path:
    return Path(settings.DATA_DIR) / name


class DerivedSigningKey:
    """One purpose's key: ``purpose`` names it in the derivation; the files are named after ``stem``."""

    def __init__(self, purpose: str, stem: str) -> None:
        self.info = f"khronika {purpose} signing key v1".encode()
        self.public_file = f"{stem}.pub"
        self.legacy_file = f"{stem}.key"
        self.retired_file = f"{stem}-retired.pub"

    def signing_key(self) -> SigningKey:
        """The key itself; ``VaultSealed`` while the vault is sealed."""
        seed = HKDF(algorithm=SHA256(), length=32, salt=None, info=self.info).derive(
            state.keys().org_private_key
        )
        key = SigningKey(seed)
        self._retire_legacy_key()
        self._remember_public_key(bytes(key.verify_key).hex())
        return key

    def public_key_hex(self) -> str | None:
        """The current public key: derived while unsealed, else as last remembered (None if never)."""
        if state.is_unsealed():
            return bytes(self.signing_key().verify_key).hex()
        path = _path(self.public_file)
        return path.read_text(encoding="ascii").strip() if path.exists() else None

    def retired_public_keys(self) -> list[str]:
        path = _path(self.retired_file)
        if not path.exists():
            return []
        return [line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]

    def _remember_public_key(self, public_hex: str) -> None:
        path = _path(self.public_file)
        if path.exists() and path.read_text(encoding="ascii").strip() == public_hex:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(public_hex + "\n", encoding="ascii")
        temporary.replace(path)

    def _retire_legacy_key(self) -> None:
        legacy = _path(self.legacy_file)
        if not legacy.exists():
            return
        try:
            seed = bytes.fromhex(legacy.read_text(encoding="ascii").strip())
            public_hex = bytes(SigningKey(seed).verify_key).hex() if len(seed) == 32 else ""
        except (UnicodeDecodeError, ValueError):
            public_hex = ""  # a damaged file signed nothing that could be checked
        if public_hex and public_hex not in self.retired_public_keys():
            with _path(self.retired_file).open("a", encoding="ascii") as handle:
                handle.write(public_hex + "\n")
        legacy.unlink()
