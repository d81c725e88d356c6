"""Field types for identifying and narrative data, encrypted at rest by the vault.

Every model field that holds a name, contact, handle, address, narrative, note or the text of a source
is declared with ``SensitiveCharField`` or ``SensitiveTextField`` on a model that inherits
``VaultRecord``, and nothing else (``records/tests/test_sensitive_fields.py`` lists them). Threat model
1: a raw copy of the database, its WAL or a backup shows only ciphertext.

How it works (envelope encryption, docs/vault.md):
- each row has its own random data key, stored wrapped by the key-encryption key in ``vault_key``;
- the row's non-empty sensitive values are encrypted together, as one ciphertext in ``vault_data``,
  with that data key, bound to the table and the row's ``vault_id``, so it fails to decrypt in
  another row; each sensitive column holds only ``IN_ROW`` (or "" when the value is empty);
- values are decrypted lazily, on first access to any of them, so list pages that show no names
  decrypt nothing;
- an empty value is stored as "" (the emptiness of a field is the one thing a reader of the disk learns).

Why one ciphertext per row rather than one per field: each decryption costs a fixed few microseconds
around the cipher itself (encoding, authentication, the call into libsodium), and a person has up to
eight sensitive fields. One ciphertext per row cut what encryption adds to reading 100,000 people
from 84% of the plain time to 29% (benchmarks/vault_overhead.py, SQLite); storing it as binary and in
AES-256-GCM (``aead.encrypt_record``) brought it to 4%. An attacker learns less too: the padded
length of the row, not of each name. Rows written before this change
hold one ciphertext per column (``kv:…``); they are read as they are and rewritten in the row format
the next time they are saved.

What the ORM cannot do on these fields, and why it fails loudly instead of silently: filtering or
ordering by content (the database holds ciphertext: use blind indexes or the in-memory search index),
and ``QuerySet.update`` / ``bulk_update`` with a non-empty value (those bypass per-row encryption).
"""

from __future__ import annotations

import functools
import json
import uuid
from typing import Any

from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from khronika.vault import state
from khronika.vault.crypto import (
    TamperedCiphertext,
    decrypt_field_bound,
    decrypt_text_bound,
    encrypt_field,
    field_ad,
    from_text,
    new_data_key,
    record_ad_prefix,
    to_text,
    unwrap_data_key,
    wrap_data_key,
)

_DATA_KEY_CACHE = "_vault_data_key"
ROW_FIELD = "vault_data"
IN_ROW = "kr"
"""What a sensitive column holds when its value is non-empty: the value itself is in ``vault_data``."""
_ROW_AD = field_ad(b"", ROW_FIELD)


class Sealed:
    """A value as read from the database, not yet decrypted. Never shows its content by accident."""

    __slots__ = ("stored",)

    def __init__(self, stored: str) -> None:
        self.stored = stored

    def __str__(self) -> str:
        return "[encrypted]"

    __repr__ = __str__


class Ciphertext(str):
    """A value that ``pre_save`` encrypted: the only non-empty text these fields let into the database."""


def record_identity(instance: models.Model) -> tuple[str, str]:
    """What a ciphertext is bound to: the table and the row's permanent ``vault_id``."""
    return instance._meta.db_table, str(instance.vault_id)  # type: ignore[attr-defined]  # VaultRecord


def data_key(instance: models.Model, *, create: bool) -> bytes | None:
    """The row's unwrapped data key (cached on the instance while the vault stays unsealed).

    ``None`` when the row has no data key and ``create`` is false: nothing was ever encrypted for it,
    or it was crypto-shredded.
    """
    opened = _opened(instance, create=create)
    return None if opened is None else opened[0]


