"""The export format: JSON Lines, one record per line, framed by a header and a footer.

JSON Lines rather than one JSON document so that 100,000 incidents stream out and back in with
constant memory, and so that an error can be named by its line number. The footer carries the count
of every record type and a SHA-256 over all preceding lines: a truncated or edited file is refused.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

FORMAT_NAME = "khronika-export"
FORMAT_VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parent / "khronika-export-v1.schema.json"

# The order in which record types appear: everything a line refers to comes before it.
RECORD_TYPES = [
    "term",
    "place",
    "compartment",
    "organisation",
    "person",
    "consent",
    "source",
    "incident",
    "act",
    "information",
    "evidence",
    "custody",
]


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def encode_line(record: dict[str, Any]) -> bytes:
    return (
        json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8") + b"\n"
    )


class RunningDigest:
    """SHA-256 over the lines written or read so far, for the footer."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def update(self, line: bytes) -> None:
        self._hash.update(line)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
