"""Sensitive fields reach the database only as one ciphertext per row, bound to that row.

Threat model 1 (a seized disk): the raw rows hold no name or narrative; a ciphertext copied to another
row fails instead of showing one person's data as another's.
"""

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection, transaction

from khronika.records.models import Incident, Person
from khronika.testing.factories import IncidentFactory, PersonFactory, UserFactory
from khronika.vault import fields as vault_fields
from khronika.vault import state
from khronika.vault.crypto import TamperedCiphertext, VaultSealed
from khronika.vault.fields import IN_ROW, VaultRecord, sensitive_field_names, shred
from khronika.vault.tests.support import row_ciphertext


def raw_row(model, pk, columns):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s",  # noqa: S608  # test-owned names
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return cursor.fetchone()


@pytest.fixture
def person(team):
    return PersonFactory(
        compartment=team.home, given_name="Тимур", family_name="Sentinel-Latin", contacts="+79001234567"
    )


def test_the_database_holds_ciphertext_and_the_model_gives_back_the_text(person):
    given, family, contacts, patronymic, key, data = raw_row(
        Person, person.id, ["given_name", "family_name", "contacts", "patronymic", "vault_key", "vault_data"]
    )

    assert (given, family, contacts, patronymic) == (IN_ROW, IN_ROW, IN_ROW, "")
    data = row_ciphertext(data)
    assert key.startswith("kv:")
    assert all(marker.encode() not in data for marker in ("Тимур", "Sentinel", "9001234567"))
    fresh = Person.objects.get(id=person.id)
    assert (fresh.given_name, fresh.family_name, fresh.contacts) == (
        "Тимур",
        "Sentinel-Latin",
        "+79001234567",
    )


def _plant(model, pk, column, value):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s",  # noqa: S608  # test-owned
            [value, pk.hex if connection.vendor == "sqlite" else pk],
        )


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(team):
    first = IncidentFactory(compartment=team.home, title="first title")
    second = IncidentFactory(compartment=team.home, title="second title")
    (stolen,) = raw_row(Incident, first.id, ["vault_data"])
    _plant(Incident, second.id, "vault_data", stolen)

    with pytest.raises(TamperedCiphertext):
        _ = Incident.objects.get(id=second.id).title


def test_a_column_marked_encrypted_that_the_rows_ciphertext_lacks_is_refused(person):
    """Marking an empty column as holding a value cannot make up a value, nor show another field's."""
    _plant(Person, person.id, "patronymic", IN_ROW)

    with pytest.raises(TamperedCiphertext, match="patronymic"):
        _ = Person.objects.get(id=person.id).patronymic


def test_a_row_is_decrypted_once_whichever_field_is_read_first(person, monkeypatch):
    calls = []
    decrypt = vault_fields.decrypt_field_bound
    monkeypatch.setattr(vault_fields, "decrypt_field_bound", lambda *a: calls.append(1) or decrypt(*a))
    fresh = Person.objects.get(id=person.id)

    read = (fresh.contacts, fresh.given_name, fresh.family_name)
    assert read == ("+79001234567", "Тимур", "Sentinel-Latin")
    assert len(calls) == 1


def test_saving_some_fields_keeps_the_others(person):
    """``update_fields`` naming one column, or an ``only()`` load, re-encrypts the whole row."""
    person.given_name = "Руслан"
    person.save(update_fields=["given_name"])
    partial = Person.objects.only("id", "family_name").get(id=person.id)
    partial.family_name = "Другой"
    partial.save()

    fresh = Person.objects.get(id=person.id)
    assert (fresh.given_name, fresh.family_name, fresh.contacts) == ("Руслан", "Другой", "+79001234567")


def test_emptying_a_field_removes_its_value_from_the_row(person):
    person.contacts = ""
    person.save()

    fresh = Person.objects.get(id=person.id)
    assert fresh.contacts == "" and raw_row(Person, person.id, ["contacts"]) == ("",)
    fresh.__dict__["contacts"] = vault_fields.Sealed(IN_ROW)  # as if the column were marked again
    with pytest.raises(TamperedCiphertext, match="contacts"):
        vault_fields._open_row(fresh)


def test_shredding_removes_the_key_and_every_value(person):
    shred(person)

    fresh = Person.objects.get(id=person.id)
    assert fresh.vault_key == "" and fresh.given_name == "" and fresh.contacts == ""
    given, key, data = raw_row(Person, person.id, ["given_name", "vault_key", "vault_data"])
    assert (given, key, bytes(data)) == ("", "", b"")


def test_searching_or_bulk_updating_encrypted_text_fails_loudly(person):
    with pytest.raises(FieldError, match="encrypted"):
        list(Person.objects.filter(given_name__icontains="Тим"))
    with pytest.raises(ImproperlyConfigured, match="without the vault"), transaction.atomic():
        Person.objects.filter(id=person.id).update(given_name="Other")
    assert Person.objects.get(id=person.id).given_name == "Тимур"


def test_nothing_decrypts_while_sealed(person):
    keys = state.keys()
    state.seal()
    try:
        with pytest.raises(VaultSealed):
            _ = Person.objects.get(id=person.id).given_name
    finally:
        state.unseal(keys)


def test_an_account_without_sensitive_values_can_be_created_while_sealed(db):
    keys = state.keys()
    state.seal()
    try:
        user = UserFactory(username="operator-made")
    finally:
        state.unseal(keys)
    assert user.vault_key == ""


def test_the_data_key_and_row_columns_are_prepared_before_every_sensitive_column():
    """Otherwise a key or row ciphertext made after a sensitive column was prepared would never be
    stored (data loss)."""
    for model in apps.get_models():
        if issubclass(model, VaultRecord):
            names = [f.name for f in model._meta.concrete_fields]
            assert names.index("vault_key") < names.index("vault_data"), model
            sensitive = sensitive_field_names(model)
            assert all(names.index("vault_data") < names.index(n) for n in sensitive), model
