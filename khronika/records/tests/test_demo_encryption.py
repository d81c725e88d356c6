"""The demo generator's fast path (khronika.bulk.insert_rows without model instances) encrypts exactly as
saving through the model does: one fresh data key per row, one ciphertext per row bound to table and row,
blind indexes that are the keyed HMACs of the clear values."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection

from khronika.bulk import insert_rows
from khronika.records.blind_indexes import NameDigests, person_digests
from khronika.records.demo import generate
from khronika.records.models import Act, Incident, Person, Term
from khronika.records.models.people import PersonBlindIndex
from khronika.vault import state
from khronika.vault.crypto import TamperedCiphertext, blind_index, from_text, unwrap_data_key
from khronika.vault.crypto.blind_index import Domain
from khronika.vault.fields import IN_ROW, Sealed
from khronika.vault.tests.support import row_ciphertext

pytestmark = pytest.mark.django_db


def _db_id(pk: uuid.UUID) -> Any:
    return Person._meta.pk.get_db_prep_value(pk, connection)


def _raw(table: str, column: str, pk: uuid.UUID) -> str:
    with connection.cursor() as cursor:
        quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
        cursor.execute(
            f"SELECT {quoted_column} FROM {quoted_table} WHERE id = %s",  # noqa: S608  # names from the test
            [_db_id(pk)],
        )
        return str(cursor.fetchone()[0])


def _raw_row_data(table: str, pk: uuid.UUID) -> bytes:
    """The row's ``vault_data`` as stored, checked to be a vault ciphertext."""
    with connection.cursor() as cursor:
        quoted_table = connection.ops.quote_name(table)
        cursor.execute(f"SELECT vault_data FROM {quoted_table} WHERE id = %s", [_db_id(pk)])  # noqa: S608
        return row_ciphertext(cursor.fetchone()[0])


def test_demo_rows_are_ciphertext_on_disk_and_clear_through_the_model(team):
    generate(4, compartments=[team.home])

    for person in Person.objects.filter(compartment=team.home):
        assert person.given_name and person.name_latin and person.contacts.startswith("+7 9")
        row = _raw_row_data("records_person", person.pk)
        for column in ("given_name", "family_name", "name_latin", "birth_date", "contacts"):
            assert _raw("records_person", column, person.pk) == IN_ROW
            assert getattr(person, column).encode() not in row
    for incident in Incident.objects.filter(compartment=team.home):
        assert "\n\n" in incident.narrative and " / " in incident.title
        assert _raw("records_incident", "narrative", incident.pk) == IN_ROW
        assert incident.narrative.encode() not in _raw_row_data("records_incident", incident.pk)


def test_each_demo_row_has_its_own_data_key_bound_to_it(team, unsealed_vault):
    generate(6, compartments=[team.home])
    persons = list(Person.objects.filter(compartment=team.home))

    keys = {
        unwrap_data_key(
            unsealed_vault.kek, from_text(p.vault_key), table="records_person", record_id=str(p.vault_id)
        )
        for p in persons
    }
    assert len(keys) == len(persons) == 6
    with pytest.raises(TamperedCiphertext):  # a wrapped key copied to another row does not open
        unwrap_data_key(
            unsealed_vault.kek,
            from_text(persons[0].vault_key),
            table="records_person",
            record_id=str(persons[1].vault_id),
        )


def test_a_demo_ciphertext_moved_to_another_row_or_table_fails_to_decrypt(team):
    generate(2, compartments=[team.home])
    first, second = Person.objects.filter(compartment=team.home)
    incident = Incident.objects.filter(compartment=team.home).first()
    stolen = _raw_row_data("records_person", first.pk)

    for table, target in (("records_person", second.pk), ("records_incident", incident.pk)):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET vault_data = %s WHERE id = %s",  # noqa: S608  # fixed names
                [stolen, _db_id(target)],
            )
    with pytest.raises(TamperedCiphertext):
        _ = Person.objects.get(pk=second.pk).given_name
    with pytest.raises(TamperedCiphertext):
        _ = Incident.objects.get(pk=incident.pk).narrative


def test_insert_rows_encrypts_given_text_and_leaves_empty_fields_empty(team):
    person_id, vault_id = uuid.uuid4(), uuid.uuid4()
    insert_rows(
        Person,
        ("id", "vault_id", "pseudonym", "compartment_id", "given_name", "birth_date", "created_at"),
        [(person_id, vault_id, "P-TESTAB1", team.home.pk, "Заур", 1990, datetime.datetime.now(datetime.UTC))],
    )

    person = Person.objects.get(pk=person_id)
    assert person.vault_id == vault_id
    assert person.given_name == "Заур"
    assert person.birth_date == "1990"  # not text: went through the instance, as bulk_create would
    assert person.family_name == "" and _raw("records_person", "family_name", person_id) == ""


def test_rows_without_sensitive_values_get_no_key_and_are_written_while_sealed(team):
    generate(1, compartments=[team.home])
    incident = Incident.objects.get(compartment=team.home)
    act_type = Term.objects.filter(vocabulary__code="act_type").first()
    act_id = uuid.uuid4()
    keys = state.keys()
    state.seal()
    try:
        insert_rows(Act, ("id", "incident_id", "act_type_id"), [(act_id, incident.pk, act_type.pk)])
    finally:
        state.unseal(keys)

    act = Act.objects.get(pk=act_id)
    assert act.vault_key == "" and act.vault_id and act.description == ""


def test_insert_rows_refuses_to_encrypt_while_sealed(team):
    keys = state.keys()
    state.seal()
    try:
        with pytest.raises(Exception, match=r"(?i)seal"):
            insert_rows(
                Person,
                ("id", "pseudonym", "compartment_id", "given_name"),
                [(uuid.uuid4(), "P-TESTAB2", team.home.pk, "Заур")],
            )
    finally:
        state.unseal(keys)
    assert not Person.objects.filter(pseudonym="P-TESTAB2").exists()


def test_demo_blind_indexes_are_the_keyed_hashes_of_each_persons_values(team, unsealed_vault):
    generate(5, compartments=[team.home])
    key = unsealed_vault.blind_index_key

    for person in Person.objects.filter(compartment=team.home):
        stored = set(PersonBlindIndex.objects.filter(person=person).values_list("kind", "digest"))
        assert stored == person_digests(person, key)  # recomputed alone, without the shared name cache
        assert ("name", blind_index(key, Domain.PERSON_NAME, person.given_name.casefold())) in stored
        assert not isinstance(person.__dict__.get("given_name"), Sealed)


def test_shared_name_digests_refuse_another_key(unsealed_vault):
    names = NameDigests(unsealed_vault.blind_index_key)
    with pytest.raises(ValueError, match="another blind-index key"):
        person_digests(Person(given_name="Заур"), bytes(32), names)


def test_insert_rows_binds_ciphertexts_to_the_vault_id_it_draws_itself(team):
    first, second = uuid.uuid4(), uuid.uuid4()
    insert_rows(
        Person,
        ("id", "pseudonym", "compartment_id", "given_name"),
        [(first, "P-TESTAB3", team.home.pk, "Ислам"), (second, "P-TESTAB4", team.home.pk, "Ислам")],
    )

    one, two = Person.objects.get(pk=first), Person.objects.get(pk=second)
    assert one.vault_id != two.vault_id
    assert (one.given_name, two.given_name) == ("Ислам", "Ислам")
    assert _raw_row_data("records_person", first) != _raw_row_data("records_person", second)
