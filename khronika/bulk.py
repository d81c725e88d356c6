"""Writing many rows fast: demo data, imports and the ledger's own bulk appends.

``bulk_create`` builds a model instance per row and prepares every value through its field, which costs
tens of microseconds a row: 100,000 demo incidents are over a million rows (incidents, acts, people,
sources, ledger entries). Here rows are plain tuples written with one prepared statement (SQLite) or
``COPY`` (PostgreSQL). Like ``bulk_create`` it sends no signals and calls no ``save()``.

A model with sensitive fields (``vault.fields``) still gets an instance per row, and every field that
is sensitive, left to its default or not of a plain type goes through ``pre_save`` and
``get_db_prep_save`` exactly as in ``bulk_create``: threat model 1, the vault's per-row encryption must
not be skipped by a fast path. Values the database adapter cannot take as they are (UUIDs on SQLite,
dates, times) are converted by their field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
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
    """Rows of a model with sensitive fields, each passed through an instance as ``bulk_create`` does.

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
    prepared = (tuple(c(v) for c, v in zip(convert, row, strict=True)) + extra for row in rows)
    return given + extra_fields, prepared


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
    last: list[Any] = [object(), None]  # the previous value and its conversion: rows often share a time

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert


def _same(value: Any) -> Any:
    return value