def _opened(instance: models.Model, *, create: bool) -> tuple[bytes, str, str, bytes] | None:
    """The row's data key with the table and record id its ciphertexts are bound to (and their
    encoding as the start of every field's associated data), from the instance's cache when that
    still holds (same unseal, same wrapped key, same ``vault_id``).

    Reading a list decrypts a few fields per row: unwrapping the key and encoding the row's identity
    once per row rather than once per field keeps that cost near what the ciphers take.
    """
    wrapped_text: str = instance.vault_key  # type: ignore[attr-defined]  # VaultRecord
    vault_id = instance.vault_id  # type: ignore[attr-defined]  # VaultRecord
    cached = instance.__dict__.get(_DATA_KEY_CACHE)
    if cached and cached[0] == state.generation() and cached[1] == wrapped_text and cached[2] is vault_id:
        return cached[3:]  # type: ignore[no-any-return]  # (key, table, record_id, ad_prefix)
    keys = state.keys()
    table, record_id = record_identity(instance)
    if wrapped_text:
        try:
            key = unwrap_data_key(keys.kek, from_text(wrapped_text), table=table, record_id=record_id)
        except TamperedCiphertext:
            if keys.previous is None:
                raise
            # A key rotation is in progress and this row is not rewrapped yet: open it with the
            # previous KEK and rewrap it here too, so that saving this instance cannot put the old
            # wrapping back after the rotation pass went by (khronika.vault.rotation).
            key = unwrap_data_key(
                keys.previous.kek, from_text(wrapped_text), table=table, record_id=record_id
            )
            wrapped_text = to_text(wrap_data_key(keys.kek, key, table=table, record_id=record_id))
            instance.vault_key = wrapped_text  # type: ignore[attr-defined]  # VaultRecord
    elif create:
        key = new_data_key()
        wrapped_text = to_text(wrap_data_key(keys.kek, key, table=table, record_id=record_id))
        instance.vault_key = wrapped_text  # type: ignore[attr-defined]  # VaultRecord
    else:
        return None
    ad_prefix = record_ad_prefix(table, record_id)
    instance.__dict__[_DATA_KEY_CACHE] = (
        state.generation(),
        wrapped_text,
        vault_id,
        key,
        table,
        record_id,
        ad_prefix,
    )
    return key, table, record_id, ad_prefix


class DecryptingAttribute(DeferredAttribute):
    """Decrypts a field's value on first access and keeps the clear text on the instance only.

    A data descriptor (it has ``__set__``), unlike Django's DeferredAttribute: otherwise the value in
    the instance's ``__dict__`` would shadow it and the ciphertext would be read as is.
    """

    def __init__(self, field: Any) -> None:
        super().__init__(field)
        # The field's part of the associated data, encoded once (``envelope.field_ad``).
        self._field_ad = field_ad(b"", field.name)

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        loaded = instance.__dict__
        attname = self.field.attname
        # The loaded value straight from the instance (what DeferredAttribute does first); a deferred
        # field is fetched by DeferredAttribute itself.
        value = loaded[attname] if attname in loaded else super().__get__(instance, cls)
        if type(value) is Sealed:
            if value.stored == IN_ROW:
                _open_row(instance)
                return loaded[attname]
            # written before values were kept together in the row: a ciphertext of its own
            opened = _opened(instance, create=False)
            if opened is None:  # shredded: the ciphertext may linger, the key to it does not
                value = ""
            else:
                value = decrypt_text_bound(opened[0], value.stored, opened[3] + self._field_ad)
            loaded[attname] = value
        return value


