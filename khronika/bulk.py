"""Writing many rows fast: demo data, imports and the ledger's own bulk appends.

``bulk_create`` builds a model instance per row and prepares every value through its field, which costs
tens of microseconds a row: 100,000 demo incidents are over a million rows (incidents, acts, people,
sources, ledger entries). Here rows are plain tuples written with one prepared statement (SQLite) or
``COPY`` (PostgreSQL). Like ``bulk_create`` it sends no signals and calls no ``save()``.

A model with sensitive fields (``vault.fields``) is encrypted row by row exactly as ``pre_save`` does
it in ``bulk_create`` (threat model 1, the vault's per-row encryption must never be skipped by a fast
path): each row that holds a sensitive value gets its own fresh data key, wrapped by the KEK and bound
to the table and the row's ``vault_id``, and each value is encrypted with it, bound to table, row and
field, through the same functions of ``khronika.vault.fields``. What is left out is only the model
instance and Django's per-field dispatch, which cost more than the encryption itself. Rows or models
that need more than that (a wrapped key or a ciphertext given as a value, a field with its own
``pre_save`` such as a file) still go through an instance each. Values the database adapter cannot
take as they are (UUIDs on SQLite, dates, times) are converted by their field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any, TypeAlias

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# Fields whose Python value the database adapters take unchanged (when the field is not sensitive).
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
}
_CHUNK = 5000


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Iterable[Any]]) -> int:
    """Insert ``rows`` (tuples of the attribute values named by ``fields``) into ``model``'s table.

    ``fields`` are attribute names (``incident_id`` for a foreign key). Columns left out take their
    field's default, ``now`` for ``auto_now`` fields, or NULL. Returns the number of rows written.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # looked up once: the proxy costs a call per value
    if any(getattr(f, "sensitive", False) for f in model._meta.concrete_fields):
        if _encryptable_directly(model, fields):
            columns, prepared = _encrypting(model, fields, rows, connection)
        else:
            columns, prepared = _through_instances(model, fields, rows, connection)
    else:
        columns, prepared = _as_given(model, fields, rows, connection)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # psycopg 3
                for row in prepared:
                    copy.write_row(row)
                    written += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            # Table and column names come from the model, quoted; every value is a bound parameter.
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
            while chunk := list(islice(prepared, _CHUNK)):
                cursor.executemany(sql, chunk)
                written += len(chunk)
    return written


Field: TypeAlias = "models.Field[Any, Any]"  # a string: Django's Field is not subscriptable at run time


def _through_instances(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Iterable[Any]], connection: Any
) -> tuple[list[Field], Iterator[tuple[Any, ...]]]:
    """Rows of a model with sensitive fields, each passed through an instance as ``bulk_create`` does."""
    columns, prepare = _instance_preparer(model, fields, connection)
    return columns, (prepare(tuple(row)) for row in rows)


