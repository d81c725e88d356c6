"""Sensitive fields reach the database only as ciphertext bound to their row and column.

Threat model 1 (a seized disk): the raw rows hold no name or narrative; a ciphertext copied to another
row fails instead of showing one person's data as another's.
"""

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection, transaction

from khronika.records.models import Incident, Person
from khronika.testing.factories import IncidentFactory, PersonFactory, UserFactory
from khronika.vault import state
from khronika.vault.crypto import TamperedCiphertext, VaultSealed
from khronika.vault.fields import VaultRecord, sensitive_field_names, shred


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
    given, family, contacts, key = raw_row(
        Person, person.id, ["given_name", "family_name", "contacts", "vault_key"]
    )

    assert given.startswith("kv:") and family.startswith("kv:") and contacts.startswith("kv:")
    assert "Тимур" not in given and "Sentinel" not in family and "9001234567" not in contacts
    assert key.startswith("kv:")
    fresh = Person.objects.get(id=person.id)
    assert (fresh.given_name, fresh.family_name, fresh.contacts) == (
        "Тимур",
        "Sentinel-Latin",
        "+79001234567",
    )


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(team):
    first = IncidentFactory(compartment=team.home, title="first title")
    second = IncidentFactory(compartment=team.home, title="second title")
    (stolen,) = raw_row(Incident, first.id, ["title"])
    Incident.objects.filter(id=second.id).update(title="")  # clear, then plant the other row's ciphertext
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Incident._meta.db_table} SET title = %s WHERE id = %s",  # noqa: S608
            [stolen, second.id.hex if connection.vendor == "sqlite" else second.id],
        )

    with pytest.raises(TamperedCiphertext):
        _ = Incident.objects.get(id=second.id).title


def test_shredding_removes_the_key_and_every_value(person):
    shred(person)

    fresh = Person.objects.get(id=person.id)
    assert fresh.vault_key == "" and fresh.given_name == "" and fresh.contacts == ""
    assert raw_row(Person, person.id, ["given_name", "vault_key"]) == ("", "")


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


def test_the_data_key_column_is_prepared_before_every_sensitive_column():
    """Otherwise a key made while preparing a sensitive column would never be stored (data loss)."""
    for model in apps.get_models():
        if issubclass(model, VaultRecord):
            names = [f.name for f in model._meta.concrete_fields]
            assert all(names.index("vault_key") < names.index(n) for n in sensitive_field_names(model)), model
