"""Blind indexes of persons: exact lookups by name, phone number or account handle on encrypted data.

Threat model 1: names, contacts and handles are encrypted per row, so the database cannot search them.
For each person we store keyed hashes (``PersonBlindIndex``) of the normalized values, computed with
the blind-index key that only an unsealed instance holds (khronika.vault.crypto, docs/vault.md). A
lookup hashes what was typed the same way and compares digests: the database never sees the value.

``index_persons`` is the single place that writes them: ``Person.save`` (through the ``post_save``
signal connected in ``RecordsConfig.ready``), the demo generator and the exchange importer (which write
with ``bulk_create``/``insert_rows`` and send no signals) all call it, and so can a blind-index key
rotation (reindex every person).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from django.db import transaction
from django.db.models import QuerySet

from khronika.accounts.access import visible
from khronika.accounts.roles import Capability, has_capability
from khronika.bulk import insert_rows
from khronika.records.models.people import Person, PersonBlindIndex
from khronika.vault import state
from khronika.vault.crypto import (
    Domain,
    blind_index,
    handle_index,
    normalize_person_name,
    person_name_index,
    phone_index,
)

Kind = PersonBlindIndex.Kind

# Handles are indexed twice: with their platform ("telegram:ivan_k"), and under this pseudo-platform so
# that "@ivan_k" typed without a platform still finds the account. Same HMAC domain, different prefix:
# the two never match each other by accident.
ANY_PLATFORM = "any"

# Sequences that may be a phone number inside free text ("тел. 8 (900) 123-45-67, e-mail ...").
_PHONE_CANDIDATE = re.compile(r"\+?\d[\d\s().\-\u2010-\u2015]{6,22}\d")
# Profile links name their platform by host.
_HOST_PLATFORMS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "vk.com": "vk",
    "m.vk.com": "vk",
    "instagram.com": "instagram",
    "www.instagram.com": "instagram",
    "ok.ru": "ok",
    "facebook.com": "facebook",
    "www.facebook.com": "facebook",
    "x.com": "x",
    "twitter.com": "x",
    "tiktok.com": "tiktok",
    "www.tiktok.com": "tiktok",
}
_NAME_FIELDS = ("given_name", "family_name", "patronymic", "name_latin")


def _name_variants(person: Any) -> Iterator[str]:
    """Every name field whole, each word of it, each alias line, and the usual orders of the full name,
    in the script each was given in (matching across scripts is the linkage app's job)."""
    given, family, patronymic = person.given_name, person.family_name, person.patronymic
    values = [str(getattr(person, name) or "") for name in _NAME_FIELDS]
    values += re.split(r"[\n;,]", str(person.aliases or ""))
    for value in values:
        yield value
        yield from value.split()
    yield f"{family} {given}"
    yield f"{given} {family}"
    yield f"{given} {patronymic}"
    yield f"{family} {given} {patronymic}"
    yield f"{given} {patronymic} {family}"


def _phones(contacts: str) -> Iterator[str]:
    for match in _PHONE_CANDIDATE.finditer(contacts):
        yield match.group(0)


def _handle_lines(handles: str) -> Iterator[tuple[str, str]]:
    """(platform, handle) pairs from "one per line: platform and handle"; platform "" when not given."""
    for raw_line in handles.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        link = re.match(r"^(?:[a-z]+://)?([a-z0-9.-]+\.[a-z]{2,})/(\S+)$", line, flags=re.IGNORECASE)
        if link:
            yield _HOST_PLATFORMS.get(link.group(1).casefold(), ""), link.group(2)
            continue
        parts = re.split(r"[\s:]+", line, maxsplit=1)
        if len(parts) == 2 and parts[1]:
            yield parts[0], parts[1]
        else:
            yield "", parts[0]


def _safely(compute: Any, *args: str) -> str | None:
    """A digest, or None for a value the normalizer refuses (no letters, a placeholder number...)."""
    try:
        return str(compute(*args))
    except ValueError:
        return None


class NameDigests:
    """Blind indexes of names under one key, each name computed once.

    For callers indexing many persons in one go (``index_persons``): common names then cost one
    normalization and one HMAC for everyone who shares them. Every digest is still the keyed HMAC of the
    normalized name under ``key``; what is kept are digests, which the database stores anyway, and only
    as long as the caller keeps this object (one ``index_persons`` call).
    """

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._by_name: dict[str, str | None] = {}
        self._by_normalized: dict[str, str] = {}

    def __call__(self, name: str) -> str | None:
        """The digest of ``name`` as written, or None when it has nothing to index."""
        try:
            return self._by_name[name]
        except KeyError:
            pass
        digest = None
        normalized = _safely(normalize_person_name, name) if name.strip() else None
        if normalized:
            # Normalized first, so that the many spellings of one name cost one HMAC.
            digest = self._by_normalized.get(normalized)
            if digest is None:
                digest = blind_index(self.key, Domain.PERSON_NAME, normalized)
                self._by_normalized[normalized] = digest
        self._by_name[name] = digest
        return digest


def person_digests(person: Any, key: bytes, names: NameDigests | None = None) -> set[tuple[str, str]]:
    """The (kind, digest) pairs that should point at ``person``; ``names`` may carry name digests
    already computed under the same ``key`` for other persons."""
    if names is None:
        names = NameDigests(key)
    elif not hmac.compare_digest(names.key, key):
        raise ValueError("These name digests were computed under another blind-index key.")
    digests: set[tuple[str, str | None]] = {(Kind.NAME, names(name)) for name in _name_variants(person)}
    for phone in _phones(str(person.contacts or "")):
        digests.add((Kind.PHONE, _safely(lambda v: phone_index(key, v), phone)))
    for platform, handle in _handle_lines(str(person.handles or "")):
        if platform:
            digests.add((Kind.HANDLE, _safely(lambda p, h: handle_index(key, p, h), platform, handle)))
        digests.add((Kind.HANDLE, _safely(lambda h: handle_index(key, ANY_PLATFORM, h), handle)))
    return {(kind, digest) for kind, digest in digests if digest}


class PersonValues(Protocol):
    """What ``index_persons`` reads of a person: a ``Person`` with its clear values at hand, or any
    object with the same attributes (the demo generator's rows)."""

    @property
    def pk(self) -> Any: ...

    given_name: Any
    family_name: Any
    patronymic: Any
    name_latin: Any
    aliases: Any
    contacts: Any
    handles: Any


def index_persons(persons: Iterable[Person] | Iterable[PersonValues], *, replace: bool = True) -> int:
    """Replace the blind indexes of ``persons`` (instances with their clear values at hand, e.g. just
    saved or bulk-created). Needs an unsealed vault. Returns the number of index rows written.

    ``replace=False`` is for persons inserted in the same transaction just before (the demo generator,
    bulk imports): they have no indexes yet, so there is nothing to delete first.
    """
    ids: list[Any] = []
    rows: list[tuple[Any, str, str]] = []
    names: NameDigests | None = None  # this call only: dropped with the key it was made under
    fields = (*_NAME_FIELDS, "aliases", "contacts", "handles")
    for person in persons:
        ids.append(person.pk)
        if not any(getattr(person, name) for name in fields):
            continue  # nothing to index, and a person saved empty while sealed must not fail
        names = names or NameDigests(state.keys().blind_index_key)
        rows.extend(
            (person.pk, kind, digest) for kind, digest in sorted(person_digests(person, names.key, names))
        )
    with transaction.atomic():
        if replace:
            PersonBlindIndex.objects.filter(person_id__in=ids).delete()
        # In the order of the unique (person, kind, digest) index: consecutive inserts land on the same
        # index pages instead of random ones, which matters once the index outgrows the page cache.
        rows.sort()
        return insert_rows(PersonBlindIndex, ("person_id", "kind", "digest"), rows)


def reindex_all_persons(batch_size: int) -> int:
    """Recompute every person's blind indexes (a blind-index key rotation, ``vault.rotation``)."""
    from khronika.vault.rotation import batches

    return sum(index_persons(batch) for batch in batches(Person._base_manager, batch_size))


def identifier_digests(text: str, key: bytes) -> set[str]:
    """Every digest that ``text`` typed in a search box could mean: a name, a phone number or a handle
    (with a platform as "telegram @name" or a profile link, or alone as "@name")."""
    text = text.strip()
    candidates = {
        _safely(lambda v: person_name_index(key, v), text),
        _safely(lambda v: phone_index(key, v), text),
    }
    for platform, handle in _handle_lines(text):
        if platform:
            candidates.add(_safely(lambda p, h: handle_index(key, p, h), platform, handle))
        else:
            candidates.add(_safely(lambda h: handle_index(key, ANY_PLATFORM, h), handle))
    return {digest for digest in candidates if digest}


def find_persons_by_identifier(user: Any, text: str) -> QuerySet[Person]:
    """Persons in ``user``'s compartments whose name, phone number or handle is exactly ``text``.

    Only for those who may reveal identities: for anyone else a match would itself reveal one (that a
    typed phone number belongs to a documented person).
    """
    if not text.strip() or not has_capability(user, Capability.REVEAL_IDENTITY):
        return Person.objects.none()
    digests = identifier_digests(text, state.keys().blind_index_key)
    if not digests:
        return Person.objects.none()
    matching = PersonBlindIndex.objects.filter(digest__in=digests).values("person_id")
    return visible(Person.objects.filter(pk__in=matching), user)


def reindex_saved_person(sender: Any, instance: Person, raw: bool = False, **kwargs: Any) -> None:
    """``post_save`` receiver: a saved person's indexes follow its current values."""
    if raw:  # loaddata: fixtures carry no clear values to index
        return
    index_persons([instance])