def _instance_preparer(
    model: type[models.Model], fields: Sequence[str], connection: Any
) -> tuple[list[Field], Callable[[tuple[Any, ...]], tuple[Any, ...]]]:
    """The columns and a function preparing one row through a model instance.

    Threat model 1: the vault encrypts in ``pre_save`` with the row's own data key, so every sensitive
    field, the row's key and every default go through the instance; given values of other fields are
    converted as ``_as_given`` converts them.
    Instances are built with positional values, the fast path of ``Model.__init__``.
    """
    concrete = list(model._meta.concrete_fields)
    columns = [f for f in concrete if not _database_assigned(f)]
    position = {name: i for i, name in enumerate(fields)}
    # Given values of fields that neither encrypt nor stamp themselves in pre_save need no instance.
    direct = {
        f.attname: _converter(f, connection)
        for f in columns
        if f.attname in position
        and not getattr(f, "sensitive", False)
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    }

    def prepare(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = [row[position[f.attname]] if f.attname in position else f.get_default() for f in concrete]
        instance = model(*values)
        return tuple(
            direct[f.attname](row[position[f.attname]])
            if f.attname in direct
            else f.get_db_prep_save(f.pre_save(instance, True), connection)
            for f in columns
        )

    return columns, prepare


def _encryptable_directly(model: type[models.Model], fields: Sequence[str]) -> bool:
    """Whether every column of ``model`` is one whose ``pre_save`` ``_encrypting`` repeats exactly.

    That is: a vault record whose wrapped key is not given (it is made here, per row), sensitive fields
    whose default is empty, date and time fields (``auto_now``), and fields without a ``pre_save`` of
    their own. Anything else, such as a file field that saves its file in ``pre_save``, goes through
    instances.
    """
    from khronika.vault.fields import SensitiveMixin, VaultDataField, VaultKeyField, VaultRecord

    if not issubclass(model, VaultRecord) or "vault_key" in fields or "vault_data" in fields:
        return False
    plain_pre_save: set[Any] = {
        models.Field.pre_save,
        models.DateField.pre_save,
        models.DateTimeField.pre_save,
    }
    encrypting_pre_save: Any = SensitiveMixin.pre_save
    for field in model._meta.concrete_fields:
        pre_save: Any = type(field).pre_save
        if getattr(field, "sensitive", False):
            if pre_save is not encrypting_pre_save or (
                field.attname not in fields and field.get_default() not in (None, "")
            ):
                return False
        elif pre_save not in (VaultKeyField.pre_save, VaultDataField.pre_save, *plain_pre_save):
            return False
    return True


def _encrypting(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Iterable[Any]], connection: Any
) -> tuple[list[Field], Iterator[tuple[Any, ...]]]:
    """Rows of a vault record, encrypted as ``VaultKeyField.pre_save`` and ``SensitiveMixin.pre_save``
    would encrypt them through an instance, without building one.

    Threat model 1, nothing weakened: a row with any non-empty sensitive value gets a fresh random data
    key (``new_data_key``, never shared between rows), wrapped by the KEK and bound to the table and the
    row's ``vault_id`` (``wrap_data_key``); its non-empty sensitive values are encrypted together with
    that key into ``vault_data``, bound to table, ``vault_id`` and the column (``encrypt_row``), and
    each of their columns holds ``IN_ROW``. The functions are looked up on
    ``khronika.vault.fields``, where the fields' own ``pre_save`` finds them, so both paths always run
    the same cryptography (``records/tests/test_demo_encryption.py`` reads rows written here back
    through the model). A row whose sensitive values are all empty gets no key, as through an instance,
    so such rows can be written while the vault is sealed. A sensitive value that is not plain text (a
    ciphertext or a sealed value copied from another row, a number) sends its row through an instance.
    """
    from khronika.vault import fields as vault_fields
    from khronika.vault import state

    # Through the module's namespace (it imports them from khronika.vault.crypto without re-exporting).
    new_data_key = vars(vault_fields)["new_data_key"]
    wrap_data_key = vars(vault_fields)["wrap_data_key"]
    to_text = vars(vault_fields)["to_text"]
    encrypt_row, in_row, row_field = vault_fields.encrypt_row, vault_fields.IN_ROW, vault_fields.ROW_FIELD
    table = model._meta.db_table
    columns, through_instance = _instance_preparer(model, fields, connection)
    position = {name: i for i, name in enumerate(fields)}
    now = timezone.now()
    today = date.today()  # noqa: DTZ011  # what DateField.pre_save stamps, as through an instance

    # One entry per column, in order: how its value is made. Sensitive ones are filled in per row.
    given: list[tuple[int, int, Callable[[Any], Any]]] = []  # column, position in the row, converter
    constant: list[tuple[int, Any]] = []  # column, prepared value
    called: list[tuple[int, Field, Callable[[Any], Any]]] = []  # column, field (callable default), converter
    sensitive: list[tuple[int, int, str]] = []  # column, position in the row, field name
    vault_id_column = key_column = data_column = -1
    for column, field in enumerate(columns):
        if field.attname == "vault_id":
            vault_id_column = column
        if field.attname == "vault_key":
            key_column = column
        elif field.attname == row_field:
            data_column = column
        elif field.attname == "vault_id" and field.attname not in position:
            pass  # made per row below: the row's identity is needed to bind its ciphertexts
        elif getattr(field, "sensitive", False):
            if field.attname in position:
                sensitive.append((column, position[field.attname], field.name))
            else:
                constant.append((column, field.get_default()))  # empty: checked by _encryptable_directly
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamp = now if isinstance(field, models.DateTimeField) else today
            constant.append((column, field.get_db_prep_save(stamp, connection)))
        elif field.attname in position:
            given.append((column, position[field.attname], _converter(field, connection)))
        elif field.has_default() and callable(field.default):
            called.append((column, field, _converter(field, connection)))
        else:
            constant.append((column, field.get_db_prep_save(field.get_default(), connection)))
    vault_id_field = columns[vault_id_column]
    vault_id_position = position.get("vault_id")
    width = len(columns)

    def prepare(row: tuple[Any, ...]) -> tuple[Any, ...]:
        clear = [(column, row[at], name) for column, at, name in sensitive if row[at] not in (None, "")]
        if any(type(value) is not str for _column, value, _name in clear):
            return through_instance(row)
        out: list[Any] = [None] * width
        for column, at, convert in given:
            out[column] = convert(row[at])
        for column, value in constant:
            out[column] = value
        for column, field, convert in called:
            out[column] = convert(field.get_default())
        for column, at, _name in sensitive:
            out[column] = row[at]  # None or "" unless encrypted below
        if vault_id_position is None:
            vault_id = vault_id_field.get_default()
            out[vault_id_column] = vault_id_field.get_db_prep_save(vault_id, connection)
        else:
            vault_id = row[vault_id_position]
        out[key_column], out[data_column] = "", b""
        if clear:
            record_id = str(vault_id)
            key = new_data_key()
            out[key_column] = to_text(wrap_data_key(state.keys().kek, key, table=table, record_id=record_id))
            values = {name: value for _column, value, name in clear}
            out[data_column] = encrypt_row(key, values, table=table, record_id=record_id)
            for column, _value, _name in clear:
                out[column] = in_row
        return tuple(out)

    return columns, (prepare(tuple(row)) for row in rows)