@functools.cache
def _sensitive_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(name, attname) of each sensitive field of ``model``, in declaration order (models do not
    change once loaded, and this runs for every row written or read)."""
    return tuple((f.name, f.attname) for f in model._meta.concrete_fields if getattr(f, "sensitive", False))


def _open_row(instance: models.Model) -> None:
    """Decrypt the row's ``vault_data`` and put every sensitive value still sealed in it on the
    instance, in clear, all at once (one decryption per row, whichever field is read first)."""
    loaded = instance.__dict__
    opened = _opened(instance, create=False)
    values: dict[str, str] = {}
    if opened is not None:  # None: shredded, every value is gone
        stored = instance.vault_data  # type: ignore[attr-defined]  # VaultRecord
        if not stored:
            raise TamperedCiphertext("A value is marked as encrypted in its row, but the row holds none.")
        if type(stored) is not bytes:  # PostgreSQL's driver gives a memoryview
            stored = bytes(stored)
        # Decoded before parsing: json.loads detects the encoding of bytes itself, at twice the cost.
        values = json.loads(decrypt_field_bound(opened[0], stored, opened[3] + _ROW_AD).decode("utf-8"))
    for name, attname in _sensitive_fields(type(instance)):
        current = loaded.get(attname)
        if type(current) is Sealed and current.stored == IN_ROW:
            if opened is not None and name not in values:
                raise TamperedCiphertext(f"The row's encrypted values lack the field {name!r}.")
            loaded[attname] = values.get(name, "")


class SensitiveMixin:
    """Keeps the field's value in the row's one ciphertext (``VaultDataField``), encrypted with the
    row's data key, and only ``IN_ROW`` or "" in its own column (threat model 1: seizure of the disk)."""

    sensitive = True
    descriptor_class = DecryptingAttribute
    name: str
    attname: str

    def get_internal_type(self) -> str:
        # Ciphertext is longer than the text: every sensitive column is unbounded text in the database;
        # max_length still limits what forms accept.
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None or value == "":
            return value
        if not model_instance.vault_key or not model_instance.vault_data:  # type: ignore[attr-defined]
            # vault_key's and vault_data's own pre_save run first and encrypt the row (VaultDataField);
            # without them (a raw pre_save, or update_fields not widened by VaultRecord.save) the
            # value would never be stored, and would be lost.
            raise ImproperlyConfigured(
                f"{model_instance._meta.label} is not encrypted yet: save it whole, or include vault_key "
                "and vault_data in update_fields."
            )
        return _IN_ROW_STORED

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        if isinstance(value, Sealed):
            return value.stored
        raise ImproperlyConfigured(
            f"The sensitive field {self.name!r} was written or compared without the vault. Save the "
            "object with save() or bulk_create(); search through the in-memory index or a blind index."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"exact", "isnull"}:
            raise FieldError(
                f"The sensitive field {self.name!r} is encrypted in the database and cannot be "
                f"searched with {lookup_name!r}: use the in-memory search index or a blind index."
            )
        return super().get_lookup(lookup_name)  # type: ignore[misc]  # Field.get_lookup via the MRO


_IN_ROW_STORED = Ciphertext(IN_ROW)


class SensitiveCharField(SensitiveMixin, models.CharField):  # type: ignore[type-arg]  # django-stubs generics
    pass


class SensitiveTextField(SensitiveMixin, models.TextField):  # type: ignore[type-arg]  # django-stubs generics
    pass


class VaultKeyField(models.TextField):  # type: ignore[type-arg]  # django-stubs generics
    """The row's data key, wrapped by the key-encryption key; "" when the row holds no sensitive value
    yet, or once it is crypto-shredded.

    Its column is prepared before the sensitive ones (``VaultRecord``'s fields are declared first), so
    it makes the data key when any sensitive value needs one: a row with nothing sensitive in it, such
    as a staff account created from the command line, can be saved while the vault is sealed.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        current: str = getattr(model_instance, self.attname)
        if not current and _holds_clear_values(model_instance):
            data_key(model_instance, create=True)
            current = getattr(model_instance, self.attname)
        elif current and state.is_unsealed():
            current = _current_wrapping(model_instance, current)
        return current


class VaultDataField(models.BinaryField):  # type: ignore[type-arg]  # django-stubs generics
    """The row's non-empty sensitive values, encrypted together with its data key; empty when it has none.

    Prepared after ``vault_key`` (which makes the data key) and before the sensitive columns (which
    then store ``IN_ROW``): ``VaultRecord`` declares both first. Every save re-encrypts the row from
    its values in clear, so the vault must be unsealed to save a row with sensitive values, as it must
    to read them.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        values = {}
        for name, attname in _sensitive_fields(type(model_instance)):
            value = getattr(model_instance, attname)
            if value is not None and value != "":
                values[name] = str(value)
        if not values:
            stored = b""
        else:
            # vault_key's pre_save, which ran first, made the key: a key made here would not be saved.
            opened = _opened(model_instance, create=False)
            assert opened is not None
            key, table, record_id, _ = opened
            stored = encrypt_row(key, values, table=table, record_id=record_id)
        model_instance.__dict__[self.attname] = stored
        return stored


