"""Writing many rows fast: demo data, imports and the ledger's own bulk appends.

``bulk_create`` builds a model instance per row and prepares every value through its field, which costs
tens of microseconds a row: 100,000 demo incidents are over a million rows (incidents, acts, people,
sources, ledger entries). Here rows are plain tuples written with one prepared statement (SQLite) or
``COPY`` (PostgreSQL). Like ``bulk_create`` it sends no signals and calls no ``save()``.

Values of sensitive fields (``vault.fields``) and of every type the database adapter cannot take as it is
(UUIDs on SQLite, dates, times) still go through their field's ``get_db_prep_save``, exactly as
``bulk_create`` would: threat model 1, the vault's encryption of those fields must not be skipped by a
fast path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

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
    field's constant default, ``now`` for ``auto_now`` fields, or NULL; a column that has none of these
    must be given. Returns the number of rows written.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # looked up once: the proxy costs a call per value
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    given = [by_attname[name] for name in fields]
    extra_fields, extra_values = _filled_in(model, set(fields))
    columns = [f.column for f in given] + [f.column for f in extra_fields]
    convert = [_converter(f, connection) for f in given]
    extra = tuple(_converter(f, connection)(v) for f, v in zip(extra_fields, extra_values, strict=True))
    prepared = (tuple(c(v) for c, v in zip(convert, row, strict=True)) + extra for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(c)) for c in columns)
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


def _filled_in(model: type[models.Model], given: set[str]) -> tuple[list[models.Field[Any, Any]], list[Any]]:
    fields, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in given or (field.primary_key and field.get_internal_type().endswith("AutoField")):
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
    last: list[Any] = [object(), None]  # the previous value and its conversion: rows often share a time

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert


def _same(value: Any) -> Any:
    return value