def _as_given(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Iterable[Any]], connection: Any
) -> tuple[list[Field], Iterator[tuple[Any, ...]]]:
    """Rows of a model without sensitive fields: tuples converted value by value, no instances."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    given = [by_attname[name] for name in fields]
    extra_fields, extra_values = _filled_in(model, set(fields))
    convert = [_converter(f, connection) for f in given]
    extra = tuple(_converter(f, connection)(v) for f, v in zip(extra_fields, extra_values, strict=True))
    # Only the values that need it are converted: most columns (text, numbers) pass as they are.
    converting = [(i, c) for i, c in enumerate(convert) if c is not _same]
    width = len(given)

    def prepare(row: Iterable[Any]) -> tuple[Any, ...]:
        values = list(row)
        if len(values) != width:
            raise ValueError(f"A row for {model.__name__} has {len(values)} values for {width} fields.")
        for i, convert_value in converting:
            values[i] = convert_value(values[i])
        return (*values, *extra)

    return given + extra_fields, (prepare(row) for row in rows)


def _database_assigned(field: Field) -> bool:
    return field.primary_key and field.get_internal_type().endswith("AutoField")


def _filled_in(model: type[models.Model], given: set[str]) -> tuple[list[Field], list[Any]]:
    fields, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in given or _database_assigned(field):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = timezone.now()
        elif (field.has_default() and callable(field.default)) or (
            field.get_default() is None and not field.null
        ):
            # A callable default (a random code, a new UUID) must differ per row: the caller gives it.
            raise ValueError(f"{model.__name__}.{field.name} needs a value in every row.")
        else:
            value = field.get_default()
        fields.append(field)
        values.append(value)
    return fields, values


def _converter(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]  # ForeignKey
    if not getattr(field, "sensitive", False) and target.get_internal_type() in _PLAIN_TYPES:
        return _same
    if target.get_internal_type() == "UUIDField":
        # Ids are the most frequent values of all (every row has several): what UUIDField's
        # get_db_prep_value does for a UUID, without the calls around it.
        native = connection.features.has_native_uuid_field
        prepare = field.get_db_prep_save

        def convert_id(value: Any) -> Any:
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return prepare(value, connection)

        return convert_id
    last: list[Any] = [object(), None]  # the previous value and its conversion: rows often share a time

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert


def _same(value: Any) -> Any:
    return value
