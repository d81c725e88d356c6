#!/usr/bin/env python3
"""Check a Khronika evidence bundle: the files, the manifest, the ledger extract and its signed checkpoint.

Usage:  python3 verify_bundle.py [BUNDLE_FOLDER] [--public-key HEX]

It prints OK and exits 0 when everything holds; otherwise it prints each failure and exits 1.

1. Every file still has the SHA-256 the organisation took when the file arrived.
2. The ledger extract (ledger.jsonl) is an unbroken hash chain ending at the signed checkpoint, so none of
   its entries -- including who received and exported these files and when -- changed after signing.
3. The checkpoint (checkpoint.json) carries a valid Ed25519 signature. Compare its public key with the
   one the organisation published elsewhere, or pass that key with --public-key to have it compared.
4. manifest.json is the one recorded in the ledger at export: its SHA-256 is the id of the ledger entry
   "bundle evidence-bundle <hash>".

This file uses ONLY Python's standard library, on purpose: a court, a UN body or an opposing expert may
have nothing but a plain Python and must be able to read every line that decides the result. That is why
it carries its own small Ed25519 signature check, written after RFC 8032 (section 6) instead of importing
a cryptography package. It only verifies, handles public data and needs no protection against timing.
It mirrors khronika/ledger/chain.py and khronika/ledger/proof.py of the Khronika source.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path, PurePosixPath
from typing import Any

BUNDLE_FORMAT = "khronika-evidence-bundle-v1"
CHECKPOINT_KIND = "khronika-ledger-checkpoint-v1"
BUNDLE_OBJECT_TYPE = "evidence-bundle"
GENESIS_HASH = "0" * 64

# --- Ed25519 signature verification after RFC 8032, section 6 -----------------------------------------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493  # the group order ("q" in RFC 8032's code)
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = tuple[int, int, int, int]  # extended homogeneous coordinates (X, Y, Z, T)


def _point_add(a: Point, b: Point) -> Point:
    pa = (a[1] - a[0]) * (b[1] - b[0]) % _P
    pb = (a[1] + a[0]) * (b[1] + b[0]) % _P
    pc = 2 * a[3] * b[3] * _D % _P
    pd = 2 * a[2] * b[2] % _P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _point_mul(scalar: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)  # the neutral element
    while scalar > 0:
        if scalar & 1:
            result = _point_add(result, point)
        point = _point_add(point, point)
        scalar >>= 1
    return result


def _point_equal(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _point_decompress(data: bytes) -> Point | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_BASE: Point = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True if ``signature`` is ``public_key``'s Ed25519 signature of ``message`` (RFC 8032, 5.1.7)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _point_decompress(public_key)
    r = _point_decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _L
    return _point_equal(_point_mul(s, _BASE), _point_add(r, _point_mul(h, a)))


# --- The ledger's encodings (mirrors khronika/ledger/chain.py and proof.py) ----------------------------


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def checkpoint_message(seq: int, entry_hash: str, at: str) -> bytes:
    return canonical_json({"kind": CHECKPOINT_KIND, "seq": seq, "entry_hash": entry_hash, "at": at})


def entry_digest(
    seq: int, at: str, actor: str, action: str, object_type: str, object_id: str, prev_hash: str
) -> str:
    payload = json.dumps(
        [seq, at, actor, action, object_type, object_id, prev_hash], ensure_ascii=True, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


# --- The checks -----------------------------------------------------------------------------------------


def check_files(folder: Path, manifest: dict[str, Any]) -> list[str]:
    problems = []
    for item in manifest["files"]:
        name = str(item.get("path", ""))
        relative = PurePosixPath(name)
        if not name or relative.is_absolute() or ".." in relative.parts:
            problems.append(f"manifest.json names a file outside the bundle: {name!r}")
            continue
        path = folder.joinpath(*relative.parts)
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        actual = digest.hexdigest()
        if actual != item.get("sha256_on_arrival"):
            problems.append(
                f"{name} does not match the SHA-256 taken when it arrived "
                f"(now {actual}, on arrival {item.get('sha256_on_arrival')})"
            )
        elif actual != item.get("sha256_at_export"):
            problems.append(f"{name}: manifest.json gives a different SHA-256 at export than on arrival")
    listed = {str(item.get("path", "")) for item in manifest["files"]}
    if (folder / "files").is_dir():
        for path in sorted((folder / "files").rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name not in listed:
                problems.append(f"{name} was added: manifest.json does not list it")
    return problems


def read_checkpoint(data: Any) -> tuple[dict[str, Any] | None, list[str]]:
    fields = ("seq", "entry_hash", "at", "public_key", "signature")
    if (
        not isinstance(data, dict)
        or data.get("kind") != CHECKPOINT_KIND
        or not all(f in data for f in fields)
    ):
        return None, ["checkpoint.json is not a Khronika ledger checkpoint"]
    try:
        public_key, signature = bytes.fromhex(data["public_key"]), bytes.fromhex(data["signature"])
        message = checkpoint_message(data["seq"], data["entry_hash"], data["at"])
    except (TypeError, ValueError):
        return None, ["checkpoint.json is malformed"]
    if not ed25519_verify(public_key, message, signature):
        return None, ["checkpoint.json: the signature is not valid (the checkpoint was altered or forged)"]
    return data, []


def check_chain(entries: list[dict[str, Any]], checkpoint: dict[str, Any]) -> list[str]:
    """The extract must be consecutive entries, each hashing to its recorded hash, linked, ending at the
    checkpoint: then the checkpoint's signature vouches for every one of them."""
    if not entries:
        return ["ledger.jsonl is empty"]
    prev = GENESIS_HASH if entries[0].get("seq") == 1 else None
    expected = entries[0].get("seq")
    for entry in entries:
        seq = entry.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            return ["ledger.jsonl: an entry has no valid number"]
        if seq != expected:
            return [f"ledger entry {expected} is missing or out of order"]
        try:
            digest = entry_digest(
                seq,
                entry["at"],
                entry["actor"],
                entry["action"],
                entry["object_type"],
                entry["object_id"],
                entry["prev_hash"],
            )
        except KeyError:
            return [f"ledger entry {seq} is incomplete"]
        if prev is not None and entry["prev_hash"] != prev:
            return [f"ledger entry {seq} does not point to the entry before it"]
        if digest != entry.get("entry_hash"):
            return [f"ledger entry {seq} was changed after it was written"]
        prev, expected = digest, seq + 1
    if entries[-1]["seq"] != checkpoint["seq"] or entries[-1]["entry_hash"] != checkpoint["entry_hash"]:
        return [f"ledger.jsonl does not end at the signed checkpoint (entry {checkpoint['seq']})"]
    return []