def encrypt_row(key: bytes, values: dict[str, str], *, table: str, record_id: str) -> bytes:
    """A row's non-empty sensitive values (by field name) as the one ciphertext kept in ``vault_data``
    (binary: base64 in a text column cost as much to decode as the decryption of a short row)."""
    plain = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return encrypt_field(key, plain, table=table, record_id=record_id, field=ROW_FIELD)


def _current_wrapping(instance: models.Model, current: str) -> str:
    """The wrapped data key to write back for a row that already has one.

    Key rotation (khronika.vault.rotation) rewraps every row's data key in the database while the
    instance runs. An object loaded before the rotation pass reached its row still holds the old
    wrapping; saving it must not put that back. During the rotation ``data_key`` rewraps it with the
    new KEK; after it, the database already holds the rewrapped key (same data key), which is kept.
    Anything else (a wrapping no key opens) is written back unchanged, as before.
    """
    cached = instance.__dict__.get(_DATA_KEY_CACHE)
    if cached and cached[0] == state.generation() and cached[1] == current:
        return current  # opened with the current keys already
    try:
        data_key(instance, create=False)
        return str(instance.vault_key)  # type: ignore[attr-defined]  # VaultRecord
    except TamperedCiphertext:
        pass
    if instance.pk is None:
        return current
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list("vault_key", flat=True).first()
    if not stored or stored == current:
        return current
    instance.vault_key = stored  # type: ignore[attr-defined]  # VaultRecord
    instance.__dict__.pop(_DATA_KEY_CACHE, None)
    try:
        data_key(instance, create=False)
    except TamperedCiphertext:
        instance.vault_key = current  # type: ignore[attr-defined]  # VaultRecord
        return current
    return str(stored)


def _holds_clear_values(instance: models.Model) -> bool:
    """Whether any sensitive field of ``instance`` holds a non-empty value that is not yet encrypted."""
    for field in instance._meta.concrete_fields:
        if getattr(field, "sensitive", False):
            value = instance.__dict__.get(field.attname)
            if value not in (None, "") and not isinstance(value, Sealed):
                return True
    return False


class VaultRecord(models.Model):
    """A model with sensitive fields: a permanent identity for its ciphertexts and its wrapped data key."""

    vault_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vault_key = VaultKeyField(blank=True, default="", editable=False)
    vault_data = VaultDataField(blank=True, default=b"", editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving any sensitive field rewrites the row's one ciphertext, so ``vault_key`` and
        ``vault_data`` are saved with it, whether ``update_fields`` names them or Django derives it
        from the fields an ``only()`` query loaded."""
        own = {"vault_key", ROW_FIELD, *(attname for _, attname in _sensitive_fields(type(self)))}
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            if own.intersection(update_fields) - {"vault_key"}:
                kwargs["update_fields"] = {*update_fields, "vault_key", ROW_FIELD}
        else:
            deferred = self.get_deferred_fields() & own
            if deferred and deferred != own:
                # Some of the row's encrypted values were loaded, others not: load the rest, or the
                # row would be re-encrypted without them.
                self.refresh_from_db(fields=sorted(deferred))
        super().save(*args, **kwargs)


def sensitive_field_names(model: type[models.Model]) -> list[str]:
    """Names of the sensitive fields of ``model``, in declaration order."""
    return [f.name for f in model._meta.get_fields() if getattr(f, "sensitive", False)]


def shred(instance: models.Model) -> None:
    """Crypto-shred ``instance``: its data key and every ciphertext are removed from the row.

    Copies of the row in the WAL or in backups stay unreadable once the key-encryption key they were
    wrapped with is rotated away (docs/vault.md, Crypto-shredding).
    """
    names = sensitive_field_names(type(instance))
    type(instance)._default_manager.filter(pk=instance.pk).update(
        vault_key="", vault_data=b"", **dict.fromkeys(names, "")
    )
    instance.vault_key = ""  # type: ignore[attr-defined]  # VaultRecord
    instance.__dict__[ROW_FIELD] = b""
    for name in names:
        instance.__dict__[name] = ""
    instance.__dict__.pop(_DATA_KEY_CACHE, None)
