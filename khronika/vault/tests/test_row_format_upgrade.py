"""Rows written before sensitive values were kept together (one ciphertext per column) still read,
still refuse tampering, and move to the one-ciphertext-per-row format when they are next saved."""

from __future__ import annotations

import pytest
from django.db import connection

from khronika.records.models import Person
from khronika.testing.factories import PersonFactory
from khronika.vault import fields
from khronika.vault.crypto import TamperedCiphertext, encrypt_text
from khronika.vault.tests.support import row_ciphertext

TABLE = "records_person"


def _write_as_before(person: Person, values: dict[str, str]) -> None:
    """Store ``values`` as the vault did before this change: each column its own ciphertext."""
    key = fields.data_key(person, create=False)
    assert key is not None
    record_id = str(person.vault_id)
    columns = {
        name: encrypt_text(key, value, table=TABLE, record_id=record_id, field=name)
        for name, value in values.items()
    }
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET {assignments}, vault_data = %s WHERE id = %s",  # noqa: S608  # test-owned
            [*columns.values(), b"", Person._meta.pk.get_db_prep_value(person.pk, connection)],
        )


def _raw(person: Person, *columns: str) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {TABLE} WHERE id = %s",  # noqa: S608  # test-owned
            [Person._meta.pk.get_db_prep_value(person.pk, connection)],
        )
        return tuple(cursor.fetchone())


@pytest.fixture
def old_row(team):
    person = PersonFactory(compartment=team.home, given_name="x", family_name="y", contacts="z")
    _write_as_before(person, {"given_name": "Тимур", "family_name": "Oldformat", "contacts": "+79001112233"})
    return person


def test_a_row_in_the_old_format_reads_through_the_model(old_row):
    fresh = Person.objects.get(pk=old_row.pk)

    assert (fresh.given_name, fresh.family_name, fresh.contacts) == ("Тимур", "Oldformat", "+79001112233")


def test_saving_it_rewrites_it_as_one_ciphertext(old_row):
    fresh = Person.objects.get(pk=old_row.pk)
    fresh.notes = "новая заметка"
    fresh.save()

    given, contacts, notes, data = _raw(old_row, "given_name", "contacts", "notes", "vault_data")
    assert (given, contacts, notes) == (fields.IN_ROW, fields.IN_ROW, fields.IN_ROW)
    assert "Тимур".encode() not in row_ciphertext(data)
    again = Person.objects.get(pk=old_row.pk)
    assert (again.given_name, again.contacts, again.notes) == ("Тимур", "+79001112233", "новая заметка")


def test_an_old_ciphertext_moved_to_another_column_is_still_refused(old_row):
    (family,) = _raw(old_row, "family_name")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET given_name = %s WHERE id = %s",  # noqa: S608  # test-owned
            [family, Person._meta.pk.get_db_prep_value(old_row.pk, connection)],
        )

    with pytest.raises(TamperedCiphertext):
        _ = Person.objects.get(pk=old_row.pk).given_name