def check_manifest_recorded(manifest_bytes: bytes, entries: list[dict[str, Any]]) -> list[str]:
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    for entry in entries:
        if entry.get("object_type") == BUNDLE_OBJECT_TYPE and entry.get("object_id") == digest:
            return []
    return ["manifest.json is not the one recorded in the ledger at export: it was changed afterwards"]


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def verify(folder: Path, pinned_key: str | None = None) -> tuple[list[str], list[str]]:
    """Return (what was checked, what failed)."""
    try:
        manifest_bytes = (folder / "manifest.json").read_bytes()
        manifest = json.loads(manifest_bytes)
        checkpoint_data = _load_json(folder / "checkpoint.json")
        lines = (folder / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
        entries = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        return [], [f"the bundle is incomplete or unreadable: {exc}"]
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        return [], ["manifest.json is not a Khronika evidence bundle manifest"]
    if not all(isinstance(entry, dict) for entry in entries):
        return [], ["ledger.jsonl is malformed"]
    files, objects_listed = manifest.get("files"), manifest.get("ledger_objects")
    if not isinstance(files, list) or not isinstance(objects_listed, list):
        return [], ["manifest.json is malformed"]
    if not all(isinstance(item, dict) for item in files + objects_listed):
        return [], ["manifest.json is malformed"]

    problems = check_files(folder, manifest)
    checkpoint, checkpoint_problems = read_checkpoint(checkpoint_data)
    problems += checkpoint_problems
    if checkpoint is not None:
        if pinned_key and checkpoint["public_key"] != pinned_key.strip().lower():
            problems.append("checkpoint.json was signed by another key than the one given with --public-key")
        problems += check_chain(entries, checkpoint)
    problems += check_manifest_recorded(manifest_bytes, entries)

    if checkpoint is None:
        return [], problems
    objects = {(o.get("type"), o.get("id")) for o in objects_listed}
    concerning = [e for e in entries if (e.get("object_type"), e.get("object_id")) in objects]
    checked = [
        f"{len(files)} files match their SHA-256 taken on arrival",
        f"{len(entries)} ledger entries chain to the checkpoint of entry {checkpoint['seq']} "
        f"signed at {checkpoint['at']}; {len(concerning)} of them concern these records",
        f"signed with the public key {checkpoint['public_key']}"
        + ("" if pinned_key else ": compare it with the key the organisation published"),
    ]
    return checked, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a Khronika evidence bundle.")
    parser.add_argument("folder", nargs="?", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--public-key", help="the organisation's published checkpoint key (hex)")
    args = parser.parse_args(argv)
    checked, problems = verify(args.folder, args.public_key)
    if problems:
        for problem in problems:
            print(f"FAILED: {problem}")
        return 1
    print("OK")
    for line in checked:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
