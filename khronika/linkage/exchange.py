"""Linkage between organisations: Bloom-filter encodings (CLKs) of identities, and matching them.

Two groups that may not show each other names find the people both have documented. Each encodes
its own list under a secret the two agreed for this one exchange (``new_secret``), sends the encoded
file on, and a matcher (``match``) pairs the encodings that are alike. The matcher learns how many
people the lists share and which pseudonyms pair up; only the group that made a pseudonym can turn it
back into its own record, through a mapping file that never leaves it.

What is encoded: the same keys the deduplication model compares (``normalise``): the phonetic Latin
skeleton of the family name and patronymic, the full names a given name may stand for (Саша →
aleksandr, aleksandra), the birth year (close years overlap), birth month and day when known, the
ISO 3166-2 region and the town, and the year, month and day of the incident. So «Матвей Щербаков» in
one list and "Matvey Shcherbakov" in the other produce nearly the same encoding. Each record gets
six filters, one per group of fields (family name, given names, patronymic, birth, place,
incident; ``_GROUPS``), through keyed BLAKE2b (clkhash's ``blakeHash``), every group under keys of
its own. The matcher scores a pair group by group (``exchange_scoring``): a field one list does not
know stays neutral, a field that disagrees counts against the pair. Format 1 (one composite filter,
one Dice similarity) could not tell the two apart and is refused (``OldFormat``).

Threat (docs/linkage.md, "What an attacker holding an encoded file can learn"): a Bloom filter of
names is open to frequency attacks (Christen et al. 2017, Vidanage et al. 2020): common names set
common bit patterns, and a filter holding one field alone (here the family name, the given names,
the patronymic) is more open to them than one composite filter: equal names give equal filters,
which can be counted. Answered by a fresh 160-bit secret per exchange (files of two exchanges
cannot be compared or pooled, and without the secret no name can be encoded to test), keys of
their own for every group, a fixed number of bits per name whatever its length
(``bitsPerFeature``), XOR folding (Schnell et al. 2016), records shuffled and given random
pseudonyms, a matcher who does not hold the secret, and deletion of the files after matching. No
Django here: the exchange runs anywhere.
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from bitarray import bitarray
from clkhash import clk as clkhash_clk  # type: ignore[import-untyped]  # no stubs, no py.typed
from clkhash import schema as clkhash_schema
from clkhash.key_derivation import hkdf  # type: ignore[import-untyped]

from khronika.linkage import exchange_scoring, normalise
from khronika.linkage.types import PersonRecord

FORMAT = "khronika-linkage-clk"
FORMAT_VERSION = 3
"""3: the incident's year encoded apart from its month; 2: one filter per group of fields, scored
field by field; 1: one composite filter, Dice."""
SCHEMA_ID = "khronika-person-v3"
SECRET_BYTES = 20
"""160 bits: far beyond guessing, and 32 characters to read out (8 groups of 4)."""
DEFAULT_THRESHOLD = 0.5
"""Pairs more likely than not to be one person are reported (``exchange_scoring.assign``): on
generated lists of 100,000 persons this gave precision 0.978 and recall 0.965, where 0.3 gave 0.961
and 0.972 (docs/linkage.md)."""
XOR_FOLDS = 1
_CHECK_INFO = b"khronika linkage check value v1"
_MAX_GIVEN_NAMES = 3
_DAY_ZERO = dt.date(1900, 1, 1)
"""Incident days are encoded as days since this date, so that neighbouring days share tokens."""


class ExchangeError(Exception):
    """Something a person must put right before the exchange can go on."""


class MalformedFile(ExchangeError):
    """The file is not an encoded file of this format (damaged, cut off, or another kind of file)."""


class OldFormat(MalformedFile):
    """A file an earlier version of Khronika encoded: its filters cannot be scored field by field."""

    def __init__(self, version: int) -> None:
        super().__init__(
            f"it was encoded by an older version of Khronika (format version {version}); both "
            "organisations must encode their lists again with this version"
        )
        self.version = version


class SchemaMismatch(ExchangeError):
    """The two files were encoded with different schemas or parameters: they cannot be compared."""


class WrongSecret(ExchangeError):
    """The two files were encoded under different secrets (a typing slip, or another exchange's)."""


# The secret --------------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh secret for one exchange, in base32 groups of four letters to read out or copy.

    Threat: a secret reused across exchanges lets anyone holding files of both compare them; a
    guessable one lets the holder of a file encode guesses. Made from the operating system's CSPRNG,
    shown once, never stored.
    """
    text = base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_secret(text: str) -> bytes:
    """The secret's bytes from its written form; spaces, dashes and letter case do not matter."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(cleaned)
    except (binascii.Error, ValueError):
        raise ExchangeError(
            "The secret is not written correctly: it is 8 groups of 4 letters and digits."
        ) from None
    if len(raw) != SECRET_BYTES:
        raise ExchangeError("The secret is not written correctly: it is 8 groups of 4 letters and digits.")
    return raw


def check_value(secret: bytes, schema: dict[str, Any]) -> str:
    """A keyed check of the secret and schema, written in the file's header.

    Two files with equal check values were made under the same secret and schema; the value reveals
    nothing of the secret (HMAC under a key derived with its own HKDF label, separate from the
    encoding keys), and guessing the secret from it is hopeless at 160 bits.
    """
    (key,) = hkdf(secret, 1, info=_CHECK_INFO, key_size=32)
    message = json.dumps(schema, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


# The schema --------------------------------------------------------------------------------------


def _ngram(field: str, bits: int) -> dict[str, Any]:
    # bitsPerFeature: the same number of bits whatever the length of the name, so the count of set
    # bits does not tell a long name from a short one.
    return {
        "identifier": field,
        "format": {"type": "string", "encoding": "utf-8"},
        "hashing": {
            "comparison": {"type": "ngram", "n": 2},
            "strategy": {"bitsPerFeature": bits},
            "hash": {"type": "blakeHash"},
        },
    }


def _exact(field: str, bits: int) -> dict[str, Any]:
    return {
        "identifier": field,
        "format": {"type": "string", "encoding": "utf-8"},
        "hashing": {
            "comparison": {"type": "exact"},
            "strategy": {"bitsPerToken": bits},
            "hash": {"type": "blakeHash"},
        },
    }


def _numeric(field: str, bits: int) -> dict[str, Any]:
    # Neighbouring values share tokens (within 2: a year apart, or a date one source shifted by a
    # day or two), so close values agree in part rather than not at all.
    return {
        "identifier": field,
        "format": {"type": "integer"},
        "hashing": {
            "comparison": {"type": "numeric", "thresholdDistance": 2, "resolution": 2},
            "strategy": {"bitsPerToken": bits},
            "hash": {"type": "blakeHash"},
            "missingValue": {"sentinel": ""},
        },
    }


@dataclass(frozen=True)
class _Group:
    """One Bloom filter per record: its name, its length in bits and the fields it encodes."""

    name: str
    bits: int
    features: tuple[dict[str, Any], ...]
    keys: tuple[int, ...]  # positions in ``identity_keys``


# Lengths: name filters about a sixth to a quarter full, so that two different names rarely share
# many bits by chance (a quarter of them, at a third full, blurred a typo into a different name); a
# full incident date fills about a third of its filter.
_GROUPS = (
    _Group("family", 512, (_ngram("family_name", 120),), (0,)),
    _Group("given", 512, (_ngram("given_names", 120),), (1,)),
    _Group("patronymic", 512, (_ngram("patronymic", 100),), (2,)),
    _Group(
        "birth",
        1024,
        (_numeric("birth_year", 40), _exact("birth_month", 60), _exact("birth_day", 100)),
        (3, 4, 5),
    ),
    _Group("place", 512, (_exact("region", 60), _exact("town", 40)), (6, 7)),
    # The year, month and day of the incident: two groups documenting one detention mostly agree on
    # them, and they tell apart the many namesakes that names, birth and place leave together. Each
    # is encoded only as far as the source knew it, so "2020" sits inside "2020-05-14" rather than
    # disagreeing with it.
    _Group(
        "incident",
        512,
        (_exact("incident_year", 40), _exact("incident_month", 60), _numeric("incident_day", 16)),
        (8, 9, 10),
    ),
)


def _group_schema(group: _Group) -> dict[str, Any]:
    return {
        "version": 3,
        "clkConfig": {
            "l": group.bits,
            "xor_folds": XOR_FOLDS,
            "kdf": {
                "type": "HKDF",
                "hash": "SHA256",
                # Public, fixed: the per-exchange secret is the key material; the salt only separates
                # Khronika's keys from any other use of the same secret, and the info label gives
                # every group (and so every field) keys of its own.
                "salt": base64.b64encode(b"khronika-linkage-" + SCHEMA_ID.encode()).decode("ascii"),
                "info": base64.b64encode(b"khronika person clk " + group.name.encode()).decode("ascii"),
                "keySize": 64,
            },
        },
        "features": copy.deepcopy(list(group.features)),  # clkhash alters what it is given
    }


_SCHEMA: dict[str, Any] = {"groups": [{"name": g.name, "clk": _group_schema(g)} for g in _GROUPS]}


def schema() -> dict[str, Any]:
    """The layout of this format, as written into every file's header: one clkhash (v3) schema per
    group of fields, in the order the filters follow each other on a line."""
    return copy.deepcopy(_SCHEMA)


def group_widths(layout: dict[str, Any]) -> list[tuple[str, int]]:
    """(group name, bytes) of each filter on a line, from a header's schema; ``MalformedFile`` if
    the schema is not one of this format."""
    try:
        groups = layout["groups"]
        widths = []
        for group in groups:
            parsed = clkhash_schema.from_json_dict(copy.deepcopy(group["clk"]))
            widths.append((str(group["name"]), parsed.l // 8))
    except (clkhash_schema.SchemaError, KeyError, TypeError, ValueError):
        raise MalformedFile("the schema in the header is not valid") from None
    if [name for name, _ in widths] != list(exchange_scoring.EVIDENCE_CUTS):
        raise MalformedFile("the schema in the header is not valid")
    return widths


def identity_keys(record: PersonRecord) -> tuple[str, ...]:
    """The normalised values encoded for one person, in the schema's order; "" where unknown.

    The same keys as ``model.features``, so that spellings the dedupe model treats as one person
    are one person here too; an incident known only to the year is a year here, where the model's
    ``incident_month`` (a blocking key only) still reads it as January. Dates a source wrote
    wrongly count as unknown rather than stopping the export of a whole list.
    """
    given, family = normalise.order_names(record.given_name, record.family_name)
    group = normalise.given_name_group(given)[:_MAX_GIVEN_NAMES]
    try:
        incident = normalise.parse_partial_date(record.incident_date)
    except ValueError:
        incident = None
    try:
        born = normalise.parse_partial_date(record.birth_date)
    except ValueError:
        born = None
    birth = normalise.birth_range(born, record.age, incident)
    birth_year = birth_month = birth_day = ""
    if birth is not None:
        birth_year = str(birth.first.year + (birth.last - birth.first).days // 730)
        if birth.precision in ("day", "month"):
            birth_month = birth.first.strftime("%Y-%m")
        if birth.precision == "day":
            birth_day = birth.first.isoformat()
    place = normalise.resolve_place(record.region, record.town)
    return (
        normalise.skeleton(family),
        " ".join(group),
        normalise.skeleton(record.patronymic),
        birth_year,
        birth_month,
        birth_day,
        place.region,
        place.town,
        str(incident.first.year) if incident is not None else "",
        incident.first.strftime("%Y-%m") if incident is not None and incident.precision != "year" else "",
        str((incident.first - _DAY_ZERO).days)
        if incident is not None and incident.precision == "day"
        else "",
    )


# Encoding ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedList:
    """One organisation's encoded list: header values and (pseudonym, CLK) pairs in random order."""

    schema: dict[str, Any]
    check: str
    entries: list[tuple[str, bitarray]]


def encode(
    records: Sequence[PersonRecord], secret: bytes, workers: int = 1
) -> tuple[EncodedList, dict[str, str]]:
    """The encoded list, and the mapping from each fresh pseudonym to the caller's record id.

    Pseudonyms are random per exchange (never a record id or a Khronika pseudonym, which a partner
    could recognise from an earlier exchange), and the order is shuffled so that it does not follow
    the input (sorted by date of entry, say). The mapping is the caller's to keep and protect.
    """
    layout = schema()
    try:
        keys = [identity_keys(record) for record in records]
    finally:
        normalise.forget()  # the caches hold names: do not keep them in a long-lived process
    clks = [bitarray() for _ in records]
    for group in _GROUPS:
        parsed = clkhash_schema.from_json_dict(_group_schema(group))  # a copy: clkhash alters it
        values = [tuple(key[i] for i in group.keys) for key in keys]
        for joined, part in zip(
            clks,
            clkhash_clk.generate_clks(values, parsed, secret, validate=False, max_workers=workers),
            strict=True,
        ):
            joined.extend(part)
    pseudonyms: set[str] = set()
    mapping: dict[str, str] = {}
    entries: list[tuple[str, bitarray]] = []
    for record, clk in zip(records, clks, strict=True):
        pseudonym = secrets.token_hex(8)
        while pseudonym in pseudonyms:  # 64 bits: a repeat is all but impossible, but cheap to rule out
            pseudonym = secrets.token_hex(8)
        pseudonyms.add(pseudonym)
        mapping[pseudonym] = record.record_id
        entries.append((pseudonym, clk))
    random.SystemRandom().shuffle(entries)
    return EncodedList(layout, check_value(secret, layout), entries), mapping


# Files -------------------------------------------------------------------------------------------


def _create_private(path: Path) -> int:
    """Open a new file readable by its owner only; refuse to follow or replace an existing one."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)


def write_encoded(path: Path, encoded: EncodedList) -> None:
    """The encoded file: a JSON header (format, schema, check value, count) then one record a line.

    No secret, no record id and no name is written; see docs/data-format.md.
    """
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "schema_id": SCHEMA_ID,
        "schema": encoded.schema,
        "check": encoded.check,
        "count": len(encoded.entries),
    }
    with os.fdopen(_create_private(path), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(header, sort_keys=True) + "\n")
        for pseudonym, clk in encoded.entries:
            handle.write(f"{pseudonym} {base64.b64encode(clk.tobytes()).decode('ascii')}\n")


def read_encoded(path: Path) -> EncodedList:
    """Read and check an encoded file; ``MalformedFile`` says what is wrong with it."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline()
            try:
                header = json.loads(first)
            except json.JSONDecodeError:
                raise MalformedFile("the first line is not the header") from None
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise MalformedFile("it is not a Khronika encoded file")
            version = header.get("version")
            if isinstance(version, int) and version < FORMAT_VERSION:
                raise OldFormat(version)
            if version != FORMAT_VERSION:
                raise MalformedFile(f"format version {version} is not supported")
            layout, check, count = header.get("schema"), header.get("check"), header.get("count")
            if not isinstance(layout, dict) or not isinstance(check, str) or not isinstance(count, int):
                raise MalformedFile("the header is incomplete")
            size = sum(width for _, width in group_widths(layout))
            entries: list[tuple[str, bitarray]] = []
            seen: set[str] = set()
            for number, line in enumerate(handle, start=2):
                parts = line.split()
                if len(parts) != 2 or parts[0] in seen:
                    raise MalformedFile(f"line {number} is damaged")
                try:
                    raw = base64.b64decode(parts[1], validate=True)
                except binascii.Error:
                    raise MalformedFile(f"line {number} is damaged") from None
                if len(raw) != size:
                    raise MalformedFile(f"line {number} has an encoding of the wrong length")
                clk = bitarray()
                clk.frombytes(raw)
                seen.add(parts[0])
                entries.append((parts[0], clk))
    except UnicodeDecodeError:
        raise MalformedFile("it is not text") from None
    if len(entries) != count:
        raise MalformedFile(f"the header announces {count} records but the file holds {len(entries)}")
    return EncodedList(layout, check, entries)


def write_mapping(path: Path, mapping: dict[str, str]) -> None:
    """``pseudonym,record_id`` for the organisation's own use, owner-readable only (mode 0600).

    Threat: this file turns the matcher's pairs back into our records. It never leaves the
    organisation, lives on encrypted storage, and is deleted once the pairs have been read.
    """
    with os.fdopen(_create_private(path), "w", encoding="utf-8") as handle:
        handle.write("pseudonym,record_id\n")
        for pseudonym, record_id in sorted(mapping.items()):
            handle.write(f"{pseudonym},{_csv_cell(record_id)}\n")


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def delete_file(path: Path) -> None:
    """Overwrite a file with zeros, then remove it.

    Threat: an encoded file left on a disk can be attacked later. Overwriting is best effort: on
    SSDs and journaling or copy-on-write file systems old blocks may survive, which is why the
    documentation asks for the files to live on encrypted storage as well.
    """
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(b"\0" * size)
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


# Matching ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchedPair:
    """A person both lists hold, as the two sides' pseudonyms, with the probability of the pair."""

    pseudonym_a: str
    pseudonym_b: str
    probability: float


def check_compatible(first: EncodedList, second: EncodedList) -> None:
    """Refuse two files that cannot be compared, saying why."""
    if first.schema != second.schema:
        raise SchemaMismatch("the two files were encoded with different schemas or settings")
    if not hmac.compare_digest(first.check, second.check):
        raise WrongSecret("the two files were encoded under different secrets")


def filters_by_group(encoded: EncodedList) -> exchange_scoring.Side:
    """The file's filters as one array per group, for ``exchange_scoring``."""
    widths = group_widths(encoded.schema)
    size = sum(width for _, width in widths)
    filters = np.frombuffer(b"".join(clk.tobytes() for _, clk in encoded.entries), dtype=np.uint8)
    return exchange_scoring.Side.of(exchange_scoring.split_groups(filters.reshape(-1, size), widths))


def match(first: EncodedList, second: EncodedList, threshold: float = DEFAULT_THRESHOLD) -> list[MatchedPair]:
    """The pairs of records that are one person, at most one partner per record.

    Each pair is scored group by group (names, birth, place, incident: ``exchange_scoring``), so a
    field one side does not know stays neutral while a field that disagrees counts against the
    pair; a record whose best candidates are about equally good is left out rather than guessed.
    """
    check_compatible(first, second)
    if not 0 < threshold <= 1:
        raise ExchangeError("The threshold is a number above 0 and at most 1.")
    if not first.entries or not second.entries:
        return []
    rows_a, rows_b, probability = exchange_scoring.match_filters(
        filters_by_group(first), filters_by_group(second), threshold
    )
    pairs = [
        MatchedPair(first.entries[a][0], second.entries[b][0], round(float(p), 4))
        for a, b, p in zip(rows_a.tolist(), rows_b.tolist(), probability.tolist(), strict=True)
    ]
    pairs.sort(key=lambda pair: (-pair.probability, pair.pseudonym_a))
    return pairs


def write_pairs(path: Path, pairs: Sequence[MatchedPair]) -> None:
    """``pseudonym_a,pseudonym_b,match_probability``: the pairs file both organisations receive."""
    with os.fdopen(_create_private(path), "w", encoding="utf-8") as handle:
        handle.write("pseudonym_a,pseudonym_b,match_probability\n")
        for pair in pairs:
            handle.write(f"{pair.pseudonym_a},{pair.pseudonym_b},{pair.probability:.4f}\n")
